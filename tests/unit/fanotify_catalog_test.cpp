#include "probes/linux/fanotify/fanotify_catalog.h"

#include <gtest/gtest.h>

#include <string>

namespace preflight {
namespace {

TEST(FanotifyCatalog, TheEmbeddedCatalogLoads) {
  const BuiltInCatalog<FanotifyCatalog>& built_in = BuiltInFanotifyCatalog();
  ASSERT_EQ(built_in.error, "");
  const FanotifyCatalog& catalog = built_in.catalog;
  ASSERT_GE(catalog.products.size(), 3U);

  const CatalogProduct* mde =
      MatchProduct(catalog, "wdavdaemon", "/opt/microsoft/mdatp/sbin/wdavdaemon");
  ASSERT_NE(mde, nullptr);
  EXPECT_EQ(mde->id, "mde");
  EXPECT_EQ(Classify(mde, true), Classification::kMde);

  const CatalogProduct* fapolicyd = MatchProduct(catalog, "fapolicyd", "/tmp/x/fanotify_holder");
  ASSERT_NE(fapolicyd, nullptr);
  EXPECT_EQ(Classify(fapolicyd, true), Classification::kAllowed);

  const CatalogProduct* clam = MatchProduct(catalog, "clamonacc", "/usr/sbin/clamonacc");
  ASSERT_NE(clam, nullptr);
  EXPECT_EQ(Classify(clam, true), Classification::kConflict);
  EXPECT_EQ(Classify(clam, false), Classification::kNotify);

  const CatalogProduct* sophos =
      MatchProduct(catalog, "x", "/opt/sophos-spl/plugins/av/sbin/soapd");
  ASSERT_NE(sophos, nullptr);
  EXPECT_EQ(sophos->vendor, "Sophos");

  // The installer's three known conflicting services (reference §1.1).
  std::vector<std::string> services;
  for (const ConflictingService& s : catalog.services) services.push_back(s.name);
  EXPECT_EQ(services, (std::vector<std::string>{"ds_agent", "cbsensor", "MFEcma"}));
}

// The products an image can be judged by before it boots: ClamAV's on-access scanner with the
// setting that makes it block, fapolicyd by its unit (reference/linux.md §1.3).
TEST(FanotifyCatalog, EmbeddedCatalogNamesPackagesUnitsAndBlockingSettings) {
  const auto& built_in = BuiltInFanotifyCatalog();
  ASSERT_TRUE(built_in.error.empty()) << built_in.error;
  const CatalogProduct* clamav = MatchProduct(built_in.catalog, "clamonacc", "");
  ASSERT_NE(clamav, nullptr);
  ASSERT_TRUE(clamav->install.has_value());
  EXPECT_EQ(clamav->install->units, std::vector<std::string>{"clamav-clamonacc.service"});
  EXPECT_EQ(clamav->install->packages, (std::vector<std::string>{"clamav-daemon", "clamd"}));
  ASSERT_TRUE(clamav->install->blocking_setting.has_value());
  EXPECT_EQ(clamav->install->blocking_setting->name, "OnAccessPrevention");
  const CatalogProduct* fapolicyd = MatchProduct(built_in.catalog, "fapolicyd", "");
  ASSERT_NE(fapolicyd, nullptr);
  ASSERT_TRUE(fapolicyd->install.has_value());
  EXPECT_FALSE(fapolicyd->install->blocking_setting.has_value());  // blocks whenever it runs
}

TEST(FanotifyCatalog, OnlyMdesOwnPathIsMde) {
  const FanotifyCatalog& catalog = BuiltInFanotifyCatalog().catalog;
  // A process merely named wdavdaemon elsewhere is not MDE: it is judged like any other program.
  EXPECT_EQ(MatchProduct(catalog, "wdavdaemon", "/tmp/wdavdaemon"), nullptr);
  EXPECT_EQ(MatchProduct(catalog, "wdavdaemon", "/opt/microsoft/mdatp/sbin/wdavdaemon2"), nullptr);
  EXPECT_EQ(MatchProduct(catalog, "", ""), nullptr);
  EXPECT_EQ(Classify(nullptr, true), Classification::kConflict);
  EXPECT_EQ(Classify(nullptr, false), Classification::kNotify);
}

TEST(FanotifyCatalog, FirstMatchWinsAndPrefixesMatch) {
  const auto catalog = ParseFanotifyCatalog(R"({"schema": 1, "products": [
      {"id": "a", "name": "A", "vendor": "V", "sources": ["s"], "match": {"exe_prefixes": ["/opt/a/"]}},
      {"id": "b", "name": "B", "vendor": "V", "sources": ["s"], "match": {"comm": ["tool"]},
       "classification": "allowed"}]})");
  ASSERT_TRUE(catalog.Ok()) << catalog.Err().message;
  EXPECT_EQ(MatchProduct(catalog.Value(), "tool", "/opt/a/bin/tool")->id, "a");
  EXPECT_EQ(MatchProduct(catalog.Value(), "tool", "/usr/bin/tool")->id, "b");
  EXPECT_EQ(MatchProduct(catalog.Value(), "other", "/opt/ab/tool"), nullptr);
  EXPECT_TRUE(catalog.Value().services.empty());
}

TEST(FanotifyCatalog, RejectsMalformedCatalogs) {
  const std::string product =
      R"("id": "a", "name": "A", "vendor": "V", "sources": ["s"], "match": {"comm": ["a"]})";
  const struct {
    const char* name;
    std::string text;
    const char* message;
  } cases[] = {
      {"not_json", "{", "not valid JSON"},
      {"install_empty", "{\"schema\": 1, \"products\": [{" + product + ", \"install\": {}}]}",
       "names neither packages nor units"},
      {"install_unit_path",
       "{\"schema\": 1, \"products\": [{" + product +
           ", \"install\": {\"units\": [\"/etc/x.service\"]}}]}",
       "is not a unit file name"},
      {"install_relative_setting_file",
       "{\"schema\": 1, \"products\": [{" + product +
           ", \"install\": {\"packages\": [\"a\"], \"blocking_setting\": {\"files\": "
           "[\"etc/a.conf\"], \"name\": \"Block\", \"values\": [\"yes\"]}}}]}",
       "is relative"},
      {"install_setting_without_values",
       "{\"schema\": 1, \"products\": [{" + product +
           ", \"install\": {\"packages\": [\"a\"], \"blocking_setting\": {\"files\": "
           "[\"/etc/a.conf\"], \"name\": \"Block\"}}}]}",
       "needs files and values"},
      {"not_object", "[]", "not an object"},
      {"wrong_schema", R"({"schema": 2})", "schema"},
      {"unknown_top_key", R"({"schema": 1, "product": []})", "unknown key \"product\""},
      {"products_not_array", R"({"schema": 1, "products": {}})", "must be an array"},
      {"unknown_product_key", "{\"schema\": 1, \"products\": [{" + product + ", \"x\": 1}]}",
       "unknown key \"x\""},
      {"duplicate_id", "{\"schema\": 1, \"products\": [{" + product + "}, {" + product + "}]}",
       "duplicate id a"},
      {"bad_override",
       "{\"schema\": 1, \"products\": [{" + product + ", \"classification\": \"conflict\"}]}",
       "must be \"mde\" or \"allowed\""},
      {"no_rules",
       R"({"schema": 1, "products": [{"id": "a", "name": "A", "vendor": "V", "sources": ["s"], "match": {}}]})",
       "no match rules"},
      {"no_sources",
       R"({"schema": 1, "products": [{"id": "a", "name": "A", "vendor": "V", "match": {"comm": ["a"]}}]})",
       "no public source"},
      {"long_comm",
       R"({"schema": 1, "products": [{"id": "a", "name": "A", "vendor": "V", "sources": ["s"], "match": {"comm": ["sixteen_chars_xx"]}}]})",
       "> 15 bytes"},
      {"relative_path",
       R"({"schema": 1, "products": [{"id": "a", "name": "A", "vendor": "V", "sources": ["s"], "match": {"exe_paths": ["bin/a"]}}]})",
       "is relative"},
      {"wrong_type",
       R"({"schema": 1, "products": [{"id": 5, "name": "A", "vendor": "V", "sources": ["s"], "match": {"comm": ["a"]}}]})",
       "id must be a non-empty string"},
      {"service_without_product",
       R"({"schema": 1, "conflicting_services": [{"name": "x", "vendor": "V", "sources": ["s"]}]})",
       "product must be a non-empty string"},
      {"comm_not_string",
       R"({"schema": 1, "products": [{"id": "a", "name": "A", "vendor": "V", "sources": ["s"], "match": {"comm": [1]}}]})",
       "not a non-empty string"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto result = ParseFanotifyCatalog(c.text);
    ASSERT_FALSE(result.Ok());
    EXPECT_EQ(result.Err().kind, ErrorKind::kInvalid);
    EXPECT_NE(result.Err().message.find(c.message), std::string::npos) << result.Err().message;
  }
}

TEST(ClassificationName, NamesMatchTheReportContract) {
  EXPECT_STREQ(ClassificationName(Classification::kMde), "mde");
  EXPECT_STREQ(ClassificationName(Classification::kAllowed), "allowed");
  EXPECT_STREQ(ClassificationName(Classification::kConflict), "conflict");
  EXPECT_STREQ(ClassificationName(Classification::kNotify), "notify");
}

}  // namespace
}  // namespace preflight
