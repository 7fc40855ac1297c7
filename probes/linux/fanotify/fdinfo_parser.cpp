#include "probes/linux/fanotify/fdinfo_parser.h"

#include <array>
#include <limits>
#include <optional>
#include <utility>

#include "platform/text.h"

namespace preflight {
namespace {

// An unknown mark line is kept for the report; a kernel line is ~150 bytes, so this keeps it whole.
constexpr std::size_t kMaxOtherText = 256;
// MAX_HANDLE_SZ is 128 bytes (include/linux/exportfs.h), printed as two hex digits each.
constexpr std::size_t kMaxFhandleHex = 256;

// A mark line has at most 8 fields today (an inode mark with its file handle). Fields past this
// capacity are dropped, which keeps per-line parsing free of allocations for 30,000-mark groups.
constexpr std::size_t kMaxFields = 16;

using Field = std::pair<std::string_view, std::string_view>;

struct Fields {
  std::array<Field, kMaxFields> items;
  std::size_t size = 0;
};

std::optional<std::uint64_t> ParseHex(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : s) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    if (value > (std::numeric_limits<std::uint64_t>::max() >> 4)) return std::nullopt;
    value = (value << 4) | digit;
  }
  return value;
}

std::optional<std::uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// "key:value key:value ..." -> fields in order. A token without ':' has an empty key.
Fields SplitFields(std::string_view rest) {
  Fields fields;
  std::size_t i = 0;
  while (i < rest.size() && fields.size < kMaxFields) {
    while (i < rest.size() && IsBlank(rest[i])) ++i;
    const std::size_t start = i;
    while (i < rest.size() && !IsBlank(rest[i])) ++i;
    if (start == i) break;
    const std::string_view token = rest.substr(start, i - start);
    const std::size_t colon = token.find(':');
    if (colon == std::string_view::npos) {
      fields.items[fields.size++] = Field(std::string_view(), token);
    } else {
      fields.items[fields.size++] = Field(token.substr(0, colon), token.substr(colon + 1));
    }
  }
  return fields;
}

// The first occurrence wins; later duplicates are ignored.
std::optional<std::string_view> Find(const Fields& fields, std::string_view key) {
  for (std::size_t i = 0; i < fields.size; ++i) {
    if (fields.items[i].first == key) return fields.items[i].second;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> Hex(const Fields& fields, std::string_view key) {
  const auto value = Find(fields, key);
  return value ? ParseHex(*value) : std::nullopt;
}

// mflags, mask and ignored_mask end every mark line; false when one is missing or garbled.
bool ReadMaskFields(const Fields& fields, FanotifyMark& mark) {
  const auto mflags = Hex(fields, "mflags");
  const auto mask = Hex(fields, "mask");
  const auto ignored = Hex(fields, "ignored_mask");
  if (!mflags || !mask || !ignored) return false;
  mark.mflags = *mflags;
  mark.mask = *mask;
  mark.ignored_mask = *ignored;
  mark.has_mask = true;
  return true;
}

std::string ReadFhandle(const Fields& fields) {
  const auto bytes = Hex(fields, "fhandle-bytes");
  const auto type = Hex(fields, "fhandle-type");
  const auto handle = Find(fields, "f_handle");
  if (!bytes || !type || !handle || handle->size() > kMaxFhandleHex) return {};
  for (const char c : *handle) {
    if (!ParseHex(std::string_view(&c, 1))) return {};
  }
  return std::to_string(*bytes) + ":" + std::to_string(*type) + ":" + std::string(*handle);
}

std::optional<FanotifyMark> ParseMark(std::string_view line, const Fields& fields) {
  FanotifyMark mark;
  const std::string_view first = fields.items[0].first;
  std::optional<std::uint64_t> object;
  if (first == "ino") {
    mark.kind = FanotifyMarkKind::kInode;
    object = Hex(fields, "ino");
    const auto sdev = Hex(fields, "sdev");
    if (!sdev) return std::nullopt;
    mark.sdev = *sdev;
    mark.fhandle = ReadFhandle(fields);
  } else if (first == "mnt_id") {
    mark.kind = FanotifyMarkKind::kMount;
    object = Hex(fields, "mnt_id");
  } else if (first == "sdev") {
    mark.kind = FanotifyMarkKind::kFilesystem;
    object = Hex(fields, "sdev");
  } else if (first == "mnt_ns" || first == "mnt_ns_id") {
    mark.kind = FanotifyMarkKind::kMountNamespace;
    object = ParseDecimal(fields.items[0].second);
  } else {
    mark.kind = FanotifyMarkKind::kOther;
    mark.text = std::string(line.substr(0, kMaxOtherText));
    // An unknown kind still says whether it asks for permission events, when its mask parses.
    const auto mask = Find(fields, "mask");
    if (mask) {
      const auto value = ParseHex(*mask);
      if (!value) return std::nullopt;
      mark.mask = *value;
      mark.has_mask = true;
    }
    mark.mflags = Hex(fields, "mflags").value_or(0);
    mark.ignored_mask = Hex(fields, "ignored_mask").value_or(0);
    return mark;
  }
  if (!object || !ReadMaskFields(fields, mark)) return std::nullopt;
  mark.object = *object;
  return mark;
}

}  // namespace

const char* FanotifyMarkKindName(FanotifyMarkKind kind) {
  switch (kind) {
    case FanotifyMarkKind::kInode:
      return "inode";
    case FanotifyMarkKind::kMount:
      return "mount";
    case FanotifyMarkKind::kFilesystem:
      return "filesystem";
    case FanotifyMarkKind::kMountNamespace:
      return "mount_namespace";
    case FanotifyMarkKind::kOther:
      return "other";
  }
  return "other";
}

FanotifyFdinfo ParseFdinfo(std::string_view text) {
  constexpr std::string_view kPrefix = "fanotify ";
  FanotifyFdinfo info;
  info.unterminated = !text.empty() && text.back() != '\n';
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    // The "pos:", "flags:", "mnt_id:" and "ino:" header lines describe the file, not the group.
    if (line.substr(0, kPrefix.size()) != kPrefix) continue;
    const std::string_view rest = line.substr(kPrefix.size());
    const Fields fields = SplitFields(rest);
    if (fields.size == 0 || fields.items[0].first.empty()) {
      ++info.malformed_lines;
      continue;
    }
    if (fields.items[0].first == "flags") {
      const auto flags = Hex(fields, "flags");
      const auto event_flags = Hex(fields, "event-flags");
      if (info.has_group_line || !flags || !event_flags) {
        ++info.malformed_lines;
        continue;
      }
      info.has_group_line = true;
      info.flags = *flags;
      info.event_flags = *event_flags;
      continue;
    }
    auto mark = ParseMark(rest, fields);
    if (!mark) {
      ++info.malformed_lines;
      continue;
    }
    info.marks.push_back(std::move(*mark));
  }
  return info;
}

bool ClassIsBlocking(std::uint64_t flags) { return (flags & kFanClassBits) != 0; }

std::uint64_t PermissionEventsOf(const FanotifyFdinfo& info) {
  std::uint64_t bits = 0;
  for (const FanotifyMark& mark : info.marks) {
    if (mark.has_mask) bits |= mark.mask & kFanPermissionEvents;
  }
  return bits;
}

bool IsBlocking(const FanotifyFdinfo& info) { return PermissionEventsOf(info) != 0; }

bool CanBlock(const FanotifyFdinfo& info) {
  return (info.has_group_line && ClassIsBlocking(info.flags)) || IsBlocking(info);
}

const char* FanotifyClassName(std::uint64_t flags) {
  switch (flags & kFanClassBits) {
    case 0:
      return "notify";
    case kFanClassContent:
      return "content";
    case kFanClassPreContent:
      return "pre_content";
    default:
      return "invalid";
  }
}

std::vector<std::string> PermissionEventNames(std::uint64_t mask) {
  static constexpr std::pair<std::uint64_t, const char*> kNames[] = {
      {kFanOpenPerm, "FAN_OPEN_PERM"},
      {kFanAccessPerm, "FAN_ACCESS_PERM"},
      {kFanOpenExecPerm, "FAN_OPEN_EXEC_PERM"},
      {kFanPreAccess, "FAN_PRE_ACCESS"},
  };
  std::vector<std::string> names;
  for (const auto& [bit, name] : kNames) {
    if ((mask & bit) != 0) names.emplace_back(name);
  }
  return names;
}

}  // namespace preflight
