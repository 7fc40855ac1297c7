#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/check.h"
#include "probes/linux/fanotify/fanotify_scan.h"
#include "probes/linux/fanotify/fanotify_services.h"

namespace preflight {

inline constexpr char kMdeLinuxPrerequisitesUrl[] =
    "https://learn.microsoft.com/defender-endpoint/mde-linux-prerequisites";
inline constexpr char kDefenderForCloudMdeUrl[] =
    "https://learn.microsoft.com/azure/defender-for-cloud/enable-defender-for-endpoint";

// Sentences collected while judging; the worst status wins and the summary reads worst first.
class FanotifyFindings {
 public:
  void Add(Status status, std::string sentence, std::string remediation = {}) {
    items_.push_back({status, std::move(sentence), std::move(remediation)});
  }
  bool Empty() const { return items_.empty(); }

  void Finish(CheckResult& result) const {
    result.status = Status::kPass;
    for (const Status status : {Status::kFail, Status::kWarn, Status::kPass}) {
      for (const Item& item : items_) {
        if (item.status != status) continue;
        if (Rank(status) > Rank(result.status)) result.status = status;
        Append(result.summary, item.sentence);
        if (!item.remediation.empty() &&
            result.remediation.find(item.remediation) == std::string::npos) {
          Append(result.remediation, item.remediation);
        }
      }
    }
  }

 private:
  struct Item {
    Status status;
    std::string sentence;
    std::string remediation;
  };
  static int Rank(Status s) { return s == Status::kFail ? 2 : s == Status::kWarn ? 1 : 0; }
  static void Append(std::string& text, const std::string& sentence) {
    if (!text.empty()) text += ' ';
    text += sentence;
  }
  std::vector<Item> items_;
};

// "a; b; c" with at most 10 names, then "and N more".
std::string JoinLabels(const std::vector<std::string>& labels);

// The installer's conflicting services: fail when running or enabled in an image (it will run on
// the booted machine), warn when only installed.
void AddServiceFindings(const std::vector<ServiceFinding>& services, FanotifyFindings& findings);

// fapolicyd holders (`labels`): supported on RHEL and Fedora while MDE is healthy (reference §1.3).
void AddFapolicydFinding(const OsRelease& os, const MdeState& mde,
                         const std::vector<std::string>& labels, FanotifyFindings& findings,
                         nlohmann::json& evidence);

// A warning naming why the scan may have missed a holder (not root, hidepid, denials, bounds);
// `unprivileged` only on a live machine, `hidepid` is /proc's option when it has one.
void AddPartialScanFinding(const FanotifyScan& scan, bool unprivileged,
                           const std::optional<std::string>& hidepid, FanotifyFindings& findings);

}  // namespace preflight
