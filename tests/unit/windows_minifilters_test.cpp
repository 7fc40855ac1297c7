#include "probes/windows/minifilters.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "probes/windows/minifilters_check.h"
#include "tests/fakes/fake_platform.h"
#include "tests/unit/windows_scenarios.h"

// Pure parser and policy tests: built into preflight_unit_tests on Linux and on Windows (Wine).
namespace preflight::testing {
namespace {

TEST(FilterAggregateStandardInformation, ParsesAChainOfMiniAndLegacyFilters) {
  const std::string buffer = FasiBuffer({{"WdFilter", "328010", false, 3},
                                         {"csagent", "321410", false, 2},
                                         {"OldFilter", "", true, 0}});
  const MinifilterBuffer parsed = ParseFilterAggregateStandardInformation(buffer);
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  ASSERT_EQ(parsed.filters.size(), 3U);
  EXPECT_EQ(parsed.filters[0].name, "WdFilter");
  EXPECT_EQ(parsed.filters[0].altitude, "328010");
  EXPECT_EQ(parsed.filters[0].instances, 3U);
  EXPECT_FALSE(parsed.filters[0].legacy);
  EXPECT_EQ(parsed.filters[1].name, "csagent");
  EXPECT_TRUE(parsed.filters[2].legacy);
  EXPECT_EQ(parsed.filters[2].altitude, "");
}

TEST(FilterAggregateStandardInformation, NonAsciiNamesAndFractionalAltitudes) {
  const MinifilterBuffer parsed =
      ParseFilterAggregateStandardInformation(FasiBuffer({{"filtr\xC3\xA9", "325000.3"}}));
  ASSERT_EQ(parsed.filters.size(), 1U);
  EXPECT_EQ(parsed.filters[0].name, "filtr\xC3\xA9");
  EXPECT_EQ(parsed.filters[0].altitude, "325000.3");
}

TEST(FilterAggregateStandardInformation, RejectsWhatLiesOutsideTheBuffer) {
  const std::string good = FasiBuffer({{"WdFilter", "328010"}, {"csagent", "321410"}});
  struct Case {
    const char* what;
    std::string buffer;
    std::size_t kept;
  };
  std::string name_past_end = good;
  PutLe(name_past_end, fasi::kMiniNameOffset, 0xFFF0, 2);
  std::string name_in_header = good;
  PutLe(name_in_header, fasi::kMiniNameOffset, 4, 2);
  std::string odd_length = good;
  PutLe(odd_length, fasi::kMiniAltitudeLength, 3, 2);
  std::string loop = good;
  PutLe(loop, fasi::kNextEntryOffset, 4, 4);
  std::string no_flags = good;
  PutLe(no_flags, fasi::kFlags, 0, 4);
  const std::size_t first_size =
      static_cast<unsigned char>(good[0]) | (static_cast<unsigned char>(good[1]) << 8);
  const std::vector<Case> cases = {
      {"empty", "", 0},
      {"shorter than the fixed part", good.substr(0, fasi::kSize - 1), 0},
      {"name past the end", name_past_end, 0},
      {"name inside the fixed part", name_in_header, 0},
      {"odd UTF-16 length", odd_length, 0},
      {"next entry overlaps", loop, 1},
      {"neither mini nor legacy", no_flags, 0},
      {"second entry truncated", good.substr(0, first_size + 10), 1},
  };
  for (const Case& c : cases) {
    const MinifilterBuffer parsed = ParseFilterAggregateStandardInformation(c.buffer);
    EXPECT_FALSE(parsed.error.empty()) << c.what;
    EXPECT_EQ(parsed.filters.size(), c.kept) << c.what;
  }
}

TEST(MinifilterAltitudes, GroupsFromTheAllocationTable) {
  struct Row {
    const char* altitude;
    const char* group;  // nullptr: none
  };
  const Row rows[] = {
      {"328010", "FSFilter Anti-Virus"},
      {"320000", "FSFilter Anti-Virus"},
      {"329999", "FSFilter Anti-Virus"},
      {"325000.3", "FSFilter Anti-Virus"},
      {"385600", "FSFilter Activity Monitor"},
      {"360000", "FSFilter Activity Monitor"},
      {"389999", "FSFilter Activity Monitor"},
      {"409500", "FSFilter Top"},
      {"45000", "FSFilter Bottom"},
      {"180451", "FSFilter HSM"},
      // The three groups only the allocated-altitudes list has.
      {"393000.5", "FSFilter Security Monitor"},
      {"272000", "FSFilter Security Content Screener"},
      {"54999", "FSFilter Security Bottom"},
      {"390000", nullptr},
      {"55000", nullptr},
      {"330000", nullptr},
      {"", nullptr},
      {"32x000", nullptr},
      {"328010.", nullptr},
      {"-1", nullptr},
      {"99999999999999", nullptr},
  };
  for (const Row& row : rows) {
    const auto group = AltitudeGroup(row.altitude);
    if (row.group == nullptr) {
      EXPECT_FALSE(group.has_value()) << row.altitude;
    } else {
      EXPECT_EQ(group.value_or("(none)"), row.group) << row.altitude;
    }
  }
}

TEST(MinifilterCatalog, TheBuiltInCatalogLoadsAndKnowsMdeAndOthers) {
  const BuiltInCatalog<MinifilterCatalog>& built_in = BuiltInWindowsMinifilterCatalog();
  ASSERT_TRUE(built_in.error.empty()) << built_in.error;
  const auto role = [&](const char* name) {
    const CatalogDriver* driver = FindDriver(built_in.catalog, name);
    return driver == nullptr ? std::string("none") : driver->vendor;
  };
  EXPECT_EQ(role("WdFilter"), "Microsoft");
  EXPECT_EQ(role("wdfilter.sys"), "Microsoft");
  EXPECT_EQ(role("MSSECFLT"), "Microsoft");
  EXPECT_EQ(role("csagent"), "CrowdStrike");
  EXPECT_EQ(role("no-such-driver"), "none");
  EXPECT_EQ(FindDriver(built_in.catalog, "WdFilter")->role, FilterRole::kMde);
  EXPECT_EQ(FindDriver(built_in.catalog, "SRTSP64")->role, FilterRole::kAntivirus);
}

TEST(MinifilterCatalog, RejectsBrokenCatalogs) {
  const char* bad[] = {
      "not json",
      R"({"schema":2,"drivers":[]})",
      R"({"schema":1,"drivers":[{"name":"a","vendor":"v","product":"p","role":"antivirus"}]})",
      R"({"schema":1,"drivers":[{"name":"a","vendor":"v","product":"p","role":"bad","sources":["s"]}]})",
      R"({"schema":1,"drivers":[{"name":"a","vendor":"v","product":"p","role":"edr","sources":["s"],"x":1}]})",
      R"({"schema":1,"drivers":[{"name":"a","vendor":"v","product":"p","role":"edr","sources":["s"]},)"
      R"({"name":"A","vendor":"v","product":"p","role":"edr","sources":["s"]}]})",
      // An exception needs a reason and may only lower the verdict.
      R"({"schema":1,"drivers":[{"name":"a","vendor":"v","product":"p","role":"edr","sources":["s"],)"
      R"("exception":{"classification":"notify"}}]})",
      R"({"schema":1,"drivers":[{"name":"a","vendor":"v","product":"p","role":"edr","sources":["s"],)"
      R"("exception":{"classification":"conflict","reason":"r"}}]})",
  };
  for (const char* text : bad) EXPECT_FALSE(ParseMinifilterCatalog(text).Ok()) << text;
}

TEST(MinifilterCatalog, ReadsExceptionsAndRemediation) {
  const auto parsed = ParseMinifilterCatalog(
      R"({"schema":1,"drivers":[{"name":"a","vendor":"v","product":"p","role":"edr",)"
      R"("sources":["s"],"remediation":"do x","exception":{"classification":"notify",)"
      R"("reason":"vendor doc"}}]})");
  ASSERT_TRUE(parsed.Ok()) << parsed.Err().message;
  const CatalogDriver& driver = parsed.Value().drivers.at(0);
  EXPECT_EQ(driver.remediation, "do x");
  ASSERT_TRUE(driver.exception.has_value());
  EXPECT_EQ(driver.exception->classification, Classification::kNotify);
  EXPECT_EQ(driver.exception->reason, "vendor doc");
}

// The order: the catalog's MDE drivers, Microsoft's own (official list, then catalog), a catalogued
// exception, the anti-virus group for every other company, the catalog's role, the activity
// monitor group.
TEST(MinifilterClassification, MicrosoftFirstThenTheAntivirusGroupThenTheCatalog) {
  const MinifilterCatalog& catalog = BuiltInWindowsMinifilterCatalog().catalog;
  const auto official = OfficialAltitudes().allocations;
  MinifilterCatalog with_exception;
  with_exception.drivers.push_back(
      {"scanlike", "Vendor", "Scanner", FilterRole::kAntivirus, "", CatalogException{}});
  with_exception.drivers[0].exception->reason = "documented as coexisting";
  struct Row {
    const char* name;
    const char* altitude;
    const MinifilterCatalog* catalog;
    const char* classification;
    DecidedBy decided_by;
  };
  const Row rows[] = {
      {"WdFilter", "328010", &catalog, "mde", DecidedBy::kCatalog},
      {"MsSecFlt", "385600", &catalog, "mde", DecidedBy::kCatalog},
      {"WdDevFlt", "329030", &catalog, "allowed", DecidedBy::kOfficialList},  // not catalogued
      {"mpFilter", "328000", &catalog, "allowed", DecidedBy::kOfficialList},
      {"Procmon11", "385200", &catalog, "allowed", DecidedBy::kOfficialList},
      {"FileInfo", "45000", &catalog, "allowed", DecidedBy::kOfficialList},
      // Catalogued as EDR, but allocated in the anti-virus group.
      {"csagent", "321410", &catalog, "conflict", DecidedBy::kOfficialList},
      {"SentinelMonitor", "329355.5", &catalog, "conflict", DecidedBy::kOfficialList},
      // SentinelOne's retired activity-monitor altitude is still an activity monitor.
      {"SentinelMonitor", "389040", &catalog, "notify", DecidedBy::kCatalog},
      {"SRTSP", "329000", &catalog, "conflict", DecidedBy::kOfficialList},
      {"vsepflt", "328200", &catalog, "conflict", DecidedBy::kOfficialList},
      {"unknownav", "324100", &catalog, "conflict", DecidedBy::kAltitude},
      {"unknownmon", "370000", &catalog, "notify", DecidedBy::kAltitude},
      {"unknownother", "145000", &catalog, "allowed", DecidedBy::kAltitude},
      {"DPEACDrv", "393000.5", &catalog, "allowed", DecidedBy::kOfficialList},
      {"scanlike", "324100", &with_exception, "allowed", DecidedBy::kCatalog},
      {"scanlike", "324100", &catalog, "conflict", DecidedBy::kAltitude},
  };
  for (const Row& row : rows) {
    const FilterJudgement judged =
        ClassifyMinifilter(FindAllocation(official, row.name, row.altitude),
                           FindDriver(*row.catalog, row.name), AltitudeGroup(row.altitude));
    EXPECT_STREQ(ClassificationName(judged.classification), row.classification)
        << row.name << " " << row.altitude;
    EXPECT_EQ(judged.decided_by, row.decided_by) << row.name << " " << row.altitude;
  }
}

struct MinifilterWorld {
  FakeWorld world;
  FakeRegistryWriter writer{world.registry};
};

CheckResult RunWith(MinifilterWorld& w, Result<std::vector<std::string>> buffers) {
  MinifiltersCheck check(std::make_unique<FakeMinifilterSource>(std::move(buffers)));
  return check.Run(w.world.Ctx());
}

TEST(MinifiltersCheck, OnlyMicrosoftFiltersPass) {
  MinifilterWorld w;
  const CheckResult r = RunWith(
      w, OneBufferPerFilter(
             {{"WdFilter", "328010", false, 7}, {"MsSecFlt", "385600"}, {"FileInfo", "45000"}}));
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  const auto& filters = r.report.at("minifilters");
  ASSERT_EQ(filters.size(), 3U);
  EXPECT_EQ(filters[0].at("name"), "WdFilter");
  EXPECT_EQ(filters[0].at("instances"), 7);  // the filter manager's live count
  EXPECT_EQ(filters[0].at("group"), "FSFilter Anti-Virus");
  EXPECT_EQ(filters[0].at("classification"), "mde");
  EXPECT_EQ(filters[2].at("classification"), "allowed");
  EXPECT_EQ(r.evidence.at("source"), "filter_manager");
  EXPECT_NE(r.summary.find("WdFilter"), std::string::npos);
}

TEST(MinifiltersCheck, AnotherAntivirusFailsAndExplainsPassiveMode) {
  MinifilterWorld w;
  const CheckResult r =
      RunWith(w, OneBufferPerFilter({{"WdFilter", "328010"}, {"SRTSP64", "329000"}}));
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_NE(r.summary.find("SRTSP64"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("Symantec"), std::string::npos) << r.summary;
  EXPECT_NE(r.remediation.find("ForceDefenderPassiveMode"), std::string::npos);
  EXPECT_NE(r.remediation.find("Before onboarding"), std::string::npos);
  EXPECT_EQ(r.report.at("minifilters")[1].at("classification"), "conflict");
}

TEST(MinifiltersCheck, AnotherAntivirusWithPassiveModeSetWarns) {
  MinifilterWorld w;
  w.writer.Dword(kTestAtpPolicy, "ForceDefenderPassiveMode", 1);
  const CheckResult r = RunWith(w, OneBufferPerFilter({{"unknownav", "324100"}}));
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_NE(r.summary.find("passive mode by policy"), std::string::npos) << r.summary;
}

TEST(MinifiltersCheck, AnotherEdrWarns) {
  MinifilterWorld w;
  const CheckResult r =
      RunWith(w, OneBufferPerFilter({{"WdFilter", "328010"}, {"SentinelMonitor", "389040"}}));
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_NE(r.summary.find("SentinelOne"), std::string::npos) << r.summary;
}

TEST(MinifiltersCheck, FallsBackToTheRegisteredFiltersWhenTheFilterManagerGivesNone) {
  MinifilterWorld w;
  PlantRegisteredFilter(w.writer, "WdFilter", "328010");
  PlantRegisteredFilter(w.writer, "klif", "320400");
  w.writer.Dword(std::string(kTestServices) + "\\Tcpip", "Start", 1);  // no Instances: not a filter
  const CheckResult r = RunWith(w, std::vector<std::string>{});
  EXPECT_EQ(r.status, Status::kFail) << r.summary;
  EXPECT_EQ(r.evidence.at("source"), "registry");
  EXPECT_EQ(r.report.at("minifilters").size(), 2U);
  // A registered filter's instance count is not known: the registry lists configurations.
  EXPECT_TRUE(r.report.at("minifilters")[0].at("instances").is_null());
  EXPECT_NE(r.summary.find("registered"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("Kaspersky"), std::string::npos) << r.summary;
  // The registry says nothing of instances; the official list names the company and decides.
  const auto& filters = r.report.at("minifilters");
  const auto found = std::find_if(filters.begin(), filters.end(),
                                  [](const auto& entry) { return entry.at("name") == "klif"; });
  ASSERT_NE(found, filters.end());
  const auto& klif = *found;
  EXPECT_TRUE(klif.at("instances").is_null()) << klif;
  EXPECT_EQ(klif.at("decided_by"), "official_list") << klif;
  EXPECT_EQ(klif.at("official").at("altitude"), "320400") << klif;
  EXPECT_EQ(r.evidence.at("filters"), r.report.at("minifilters"));
  EXPECT_EQ(r.evidence.at("altitude_list").at("commit"), OfficialAltitudes().commit);
}

TEST(MinifiltersCheck, NothingReadableWarns) {
  MinifilterWorld w;
  const CheckResult r =
      RunWith(w, MakeError(ErrorKind::kPermission, "Access is denied. (error 5)"));
  EXPECT_EQ(r.status, Status::kWarn) << r.summary;
  EXPECT_NE(r.summary.find("Access is denied"), std::string::npos) << r.summary;
  EXPECT_TRUE(r.report.at("minifilters").empty());
}

TEST(MinifiltersCheck, AMalformedEntryIsReportedAndTheRestKept) {
  MinifilterWorld w;
  std::vector<std::string> buffers = OneBufferPerFilter({{"WdFilter", "328010"}});
  buffers.push_back("short");
  const CheckResult r = RunWith(w, buffers);
  EXPECT_EQ(r.status, Status::kPass) << r.summary;
  EXPECT_EQ(r.evidence.at("problems").size(), 1U);
}

}  // namespace
}  // namespace preflight::testing
