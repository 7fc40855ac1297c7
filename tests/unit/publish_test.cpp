#include "agent/publish.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_arm_client.h"

namespace preflight {
namespace {

using testing::ArmFail;
using testing::ArmOk;
using testing::FakeArmClient;
using Json = nlohmann::json;

constexpr const char* kVm =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm";
const std::string kTagsPath = std::string(kVm) + "/providers/Microsoft.Resources/tags/default";

Tags ManyTags(std::size_t n) {
  Tags tags;
  for (std::size_t i = 0; i < n; ++i) tags.emplace_back("t" + std::to_string(i), "v");
  return tags;
}

TEST(BlockingTagValue, WholeIdsWithinTheLimitAndACountOfTheRest) {
  EXPECT_EQ(BlockingTagValue({}, 256), "");
  EXPECT_EQ(BlockingTagValue({"linux.fanotify", "azure.plan"}, 256), "linux.fanotify,azure.plan");
  EXPECT_EQ(BlockingTagValue({"aaaa", "bbbb", "cccc"}, 11), "aaaa,+2");
  EXPECT_EQ(BlockingTagValue({"aaaa", "bbbb", "cccc"}, 13), "aaaa,bbbb,+1");
  EXPECT_EQ(BlockingTagValue({"aaaa", "bbbb", "cccc"}, 14), "aaaa,bbbb,cccc");
  EXPECT_EQ(BlockingTagValue({"a-very-long-id"}, 5), "+1");
  std::vector<std::string> many(40, "azure.vulnerability_findings");
  const std::string value = BlockingTagValue(many, kMaxTagValueChars);
  EXPECT_LE(value.size(), kMaxTagValueChars);
  EXPECT_NE(value.find(",+"), std::string::npos);
}

TEST(PlanReadinessTags, RespectsTheFiftyTagLimit) {
  const TagPlan room = PlanReadinessTags("ready", "2026-01-01T00:00:00.000Z", {}, ManyTags(47));
  EXPECT_EQ(room.tags.size(), 3U);
  EXPECT_TRUE(room.skipped.empty());

  const TagPlan tight = PlanReadinessTags("ready", "t", {}, ManyTags(49));
  ASSERT_EQ(tight.tags.size(), 1U);
  EXPECT_EQ(tight.tags[0].first, kTagReadiness);
  EXPECT_EQ(tight.skipped, (std::vector<std::string>{kTagReadinessAt, kTagBlocking}));

  // Names already there (ARM compares them case-insensitively) are updated, not added.
  Tags full = ManyTags(48);
  full.emplace_back("MDEREADINESS", "blocked");
  full.emplace_back("mdeReadinessAt", "old");
  const TagPlan update = PlanReadinessTags("ready", "t", {"x"}, full);
  ASSERT_EQ(update.tags.size(), 2U);
  EXPECT_EQ(update.skipped, std::vector<std::string>{kTagBlocking});

  const TagPlan long_verdict = PlanReadinessTags(std::string(300, 'v'), "t", {}, {});
  EXPECT_EQ(long_verdict.tags[0].second.size(), kMaxTagValueChars);
}

Json Report() {
  return {{"verdict", "blocked"},
          {"generated_at", "2026-11-28T16:01:28.123Z"},
          {"checks",
           {{{"id", "linux.fanotify"}, {"status", "fail"}},
            {{"id", "azure.plan"}, {"status", "fail"}},
            {{"id", "linux.os"}, {"status", "pass"}}}}};
}

azure::CloudAccess Access(FakeArmClient* arm) {
  azure::CloudAccess access;
  access.machine.kind = azure::EnvironmentKind::kAzureVm;
  access.machine.resource_id = kVm;
  access.machine.tags = {{"env", "test"}};
  access.arm = arm;
  return access;
}

TEST(PublishReadinessTags, MergesTheVerdictIntoTheMachinesTags) {
  FakeArmClient arm;
  arm.OnSend("PATCH", kTagsPath, "2021-04-01", ArmOk({{"properties", {{"tags", {}}}}}));
  const azure::CloudAccess access = Access(&arm);
  const Json result = PublishReadinessTags(Report(), &access);
  EXPECT_EQ(result.at("status"), "published");
  EXPECT_TRUE(result.at("error").is_null());
  ASSERT_EQ(arm.sent().size(), 1U);
  EXPECT_EQ(arm.sent()[0], Json({{"operation", "Merge"},
                                 {"properties",
                                  {{"tags",
                                    {{"mdeReadiness", "blocked"},
                                     {"mdeReadinessAt", "2026-11-28T16:01:28.123Z"},
                                     {"mdeReadinessBlocking", "linux.fanotify,azure.plan"}}}}}}));
}

TEST(PublishReadinessTags, ARefusalIsReportedNotFatal) {
  FakeArmClient arm;
  arm.OnSend("PATCH", kTagsPath, "2021-04-01",
             ArmFail(403, "AuthorizationFailed", "no tags/write", "req-9",
                     "Microsoft.Resources/tags/write"));
  const azure::CloudAccess access = Access(&arm);
  const Json result = PublishReadinessTags(Report(), &access);
  EXPECT_EQ(result.at("status"), "failed");
  EXPECT_EQ(result.at("error").at("code"), "AuthorizationFailed");
  EXPECT_EQ(result.at("error").at("request_id"), "req-9");
  EXPECT_NE(result.at("reason").get<std::string>().find("Tag Contributor"), std::string::npos);
}

TEST(PublishReadinessTags, SkipsWithoutAResourceOrWhenOfflineAndWhenFull) {
  EXPECT_EQ(PublishReadinessTags(Report(), nullptr).at("status"), "skipped");
  FakeArmClient arm;
  azure::CloudAccess outside = Access(&arm);
  outside.machine.resource_id.clear();
  EXPECT_EQ(PublishReadinessTags(Report(), &outside).at("status"), "skipped");
  azure::CloudAccess full = Access(&arm);
  full.machine.tags = ManyTags(50);
  const Json result = PublishReadinessTags(Report(), &full);
  EXPECT_EQ(result.at("status"), "skipped");
  EXPECT_EQ(result.at("skipped_tags").size(), 3U);
  EXPECT_TRUE(arm.sent().empty());
  azure::CloudAccess no_identity = Access(nullptr);
  no_identity.identity_error = azure::ArmError{0, "NoIdentity", "no identity", "", ""};
  EXPECT_EQ(PublishReadinessTags(Report(), &no_identity).at("error").at("code"), "NoIdentity");
}

}  // namespace
}  // namespace preflight
