#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "platform/result.h"

namespace preflight {

// Decompresses one gzip stream (/proc/config.gz, kernel/configs.c) with zlib. ErrorKind::kTooLarge
// when the output would exceed max_output, kInvalid for anything that is not a complete gzip
// stream (truncated, corrupt, not gzip). Trailing bytes after the stream are ignored.
Result<std::string> GunzipBounded(std::string_view compressed, std::size_t max_output);

}  // namespace preflight
