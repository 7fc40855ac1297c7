#include "probes/common/local_extension.h"

#include <algorithm>

#include "platform/text.h"
#include "probes/common/version.h"

namespace preflight {
namespace {

// A handler version has four numbers ("1.0.9.0"); more than eight parts is not a version.
constexpr std::size_t kMaxVersionParts = 8;
// Version parts and sequence numbers are small; nine digits always fit in 32 bits.
constexpr std::size_t kMaxNumberDigits = 9;

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsDigit);
}

struct SequenceFile {
  std::optional<std::uint32_t> seq;
  std::string name;
};

SequenceFile NewestSequenceFile(const FileSystem& fs, const std::string& dir,
                                std::string_view suffix) {
  SequenceFile newest;
  const Result<DirListing> listing = fs.ListDir(dir, kMaxExtensionDirEntries);
  if (!listing.Ok()) return newest;
  for (const DirEntry& entry : listing.Value().entries) {
    const std::optional<std::uint32_t> seq = SequenceOf(entry.name, suffix);
    if (seq && (!newest.seq || *seq > *newest.seq)) newest = {seq, entry.name};
  }
  return newest;
}

}  // namespace

LocalExtensionView ViewOf(const LocalExtension& ext) {
  LocalExtensionView view;
  view.read = ext.unreadable.empty();
  view.note = ext.unreadable;
  view.found = ext.found;
  if (!ext.found) return view;
  view.version = ext.version;
  view.status = ext.status.status;
  view.code = ext.code;
  view.message = ext.status.message;
  view.timestamp_utc = ext.status.timestamp_utc;
  view.installer_exit_code = ext.installer.exit_code;
  return view;
}

bool IsHandlerVersion(std::string_view text) {
  std::size_t parts = 0;
  while (true) {
    const std::size_t dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    if (part.size() > kMaxNumberDigits || !AllDigits(part) || ++parts > kMaxVersionParts) {
      return false;
    }
    if (dot == std::string_view::npos) return true;
    text.remove_prefix(dot + 1);
  }
}

HandlerVersions FindHandlerVersions(const DirListing& listing, std::string_view prefix) {
  std::vector<std::string> versions;
  for (const DirEntry& entry : listing.entries) {
    if (entry.type != FileType::kDirectory || entry.name.rfind(prefix, 0) != 0) continue;
    std::string version = entry.name.substr(prefix.size());
    if (IsHandlerVersion(version)) versions.push_back(std::move(version));
  }
  std::sort(versions.begin(), versions.end(),
            [](const std::string& a, const std::string& b) { return CompareVersions(a, b) < 0; });
  HandlerVersions found;
  if (versions.empty()) return found;
  found.newest = versions.back();
  versions.pop_back();
  found.others = std::move(versions);
  return found;
}

std::optional<std::uint32_t> SequenceOf(std::string_view name, std::string_view suffix) {
  if (name.size() <= suffix.size() ||
      ToLower(name.substr(name.size() - suffix.size())) != ToLower(suffix)) {
    return std::nullopt;
  }
  name.remove_suffix(suffix.size());
  const std::size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) name.remove_prefix(dot + 1);
  if (name.size() > kMaxNumberDigits || !AllDigits(name)) return std::nullopt;
  std::uint32_t value = 0;
  for (const char c : name) value = value * 10 + static_cast<std::uint32_t>(c - '0');
  return value;
}

void ReadNewestStatus(const FileSystem& fs, const std::string& settings_dir,
                      const std::string& status_dir, LocalExtension& ext) {
  const SequenceFile settings = NewestSequenceFile(fs, settings_dir, ".settings");
  const SequenceFile status = NewestSequenceFile(fs, status_dir, ".status");
  if (!status.seq || (settings.seq && *settings.seq > *status.seq)) {
    ext.status_missing = true;
    ext.status.status = "transitioning";
    ext.status.error = "the extension has not written a status file for its latest settings yet";
    return;
  }
  ext.status_path = status_dir + "/" + status.name;
  const Result<std::string> text = fs.ReadFile(ext.status_path, kMaxExtensionStatusBytes);
  if (!text.Ok()) {
    ext.status.status = "unknown";
    ext.status.error = text.Err().kind == ErrorKind::kTooLarge
                           ? "the status file is larger than the 128 KiB the guest agent accepts"
                           : "cannot read the status file: " + text.Err().message;
    return;
  }
  ext.status = ParseExtensionStatus(text.Value());
}

std::string NewestRegularFile(const FileSystem& fs, const std::vector<std::string>& candidates) {
  std::string newest;
  std::int64_t newest_mtime = 0;
  for (const std::string& path : candidates) {
    const Result<FileInfo> info = fs.Stat(path);
    if (!info.Ok() || info.Value().type != FileType::kRegular) continue;
    if (newest.empty() || info.Value().mtime_unix > newest_mtime) {
      newest = path;
      newest_mtime = info.Value().mtime_unix;
    }
  }
  return newest;
}

std::optional<std::string> ReadExtensionLog(const FileSystem& fs, const std::string& path,
                                            std::vector<std::string>& notes) {
  Result<std::string> tail = fs.ReadTail(path, kMaxExtensionLogTail);
  if (!tail.Ok()) {
    notes.push_back("cannot read " + fs.HostPath(path) + ": " + tail.Err().message);
    return std::nullopt;
  }
  return std::move(tail).Value();
}

}  // namespace preflight
