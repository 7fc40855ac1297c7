#pragma once

#include <string>
#include <string_view>

#include "platform/result.h"

namespace preflight {

// Writes content to path so that a reader (or a crash, or a kill mid-write) sees either the old
// file or the whole new one: a temporary file in the same directory, flushed, then renamed over.
Result<Done> WriteFileAtomic(const std::string& path, std::string_view content);

}  // namespace preflight
