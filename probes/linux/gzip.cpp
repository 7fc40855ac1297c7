#include "probes/linux/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace preflight {
namespace {

class Inflater {
 public:
  Inflater() = default;
  ~Inflater() {
    if (initialised_) inflateEnd(&stream_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool Init() {
    // 15 + 16: a 32 KiB window, gzip wrapper only (zlib.h, inflateInit2).
    initialised_ = inflateInit2(&stream_, 15 + 16) == Z_OK;
    return initialised_;
  }
  z_stream& Stream() { return stream_; }

 private:
  z_stream stream_{};
  bool initialised_ = false;
};

}  // namespace

Result<std::string> GunzipBounded(std::string_view compressed, std::size_t max_output) {
  if (compressed.size() > std::numeric_limits<uInt>::max()) {
    return MakeError(ErrorKind::kTooLarge, "compressed input too large");
  }
  Inflater inflater;
  if (!inflater.Init()) return MakeError(ErrorKind::kOther, "zlib inflateInit2 failed");
  z_stream& s = inflater.Stream();
  // zlib does not write through next_in; the cast only satisfies its C signature.
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  s.avail_in = static_cast<uInt>(compressed.size());

  std::string output;
  char buffer[16384];
  while (true) {
    s.next_out = reinterpret_cast<Bytef*>(buffer);
    s.avail_out = sizeof buffer;
    const int rc = inflate(&s, Z_NO_FLUSH);
    const std::size_t produced = sizeof buffer - s.avail_out;
    if (output.size() + produced > max_output) {
      return MakeError(ErrorKind::kTooLarge,
                       "decompressed data exceeds " + std::to_string(max_output) + " bytes");
    }
    output.append(buffer, produced);
    if (rc == Z_STREAM_END) return output;
    if (rc == Z_BUF_ERROR && s.avail_in == 0) {
      return MakeError(ErrorKind::kInvalid, "gzip stream is truncated");
    }
    if (rc != Z_OK) {
      return MakeError(ErrorKind::kInvalid,
                       std::string("not a valid gzip stream: ") + (s.msg ? s.msg : "zlib error"));
    }
  }
}

}  // namespace preflight
