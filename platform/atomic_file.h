#pragma once

#include <string>
#include <string_view>

#include "platform/result.h"

namespace preflight {

// The temporary file's name is "<path>.tmp.<unique>"; a write the process did not finish (killed
// between the temporary file and the rename) leaves such a file behind.
inline constexpr std::string_view kAtomicTempInfix = ".tmp.";

// Writes content to path so that a reader (or a crash, or a kill mid-write) sees either the old
// file or the whole new one: a temporary file in the same directory, flushed, then renamed over.
Result<Done> WriteFileAtomic(const std::string& path, std::string_view content);

}  // namespace preflight
