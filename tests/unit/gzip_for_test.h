#pragma once

#include <zlib.h>

#include <string>
#include <string_view>

namespace preflight::testing {

// gzip-compresses text the way the kernel's /proc/config.gz is stored, for tests that need one.
inline std::string GzipForTest(std::string_view text) {
  z_stream s{};
  // 15 + 16: 32 KiB window with a gzip header (zlib.h, deflateInit2).
  if (deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&s, static_cast<uLong>(text.size())), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  s.avail_in = static_cast<uInt>(text.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace preflight::testing
