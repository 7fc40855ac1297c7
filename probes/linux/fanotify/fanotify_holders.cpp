#include "probes/linux/fanotify/fanotify_holders.h"

#include <cstdint>

#include "probes/linux/fanotify/fanotify_scan_text.h"

namespace preflight {
namespace {

// Unknown mark lines shown per group; the counts carry the rest.
constexpr std::size_t kMaxOtherMarkTexts = 5;

std::string Hex(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string digits;
  do {
    digits.insert(digits.begin(), kDigits[value & 0xF]);
    value >>= 4;
  } while (value != 0);
  return "0x" + digits;
}

nlohmann::json MarkCounts(const std::vector<const FanotifyMark*>& marks) {
  nlohmann::json counts = {
      {"inode", 0}, {"mount", 0}, {"filesystem", 0}, {"mount_namespace", 0}, {"other", 0}};
  for (const FanotifyMark* mark : marks) {
    auto& slot = counts[FanotifyMarkKindName(mark->kind)];
    slot = slot.get<int>() + 1;
  }
  return counts;
}

nlohmann::json GroupReport(const FanotifyGroup& group) {
  std::vector<const FanotifyMark*> marks;
  nlohmann::json other = nlohmann::json::array();
  for (const FanotifyMark& mark : group.info.marks) {
    marks.push_back(&mark);
    if (mark.kind == FanotifyMarkKind::kOther && other.size() < kMaxOtherMarkTexts) {
      other.push_back(ReportText(mark.text, 256));
    }
  }
  nlohmann::json out = {
      {"fd", group.fd},
      {"blocking", IsBlocking(group.info)},
      {"can_block", CanBlock(group.info)},
      {"marks", MarkCounts(marks)},
      {"permission_events", PermissionEventNames(PermissionEventsOf(group.info))},
      {"truncated", group.truncated},
      {"malformed_lines", group.info.malformed_lines},
  };
  if (group.info.has_group_line) {
    out["flags"] = Hex(group.info.flags);
    out["class"] = FanotifyClassName(group.info.flags);
    out["event_flags"] = Hex(group.info.event_flags);
  } else {
    out["flags"] = nullptr;
    out["class"] = nullptr;
  }
  if (!other.empty()) out["other_marks"] = other;
  if (!group.error.empty()) out["error"] = ReportText(group.error, 512);
  return out;
}

}  // namespace

std::string CanonicalExe(std::string_view exe, std::string_view mdatp_target) {
  while (mdatp_target.size() > 1 && mdatp_target.back() == '/') mdatp_target.remove_suffix(1);
  if (mdatp_target.empty() || mdatp_target == kMdatpDir) return std::string(exe);
  if (exe.size() > mdatp_target.size() && exe.substr(0, mdatp_target.size()) == mdatp_target &&
      exe[mdatp_target.size()] == '/') {
    return std::string(kMdatpDir) + std::string(exe.substr(mdatp_target.size()));
  }
  return std::string(exe);
}

std::vector<ClassifiedHolder> ClassifyHolders(const FanotifyScan& scan,
                                              const FanotifyCatalog& catalog,
                                              std::string_view mdatp_target) {
  std::vector<ClassifiedHolder> out;
  for (const FanotifyHolder& holder : scan.holders) {
    ClassifiedHolder entry;
    entry.holder = &holder;
    entry.product = MatchProduct(catalog, holder.comm, CanonicalExe(holder.exe, mdatp_target));
    bool unsure = false;
    for (const FanotifyGroup& group : holder.groups) {
      entry.blocking = entry.blocking || IsBlocking(group.info);
      entry.can_block = entry.can_block || CanBlock(group.info);
      // A tail-only fdinfo lost its first marks; without fdinfo every mark is unknown.
      unsure = unsure || !group.error.empty() || group.truncated;
    }
    entry.blocking_unknown = unsure && !entry.blocking;
    entry.classification = Classify(entry.product, entry.blocking);
    out.push_back(entry);
  }
  return out;
}

std::string HolderLabel(const ClassifiedHolder& entry) {
  const FanotifyHolder& h = *entry.holder;
  std::string label;
  if (entry.product != nullptr) {
    label = entry.product->name;
  } else if (!h.exe.empty()) {
    label = (h.comm.empty() ? "?" : h.comm) + " (" + h.exe + ")";
  } else {
    label = h.comm.empty() ? "an unidentified process" : h.comm;
  }
  return label + ", pid " + std::to_string(h.pid);
}

nlohmann::json HolderReport(const ClassifiedHolder& entry) {
  const FanotifyHolder& h = *entry.holder;
  std::vector<const FanotifyMark*> marks;
  std::uint64_t permission = 0;
  nlohmann::json flags = nlohmann::json::array();
  nlohmann::json groups = nlohmann::json::array();
  nlohmann::json fds = nlohmann::json::array();
  bool truncated = false;
  for (const FanotifyGroup& group : h.groups) {
    for (const FanotifyMark& mark : group.info.marks) marks.push_back(&mark);
    permission |= PermissionEventsOf(group.info);
    flags.push_back(group.info.has_group_line ? nlohmann::json(Hex(group.info.flags))
                                              : nlohmann::json(nullptr));
    groups.push_back(GroupReport(group));
    fds.push_back(group.fd);
    truncated = truncated || group.truncated;
  }
  const auto text_or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  nlohmann::json out = {
      {"pid", h.pid},
      {"comm", h.comm},
      {"exe", text_or_null(h.exe)},
      {"exe_deleted", h.exe_deleted},
      {"cmdline", text_or_null(h.cmdline)},
      {"uid", h.uid ? nlohmann::json(*h.uid) : nlohmann::json(nullptr)},
      {"blocking", entry.blocking},
      {"can_block", entry.can_block},
      {"blocking_unknown", entry.blocking_unknown},
      {"classification", ClassificationName(entry.classification)},
      {"product", entry.product ? nlohmann::json(entry.product->name) : nlohmann::json(nullptr)},
      {"vendor", entry.product ? nlohmann::json(entry.product->vendor) : nlohmann::json(nullptr)},
      {"catalog_id", entry.product ? nlohmann::json(entry.product->id) : nlohmann::json(nullptr)},
      {"fds", fds},
      {"group_flags", flags},
      {"marks", MarkCounts(marks)},
      {"permission_events", PermissionEventNames(permission)},
      {"fdinfo_truncated", truncated},
      {"groups", groups},
  };
  if (!h.exe_error.empty() && h.exe.empty()) out["exe_error"] = ReportText(h.exe_error, 512);
  return out;
}

}  // namespace preflight
