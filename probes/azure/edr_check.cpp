#include "probes/azure/edr_check.h"

#include "probes/azure/arm_reads.h"
#include "probes/azure/json_fields.h"
#include "probes/azure/recommendations_parser.h"
#include "probes/common/facts.h"

namespace preflight {
namespace {

using Json = nlohmann::json;
using Facts = EdrFacts;
using arm_json::EqualsIgnoreCase;

// What was read besides the facts, for the words.
struct Detail {
  std::string code;  // the EDR assessment's status.code, cause and description
  std::string cause;
  std::string description;
  std::vector<std::string> remediations;  // per kEdrHealthRecommendations, from ARM when given
  std::string plan_name;                  // "Plan 1 (P1)", empty when unknown
};

Facts::Discovery DiscoveryOf(const std::string& code) {
  if (EqualsIgnoreCase(code, "Healthy")) return Facts::Discovery::kHealthy;
  if (EqualsIgnoreCase(code, "Unhealthy")) return Facts::Discovery::kUnhealthy;
  return Facts::Discovery::kNotApplicable;
}

void ReadRecommendations(cloud::CloudRun& run, Facts& facts, Detail& detail) {
  const cloud::RecommendationsRead read =
      cloud::ReadMachineRecommendations(run.arm, cloud::MachineResourceId(run.access));
  if (!read.list) {
    run.errors.Add(run.findings, read.error.value_or(azure::ArmError{}),
                   "the machine's EDR recommendations");
    return;
  }
  if (!read.incomplete.empty()) run.evidence["recommendations_incomplete"] = read.incomplete;
  const Recommendation* installed = read.list->Find(kEdrInstalledKey);
  facts.discovery =
      installed == nullptr ? Facts::Discovery::kNotFound : DiscoveryOf(installed->code);
  if (installed != nullptr) {
    facts.discovered = installed->edrs;
    detail.code = installed->code;
    detail.cause = installed->cause;
    detail.description = installed->description;
  }
  for (std::size_t i = 0; i < std::size(kEdrHealthRecommendations); ++i) {
    const Recommendation* health = read.list->Find(kEdrHealthRecommendations[i].key);
    detail.remediations.emplace_back(health == nullptr ? "" : health->remediation);
    if (health != nullptr && health->Unhealthy()) facts.unhealthy.push_back(i);
  }
}

// The plan and Defender CSPM: their read errors are azure.plan's to report; here they only leave
// the plan unknown.
void ReadPlans(cloud::CloudRun& run, Facts& facts, Detail& detail) {
  const std::string subscription = cloud::SubscriptionOf(run.access);
  const cloud::PlanRead plan =
      cloud::ReadEffectivePlan(run.arm, subscription, cloud::MachineResourceId(run.access));
  facts.plan = plan.plan.Level();
  if (const PricingInfo* applying = plan.plan.Applying()) {
    detail.plan_name = cloud::PlanName(*applying);
  }
  if (subscription.empty()) return;
  const cloud::PricingRead cspm =
      cloud::ReadPricing(run.arm, "/subscriptions/" + subscription, "CloudPosture");
  if (cspm.pricing) facts.cspm = cspm.pricing->IsStandard();
}

Facts Gather(cloud::CloudRun& run, Detail& detail) {
  Facts facts;
  ReadRecommendations(run, facts, detail);
  if (facts.discovery != Facts::Discovery::kUnread) ReadPlans(run, facts, detail);
  facts.local_onboarded = MdeStateOf(run.ctx).onboarded;
  return facts;
}

std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

const char* DiscoveryName(Facts::Discovery discovery) {
  switch (discovery) {
    case Facts::Discovery::kUnread:
      return "unread";
    case Facts::Discovery::kNotFound:
      return "NotFound";
    case Facts::Discovery::kHealthy:
      return "Healthy";
    case Facts::Discovery::kUnhealthy:
      return "Unhealthy";
    case Facts::Discovery::kNotApplicable:
      return "NotApplicable";
  }
  return "unread";
}

void Record(cloud::CloudRun& run, const Facts& facts, const Detail& detail) {
  Json issues = Json::array();
  for (const std::size_t i : facts.unhealthy) {
    issues.push_back(std::string(kEdrHealthRecommendations[i].key));
  }
  run.evidence["discovery"] = DiscoveryName(facts.discovery);
  if (!detail.code.empty()) run.evidence["status"] = detail.code;
  if (!detail.cause.empty()) run.evidence["cause"] = detail.cause;
  if (!detail.description.empty()) run.evidence["description"] = detail.description;
  run.evidence["plan"] = detail.plan_name.empty() ? Json() : Json(detail.plan_name);
  run.evidence["cspm"] = facts.cspm ? Json(*facts.cspm) : Json();
  run.evidence["local_onboarded"] = facts.local_onboarded ? Json(*facts.local_onboarded) : Json();
  if (facts.discovery == Facts::Discovery::kUnread) return;
  bool mde = false;
  for (const std::string& name : facts.discovered) mde = mde || IsMdeName(name);
  run.fields["edr"] = {
      {"status", DiscoveryName(facts.discovery)},
      {"discovered", facts.discovered},
      {"mde_discovered",
       facts.discovery == Facts::Discovery::kHealthy
           ? Json(mde)
           : (facts.discovery == Facts::Discovery::kUnhealthy ? Json(false) : Json())},
      {"issues", std::move(issues)}};
}

// The discovery's verdict alone; the local comparison and the status follow in DecideEdr.
EdrVerdict VerdictOf(const Facts& facts) {
  switch (facts.discovery) {
    case Facts::Discovery::kUnread:
      return EdrVerdict::kUnknown;
    case Facts::Discovery::kHealthy: {
      for (const std::string& name : facts.discovered) {
        if (IsMdeName(name)) return EdrVerdict::kMde;
      }
      return facts.discovered.empty() ? EdrVerdict::kUnnamed : EdrVerdict::kOtherEdr;
    }
    case Facts::Discovery::kUnhealthy:
      return EdrDiscoveryAvailable(facts) ? EdrVerdict::kNone : EdrVerdict::kNoneUncovered;
    case Facts::Discovery::kNotApplicable:
      return EdrVerdict::kNotApplicable;
    case Facts::Discovery::kNotFound:
      break;
  }
  return EdrDiscoveryAvailable(facts) ? EdrVerdict::kNotYet : EdrVerdict::kNoDiscovery;
}

std::string PlanPhrase(const Facts& facts, const Detail& detail) {
  const std::string cspm = !facts.cspm ? "unknown" : (*facts.cspm ? "on" : "off");
  return "Defender for Servers " + (detail.plan_name.empty() ? "unknown" : detail.plan_name) +
         ", Defender CSPM " + cspm;
}

constexpr const char* kInstallEdr =
    "Turn on the Defender for Endpoint integration (azure.integration) so that Defender for "
    "Cloud deploys MDE on the machine, or install a supported EDR; the machine turns Healthy up "
    "to 24 hours later.";
constexpr const char* kLag =
    "Discovery can lag by up to 24 hours after onboarding; if it persists, check that MDE runs "
    "and is healthy here (mde.install) and follow the recommendation's troubleshooting steps in "
    "Defender for Cloud.";

void WordAbsence(cloud::CloudRun& run, const EdrDecision& d, const Facts& facts,
                 const Detail& detail) {
  const std::string plan = PlanPhrase(facts, detail);
  switch (d.verdict) {
    case EdrVerdict::kNone:
    case EdrVerdict::kNoneUncovered:
      if (d.mismatch == EdrMismatch::kLocalOnly) return;  // WordMismatch names both sides
      run.findings.Add(d.status,
                       "Defender for Cloud discovered no EDR on this machine (EDR solution should "
                       "be installed on Virtual Machines: Unhealthy; " +
                           plan + ").",
                       kInstallEdr);
      return;
    case EdrVerdict::kNotApplicable:
      run.findings.Add(
          Status::kWarn,
          "Defender for Cloud's EDR assessment is " + detail.code +
              (detail.cause.empty() ? "" : " (" + detail.cause + ")") + " for this machine" +
              (EdrDiscoveryAvailable(facts)
                   ? std::string(".")
                   : ": agentless EDR discovery needs Defender for Servers Plan 2 or Defender "
                     "CSPM (" +
                         plan + ")."),
          "Turn on Defender for Servers Plan 2 or Defender CSPM with agentless scanning for "
          "machines, or look at the assessment's status in Defender for Cloud.");
      return;
    case EdrVerdict::kNotYet:
      run.findings.Add(Status::kWarn,
                       "Defender for Cloud has no EDR discovery result for this machine yet (" +
                           plan + "); agentless scanning takes up to 24 hours.",
                       "Run the check again later; if no result appears, check that agentless "
                       "scanning for machines is on.");
      return;
    case EdrVerdict::kNoDiscovery:
      run.findings.Add(Status::kSkip,
                       "Not checked: Defender for Cloud discovers EDRs (agentless) only with "
                       "Defender for Servers Plan 2 or Defender CSPM (" +
                           plan + ").",
                       "Turn on Plan 2 or Defender CSPM to have the cloud confirm MDE.");
      return;
    default:
      return;
  }
}

void WordDiscovery(cloud::CloudRun& run, const EdrDecision& d, const Facts& facts,
                   const Detail& detail) {
  const std::string names = Names(facts.discovered);
  switch (d.verdict) {
    case EdrVerdict::kMde:
      run.pass = "Defender for Cloud discovered " + names +
                 " on this machine (EDR solution should be installed on Virtual Machines: "
                 "Healthy).";
      return;
    case EdrVerdict::kUnnamed:
      run.pass =
          "Defender for Cloud discovered a supported EDR on this machine (Healthy), "
          "without naming it.";
      return;
    case EdrVerdict::kOtherEdr:
      run.findings.Add(Status::kWarn,
                       "Defender for Cloud discovered " + names +
                           " on this machine, not Microsoft Defender for Endpoint.",
                       "If MDE is meant to protect this machine, onboard it (azure.integration, "
                       "mde.install) and run " +
                           names + " in a mode MDE supports beside it; if " + names +
                           " is the chosen EDR, nothing is to be done.");
      return;
    default:
      WordAbsence(run, d, facts, detail);
      return;
  }
}

void WordMismatch(cloud::CloudRun& run, const EdrDecision& d, const Facts& facts) {
  const std::string names = Names(facts.discovered);
  switch (d.mismatch) {
    case EdrMismatch::kNone:
      return;
    case EdrMismatch::kLocalOnly:
      run.findings.Add(Status::kWarn,
                       "MDE is onboarded on this machine (mde.install), but Defender for Cloud "
                       "discovered no EDR on it (EDR solution should be installed on Virtual "
                       "Machines: Unhealthy).",
                       kLag);
      return;
    case EdrMismatch::kCloudOnly:
      run.findings.Add(Status::kWarn,
                       "Defender for Cloud discovered " + names +
                           " on this machine, but MDE is not onboarded here (mde.install).",
                       "If MDE was offboarded or removed here, the cloud's view is stale until "
                       "its next scan (up to 24 hours); otherwise onboard MDE (mde.install, "
                       "azure.extension).");
      return;
    case EdrMismatch::kLocalMdeCloudOther:
      run.findings.Add(Status::kWarn,
                       "MDE is onboarded on this machine (mde.install), but Defender for Cloud "
                       "discovered " +
                           names + " and not MDE.",
                       kLag);
      return;
  }
}

void WordHealth(cloud::CloudRun& run, const Facts& facts, const Detail& detail) {
  for (const std::size_t i : facts.unhealthy) {
    const EdrHealthRecommendation& r = kEdrHealthRecommendations[i];
    const std::string& given = detail.remediations[i];
    run.findings.Add(Status::kWarn,
                     "Defender for Cloud reports \"" + std::string(r.title) + "\" (" +
                         std::string(r.key) + ") as Unhealthy for this machine.",
                     given.empty() ? std::string(r.remediation) : cloud::OneLine(given, 600));
  }
}

}  // namespace

bool EdrDiscoveryAvailable(const Facts& facts) {
  return facts.plan == cloud::PlanLevel::kP2 || facts.cspm == true;
}

EdrDecision DecideEdr(const Facts& facts) {
  EdrDecision d;
  d.verdict = VerdictOf(facts);
  const bool local_on = facts.local_onboarded == true;
  const bool local_off = facts.local_onboarded == false;
  switch (d.verdict) {
    case EdrVerdict::kMde:
      d.mismatch = local_off ? EdrMismatch::kCloudOnly : EdrMismatch::kNone;
      break;
    case EdrVerdict::kOtherEdr:
      d.mismatch = local_on ? EdrMismatch::kLocalMdeCloudOther : EdrMismatch::kNone;
      break;
    case EdrVerdict::kNone:
    case EdrVerdict::kNoneUncovered:
      d.mismatch = local_on ? EdrMismatch::kLocalOnly : EdrMismatch::kNone;
      break;
    default:
      break;
  }
  switch (d.verdict) {
    case EdrVerdict::kUnknown:
    case EdrVerdict::kUnnamed:
      d.status = Status::kPass;
      break;
    case EdrVerdict::kMde:
      d.status = d.mismatch == EdrMismatch::kNone ? Status::kPass : Status::kWarn;
      break;
    case EdrVerdict::kNone:
      // Onboarded here: the cloud may lag (up to 24 hours); a warning that names both sides.
      d.status = d.mismatch == EdrMismatch::kLocalOnly ? Status::kWarn : Status::kFail;
      break;
    case EdrVerdict::kNoDiscovery:
      d.status = Status::kSkip;
      break;
    default:
      d.status = Status::kWarn;
      break;
  }
  return d;
}

std::optional<CheckResult> EdrCheck::NotApplicable(const Context& ctx) const {
  if (ctx.cloud->machine.kind != azure::EnvironmentKind::kOther) return std::nullopt;
  return cloud::OutsideAzure(
      "Not applicable: Defender for Cloud's EDR discovery scans Azure (and AWS/GCP) machines, "
      "not servers outside Azure.");
}

std::optional<CheckResult> EdrCheck::Unprepared(const Context& ctx) const {
  return cloud::WithoutResourceId(ctx);
}

void EdrCheck::Examine(cloud::CloudRun& run) const {
  run.evidence = {{"resource_id", cloud::MachineResourceId(run.access)},
                  {"assessment_key", std::string(kEdrInstalledKey)}};
  run.fields = {{"edr", nullptr}};
  Detail detail;
  const Facts facts = Gather(run, detail);
  Record(run, facts, detail);
  const EdrDecision d = DecideEdr(facts);
  WordDiscovery(run, d, facts, detail);
  WordMismatch(run, d, facts);
  WordHealth(run, facts, detail);
}

}  // namespace preflight
