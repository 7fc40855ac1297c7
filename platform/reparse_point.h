#pragma once

// The target of a Windows symbolic link or junction, from the buffer FSCTL_GET_REPARSE_POINT
// returns. Pure, so that it is tested and fuzzed on every build.

#include <string>
#include <string_view>

#include "platform/result.h"

namespace preflight {

// `buffer` is a REPARSE_DATA_BUFFER (https://learn.microsoft.com/windows-hardware/drivers/ddi/
// ntifs/ns-ntifs-_reparse_data_buffer): tag, length, then for IO_REPARSE_TAG_SYMLINK and
// IO_REPARSE_TAG_MOUNT_POINT the offsets of the substitute and print names in a UTF-16LE path
// buffer. Returns the print name ("C:\target", "..\relative"), or the substitute name without its
// NT prefix "\??\" when there is no print name. kInvalid for another tag or a malformed buffer.
Result<std::string> ParseReparsePointTarget(std::string_view buffer);

}  // namespace preflight
