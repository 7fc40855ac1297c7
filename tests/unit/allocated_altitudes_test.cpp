// Microsoft's list of allocated filter altitudes as the agent holds it (generated at build time
// from probes/data/allocated-altitudes.md), against the copy of the page itself and against the
// classification policy.

#include "probes/windows/allocated_altitudes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>

#include "platform/text.h"
#include "probes/windows/minifilters.h"

namespace preflight::testing {
namespace {

// "*FSFilter Imaging (ex: .ZIP)" -> "fsfilter imaging": the list's and the group table's spelling
// differ only in case and such asides.
std::string GroupKey(std::string_view heading) {
  std::string_view name = Trim(Trim(heading), "*");
  const std::size_t aside = name.find(" (");
  if (aside != std::string_view::npos) name = name.substr(0, aside);
  return ToLower(Trim(name));
}

// Rows per section, counted straight from the markdown, independently of the build's parser:
// every line starting with '|' below a "## <low> - <high>: <group>" heading, except the header
// and the separator.
std::map<std::string, std::size_t> RowsInThePage() {
  std::ifstream page(PREFLIGHT_ALTITUDES_MD);
  EXPECT_TRUE(page) << PREFLIGHT_ALTITUDES_MD;
  std::map<std::string, std::size_t> rows;
  std::string group;
  for (std::string line; std::getline(page, line);) {
    if (line.rfind("## ", 0) == 0 && line.find(": ") != std::string::npos) {
      group = GroupKey(line.substr(line.find(": ") + 2));
      rows[group];
    } else if (!group.empty() && line.rfind("|", 0) == 0 && line.rfind("| Minifilter", 0) != 0 &&
               line.rfind("|--", 0) != 0) {
      ++rows[group];
    }
  }
  return rows;
}

// The counts of the list at commit 825aa15 (ms.date 10/28/2025). A refresh that changes them must
// change this table too, after a look at what was added or dropped.
const std::map<std::string, std::size_t> kExpectedRows = {
    {"filter", 2},
    {"fsfilter top", 59},
    {"fsfilter security monitor", 1},
    {"fsfilter activity monitor", 803},
    {"fsfilter undelete", 21},
    {"fsfilter anti-virus", 391},
    {"fsfilter replication", 39},
    {"fsfilter continuous backup", 45},
    {"fsfilter security content screener", 1},
    {"fsfilter content screener", 160},
    {"fsfilter quota management", 5},
    {"fsfilter system recovery", 11},
    {"fsfilter cluster file system", 4},
    {"fsfilter hsm", 93},
    {"fsfilter imaging", 3},
    {"fsfilter compression", 11},
    {"fsfilter encryption", 179},
    {"fsfilter virtualization", 84},
    {"fsfilter physical quota management", 3},
    {"fsfilter open file", 10},
    {"fsfilter security enhancer", 152},
    {"fsfilter copy protection", 33},
    {"fsfilter security bottom", 0},
    {"fsfilter bottom", 27},
    {"fsfilter system", 0},
};
constexpr std::size_t kExpectedTotal = 2137;

TEST(AllocatedAltitudes, EveryRowOfThePageIsInTheAgentWithItsGroupsCount) {
  const AllocatedAltitudes& list = OfficialAltitudes();
  std::map<std::string, std::size_t> built;
  for (const AltitudeAllocation& a : list.allocations) ++built[GroupKey(a.group)];
  std::map<std::string, std::size_t> sections;
  for (const AltitudeSection& s : list.sections) sections[GroupKey(s.group)] = s.count;
  for (auto& [group, count] : sections) built.try_emplace(group, 0);  // the empty sections

  EXPECT_EQ(built, RowsInThePage());
  EXPECT_EQ(built, kExpectedRows);
  EXPECT_EQ(sections, kExpectedRows);
  EXPECT_EQ(list.allocations.size(), kExpectedTotal);
  EXPECT_EQ(list.commit, "825aa15f476fc33a3e80abd3db387b025771f6f8");
  EXPECT_NE(list.url.find(list.commit), std::string_view::npos);
}

TEST(AllocatedAltitudes, EveryAllocationSitsInTheGroupItsAltitudeNames) {
  for (const AltitudeAllocation& a : OfficialAltitudes().allocations) {
    const std::optional<std::string> group = AltitudeGroup(a.altitude);
    ASSERT_TRUE(group.has_value()) << a.filter << " " << a.altitude;
    EXPECT_EQ(GroupKey(*group), GroupKey(a.group)) << a.filter << " " << a.altitude;
  }
}

// The policy over the whole list: every other company's allocation in the anti-virus group is
// another anti-virus (whatever the catalog calls it, barring a catalogued exception), and no
// Microsoft allocation is ever another vendor's.
TEST(AllocatedAltitudes, ThirdPartyAntivirusGroupConflictsAndMicrosoftNeverDoes) {
  const AllocatedAltitudes& list = OfficialAltitudes();
  const MinifilterCatalog& catalog = BuiltInWindowsMinifilterCatalog().catalog;
  std::size_t third_party_av = 0;
  std::size_t microsoft = 0;
  for (const AltitudeAllocation& a : list.allocations) {
    const AltitudeAllocation* found = FindAllocation(list.allocations, a.filter, a.altitude);
    ASSERT_NE(found, nullptr) << a.filter;
    EXPECT_EQ(found->altitude, a.altitude) << a.filter;
    const CatalogDriver* driver = FindDriver(catalog, a.filter);
    const FilterJudgement judged = ClassifyMinifilter(found, driver, AltitudeGroup(a.altitude));
    if (IsMicrosoftAllocation(a)) {
      ++microsoft;
      EXPECT_TRUE(judged.classification == Classification::kAllowed ||
                  judged.classification == Classification::kMde)
          << a.filter << " " << a.altitude;
    } else if (a.group == "FSFilter Anti-Virus" && (driver == nullptr || !driver->exception)) {
      ++third_party_av;
      EXPECT_EQ(judged.classification, Classification::kConflict) << a.filter << " " << a.altitude;
      EXPECT_EQ(judged.decided_by, DecidedBy::kOfficialList) << a.filter;
    }
  }
  EXPECT_EQ(microsoft, 121U);
  EXPECT_EQ(third_party_av, 388U);  // 3 of the group's 391 allocations are Microsoft's
}

TEST(AllocatedAltitudes, FindsByNameTheAllocationAtTheFiltersAltitudeFirst) {
  const auto allocations = OfficialAltitudes().allocations;
  struct Row {
    const char* name;
    const char* altitude;
    const char* filter;  // nullptr: none
    const char* expected_altitude;
    const char* company;
  };
  const Row rows[] = {
      {"csagent", "321410", "csagent.sys", "321410", "CrowdStrike Ltd."},
      {"CSAGENT.SYS", "", "csagent.sys", "321410", "CrowdStrike Ltd."},
      // The current allocation, not the retired 389040, when the altitude matches neither.
      {"SentinelMonitor", "329355.5", "SentinelMonitor.sys", "329355.5", "SentinelOne, Inc."},
      {"SentinelMonitor", "389040", "SentinelMonitor.sys", "389040", "SentinelOne"},
      {"SentinelMonitor", "1", "SentinelMonitor.sys", "329355.5", "SentinelOne, Inc."},
      {"WdDevFlt", "329030", "WdDevFlt.sys", "329030", "Microsoft"},
      {"vsepflt", "328200", "vsepflt.sys", "328200", "VMware, Inc."},
      // Never by altitude alone: 370000 is Microsoft's minispy sample.
      {"unknownmon", "370000", nullptr, nullptr, nullptr},
      {"nosuchfilter", "999999", nullptr, nullptr, nullptr},
  };
  for (const Row& row : rows) {
    const AltitudeAllocation* found = FindAllocation(allocations, row.name, row.altitude);
    if (row.filter == nullptr) {
      EXPECT_EQ(found, nullptr) << row.name;
      continue;
    }
    ASSERT_NE(found, nullptr) << row.name;
    EXPECT_EQ(found->filter, row.filter) << row.name;
    EXPECT_EQ(found->altitude, row.expected_altitude) << row.name;
    EXPECT_EQ(found->company, row.company) << row.name;
  }
  const AltitudeAllocation* retired = FindAllocation(allocations, "SentinelMonitor", "389040");
  ASSERT_NE(retired, nullptr);
  EXPECT_TRUE(retired->retired);
  EXPECT_EQ(retired->note, "retired - new altitude allocated");
}

}  // namespace
}  // namespace preflight::testing
