#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace preflight {

// fanotify_init(2) class bits and the permission events of fanotify_mark(2), from
// include/uapi/linux/fanotify.h. Verified with the search tool against a 2025 kernel tree (the one
// with FAN_MARK_MNTNS): FAN_OPEN_PERM 0x10000, FAN_ACCESS_PERM 0x20000, FAN_OPEN_EXEC_PERM 0x40000
// (Linux 5.0, fanotify_mark(2)), FAN_PRE_ACCESS 0x100000 ("Pre-content access hook"). 0x80000 is
// the reserved, deprecated FAN_DIR_MODIFY upstream; only a pre-merge patch revision used it for
// FAN_PRE_ACCESS, so it is deliberately not treated as a permission event. Checked on kernel 6.18:
// a pre-content group accepts a 0x100000 mark and its fdinfo shows "mask:100000".
inline constexpr std::uint64_t kFanClassContent = 0x4;
inline constexpr std::uint64_t kFanClassPreContent = 0x8;
inline constexpr std::uint64_t kFanClassBits = 0xC;  // "NOT bitwise flags. Both bits are used"
inline constexpr std::uint64_t kFanOpenPerm = 0x10000;
inline constexpr std::uint64_t kFanAccessPerm = 0x20000;
inline constexpr std::uint64_t kFanOpenExecPerm = 0x40000;
inline constexpr std::uint64_t kFanPreAccess = 0x100000;
inline constexpr std::uint64_t kFanPermissionEvents =
    kFanOpenPerm | kFanAccessPerm | kFanOpenExecPerm | kFanPreAccess;

// The object a mark is attached to, from the first field of its fdinfo line (fs/notify/fdinfo.c).
enum class FanotifyMarkKind {
  kInode,           // "fanotify ino:%lx sdev:%x mflags:%x mask:%x ignored_mask:%x [fhandle...]"
  kMount,           // "fanotify mnt_id:%x mflags:%x mask:%x ignored_mask:%x"
  kFilesystem,      // "fanotify sdev:%x mflags:%x mask:%x ignored_mask:%x"
  kMountNamespace,  // "fanotify mnt_ns:%u ..." (2025 patch mail), later "mnt_ns_id:%llu ..."
  kOther,           // a kind this agent does not know yet ("user_ns_id:" in a 2025 patch set)
};

const char* FanotifyMarkKindName(FanotifyMarkKind kind);

struct FanotifyMark {
  FanotifyMarkKind kind = FanotifyMarkKind::kOther;
  std::uint64_t object = 0;  // inode number, mount id, device, or namespace id (per kind)
  std::uint64_t sdev = 0;    // inode marks: the device of the inode
  std::uint64_t mflags = 0;
  std::uint64_t mask = 0;
  std::uint64_t ignored_mask = 0;
  bool has_mask = false;  // always true for known kinds; kOther may lack one
  std::string fhandle;    // inode marks with CONFIG_EXPORTFS: "<bytes>:<type>:<hex>"
  std::string text;       // kOther: the line itself (bounded), so a report can show it
};

// What /proc/<pid>/fdinfo/<fd> says about one fanotify group (Documentation/filesystems/proc.rst:
// the mark lines "may be omitted if no marks created yet").
struct FanotifyFdinfo {
  bool has_group_line = false;
  std::uint64_t flags = 0;        // "fanotify flags:%x" (init flags on new kernels)
  std::uint64_t event_flags = 0;  // "event-flags:%x" (the event_f_flags of fanotify_init)
  std::vector<FanotifyMark> marks;
  std::size_t malformed_lines = 0;  // "fanotify ..." lines missing or garbling a required field
  bool unterminated = false;        // the text did not end in a newline (cut short)
};

// Parses fdinfo text. Pure: no I/O, never throws; garbage, binary and truncated input yield what
// could be read. Values are hex except the namespace ids, which the kernel prints in decimal.
FanotifyFdinfo ParseFdinfo(std::string_view text);

// Blocking is two questions (fanotify_init(2), fanotify_mark(2)). What the marks do now: a group
// blocks file access when any of its marks asks for a permission event (only content and
// pre-content groups may add such marks). What the group could do: a content or pre-content class
// group can add permission marks at any time, even when it has none yet. The class bits are masked
// with 0xC because old kernels rebuild "flags" from the group priority and new ones print the init
// flags (reference §1.2).
bool ClassIsBlocking(std::uint64_t flags);
std::uint64_t PermissionEventsOf(const FanotifyFdinfo& info);
// Permission events present in the marks' masks: the group blocks file access now.
bool IsBlocking(const FanotifyFdinfo& info);
// The group's class allows permission marks (content / pre-content), whatever its marks are.
bool CanBlock(const FanotifyFdinfo& info);

// "notify", "content", "pre_content", or "invalid" for the reserved 0xC combination.
const char* FanotifyClassName(std::uint64_t flags);
// "FAN_OPEN_PERM", ... for each permission bit set, in bit order.
std::vector<std::string> PermissionEventNames(std::uint64_t mask);

}  // namespace preflight
