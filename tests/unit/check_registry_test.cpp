#include "agent/check_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "agent/check_list.h"
#include "platform/text.h"

namespace preflight {
namespace {

// A check of the other platform, known here by its id only.
std::string OtherPlatformsCheck() {
  return ThisPlatform() == Platform::kLinux ? "windows.minifilters" : "linux.fanotify";
}

std::vector<const CheckEntry*> EntriesHere() {
  std::vector<const CheckEntry*> here;
  for (const CheckEntry& entry : AllChecks()) {
    if (entry.RunsHere()) here.push_back(&entry);
  }
  return here;
}

// STYLE.md, 7: dotted lowercase ("linux.fanotify", "azure.extension.local").
bool IsDottedLowercase(std::string_view id) {
  if (id.empty() || id.front() == '.' || id.back() == '.' || id.find('.') == id.npos) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

TEST(CheckRegistry, EveryEntryIsWellFormedAndDeclaredOnce) {
  std::set<std::string_view> ids;
  for (const CheckEntry& entry : AllChecks()) {
    SCOPED_TRACE(std::string(entry.id));
    EXPECT_TRUE(ids.insert(entry.id).second) << "declared twice";
    EXPECT_TRUE(IsDottedLowercase(entry.id));
    EXPECT_FALSE(entry.title.empty());
    EXPECT_NE(entry.platforms, 0U) << "runs nowhere";
    EXPECT_EQ(entry.make != nullptr, entry.RunsHere()) << "a factory exactly where it runs";
  }
  EXPECT_GE(ids.size(), 19U);
}

TEST(CheckRegistry, MakesThisPlatformsChecksInReportOrderNamedByTheirEntries) {
  const auto checks = MakePlatformChecks();
  const auto here = EntriesHere();
  ASSERT_EQ(checks.size(), here.size());
  for (std::size_t i = 0; i < checks.size(); ++i) {
    // A body that named itself (an Id() override) would disagree with its entry here.
    EXPECT_EQ(checks[i]->Id(), here[i]->id);
    EXPECT_EQ(checks[i]->Title(), here[i]->title);
  }
  const auto check = MakeCheck("MDE.Install");  // ids match case-insensitively
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->Id(), "mde.install");
}

TEST(CheckRegistry, IdsOfTheOtherPlatformAreKnownButNeverMade) {
  const std::string other = OtherPlatformsCheck();
  ASSERT_NE(FindCheck(other), nullptr);
  EXPECT_TRUE(IsCheckIdOfAnotherPlatform(other));
  std::string upper = other;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  });
  EXPECT_TRUE(IsCheckIdOfAnotherPlatform(upper));
  EXPECT_EQ(MakeCheck(other), nullptr);
  EXPECT_FALSE(IsCheckIdOfAnotherPlatform("mde.install"));  // runs on both
  EXPECT_FALSE(IsCheckIdOfAnotherPlatform("azure.plan"));
  EXPECT_FALSE(IsCheckIdOfAnotherPlatform("no.such.check"));
  EXPECT_EQ(FindCheck("no.such.check"), nullptr);
}

TEST(SelectPlatformChecks, OnlyNarrowsAndEveryPlatformsIdsAreAccepted) {
  auto all = SelectPlatformChecks({}, {});
  ASSERT_TRUE(all.Ok()) << all.Err().message;
  EXPECT_EQ(all.Value().size(), EntriesHere().size());

  auto one = SelectPlatformChecks({"mde.install", OtherPlatformsCheck()}, {OtherPlatformsCheck()});
  ASSERT_TRUE(one.Ok()) << one.Err().message;
  ASSERT_EQ(one.Value().size(), 1U);
  EXPECT_EQ(one.Value()[0]->Id(), "mde.install");
  EXPECT_TRUE(SelectPlatformChecks({}, {"all"}).Ok());
}

TEST(SelectPlatformChecks, UnknownIdsAreErrorsThatListThisPlatformsChecks) {
  std::string here;
  for (const CheckEntry* entry : EntriesHere()) {
    here += (here.empty() ? "" : ", ") + std::string(entry->id);
  }
  auto ignore = SelectPlatformChecks({}, {"azure.plan", "mde.instal"});
  ASSERT_FALSE(ignore.Ok());
  EXPECT_EQ(ignore.Err().message,
            "--ignore: unknown check id 'mde.instal' (checks on this platform: " + here + ")");
  auto only = SelectPlatformChecks({"all"}, {});
  ASSERT_FALSE(only.Ok());
  EXPECT_EQ(only.Err().message.rfind("--only: unknown check id 'all'", 0), 0U);
}

TEST(CheckList, JsonNamesEveryCheckOfEveryPlatform) {
  const nlohmann::json list = CheckListJson();
  EXPECT_EQ(list.at("platform"), PlatformName(ThisPlatform()));
  ASSERT_EQ(list.at("checks").size(), AllChecks().size());
  const nlohmann::json& other = list.at("checks").at(0);  // linux.fanotify
  EXPECT_EQ(other.at("id"), "linux.fanotify");
  EXPECT_EQ(other.at("platforms"), nlohmann::json::array({"linux"}));
  EXPECT_EQ(other.at("runs_here"), ThisPlatform() == Platform::kLinux);
  for (const auto& check : list.at("checks")) {
    if (check.at("id") == "mde.install") {
      EXPECT_EQ(check.at("platforms"), nlohmann::json::array({"linux", "windows"}));
      EXPECT_EQ(check.at("runs_here"), true);
      EXPECT_EQ(check.at("title"), FindCheck("mde.install")->title);
    }
  }
}

TEST(CheckList, TextMarksTheChecksThatRunHere) {
  const std::string text = CheckListText();
  std::istringstream lines(text);
  std::string line;
  std::getline(lines, line);  // the heading
  EXPECT_NE(line.find(std::string(PlatformName(ThisPlatform()))), std::string::npos) << line;
  for (const CheckEntry& entry : AllChecks()) {
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line.rfind(std::string(entry.RunsHere() ? "* " : "  ") + std::string(entry.id), 0),
              0U)
        << line;
    EXPECT_NE(line.find(std::string(entry.title)), std::string::npos) << line;
  }
  EXPECT_FALSE(std::getline(lines, line)) << line;
}

// ---- the README's check tables --------------------------------------------------------------

std::vector<std::string> Cells(std::string_view row) {
  std::vector<std::string> cells;
  std::string cell;
  for (char c : row.substr(1)) {  // after the leading '|'
    if (c != '|') {
      cell += c;
      continue;
    }
    std::string trimmed(Trim(cell, " \t\r"));
    if (trimmed.size() >= 2 && trimmed.front() == '`' && trimmed.back() == '`') {
      trimmed = trimmed.substr(1, trimmed.size() - 2);
    }
    cells.push_back(trimmed);
    cell.clear();
  }
  return cells;
}

struct ReadmeChecks {
  std::vector<std::vector<std::string>> summary;  // id, runs on, title
  std::multiset<std::string> described;           // ids in the detail tables
};

// The "## Checks" section: its `| id | runs on | title |` table and the detail tables after it.
ReadmeChecks ParseReadmeChecks(std::istream& readme) {
  ReadmeChecks found;
  bool in_section = false;
  bool in_summary = false;
  std::string line;
  while (std::getline(readme, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("## ", 0) == 0) in_section = line == "## Checks";
    if (!in_section) continue;
    if (line.rfind("|", 0) != 0) {
      in_summary = false;
      continue;
    }
    const auto cells = Cells(line);
    if (cells == std::vector<std::string>{"id", "runs on", "title"}) {
      in_summary = true;
    } else if (line.rfind("| `", 0) == 0 && !cells.empty()) {
      if (in_summary) {
        found.summary.push_back(cells);
      } else {
        found.described.insert(cells[0]);
      }
    }
  }
  return found;
}

std::string RunsOn(const CheckEntry& entry) {
  std::string names;
  if (entry.RunsOn(Platform::kLinux)) names = "Linux";
  if (entry.RunsOn(Platform::kWindows)) names += names.empty() ? "Windows" : ", Windows";
  return names;
}

// The table README.md must hold, from the registry.
std::string ExpectedTable() {
  std::string table = "| id | runs on | title |\n|---|---|---|\n";
  for (const CheckEntry& entry : AllChecks()) {
    table += "| `" + std::string(entry.id) + "` | " + RunsOn(entry) + " | " +
             std::string(entry.title) + " |\n";
  }
  return table;
}

TEST(CheckRegistry, AgreesWithTheReadmesCheckTables) {
  std::ifstream readme(PREFLIGHT_README);
  ASSERT_TRUE(readme.is_open()) << PREFLIGHT_README;
  const ReadmeChecks found = ParseReadmeChecks(readme);
  std::string found_table = "| id | runs on | title |\n|---|---|---|\n";
  for (const auto& cells : found.summary) {
    found_table += "| `" + cells.at(0) + "` | " + (cells.size() > 1 ? cells[1] : "") + " | " +
                   (cells.size() > 2 ? cells[2] : "") + " |\n";
  }
  // Ids, order, platforms and titles; gtest shows the lines that differ.
  EXPECT_EQ(found_table, ExpectedTable())
      << "README.md's check table (under \"## Checks\") and agent/check_registry.cpp disagree";
  for (const CheckEntry& entry : AllChecks()) {
    // Each platform's detail table describes a twin there; one description is the least.
    EXPECT_GE(found.described.count(std::string(entry.id)), 1U)
        << entry.id << " is not described in README.md's detail tables";
  }
  for (const std::string& id : found.described) {
    EXPECT_NE(FindCheck(id), nullptr) << "README.md describes " << id << ", which is no check";
  }
}

}  // namespace
}  // namespace preflight
