#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "probes/check.h"

namespace preflight {

// The separate findings of one check, folded into one CheckResult: the worst status wins, the
// summary lists every non-passing finding (worst first) followed by the notes, and every finding
// is kept in evidence["findings"] so that nothing is dropped.
class Findings {
 public:
  void Add(Status status, std::string summary, std::string remediation = {});
  // Something the admin should know that does not change the status (an unknown, an assumption).
  void Note(std::string text);
  Status Worst() const;
  CheckResult Finish(const std::string& pass_summary, nlohmann::json evidence) const;

 private:
  struct Item {
    Status status;
    std::string summary;
    std::string remediation;
  };
  std::vector<Item> items_;
  std::vector<std::string> notes_;
};

}  // namespace preflight
