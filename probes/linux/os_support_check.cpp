#include "probes/linux/os_support_check.h"

#include <string>

#include "platform/file_system.h"
#include "platform/system_info.h"
#include "platform/text.h"
#include "probes/common/facts.h"
#include "probes/common/findings.h"
#include "probes/common/version.h"
#include "probes/linux/os_support.h"
#include "probes/linux/tree_machine.h"

namespace preflight {
namespace {

// /etc/redhat-release is one line ("CentOS Linux release 7.9.2009 (Core)"); 4 KiB bounds a
// hostile file.
constexpr std::size_t kMaxRedHatReleaseBytes = 4096;
// The fallback file of mde_installer.sh detect_distro (reference/linux.md 2.2).
constexpr const char* kRedHatRelease = "/etc/redhat-release";
// Exists since the kernel added the "arch" entry to kernel/utsname_sysctl.c; absent on old kernels
// and in most offline images.
constexpr const char* kProcArch = "/proc/sys/kernel/arch";

std::string Describe(const OsRelease& os) {
  const std::string version = os.version_id.empty() ? "(no VERSION_ID)" : os.version_id;
  if (!os.pretty_name.empty())
    return os.pretty_name + " (ID=" + os.id + ", VERSION_ID=" + version + ")";
  return os.id + " " + version;
}

std::string SupportedList(const LinuxSupport& support, Arch arch) {
  std::vector<std::string> rows;
  for (const DistroSupport& distro : support.distros) {
    const auto& listed = arch == Arch::kArm64 ? distro.arm64 : distro.x64;
    if (!listed.empty()) rows.push_back(distro.name + " " + Join(listed, "/"));
  }
  return Join(rows, "; ");
}

TreeMachine ReadMachine(const Context& ctx) {
  if (ctx.live) {
    auto uname = ctx.system.Uname();
    return {uname.Ok() ? uname.Value().machine : std::string(), "uname(2)"};
  }
  return ReadTreeMachine(ctx);
}

OsSupportFacts GatherOsSupport(const Context& ctx) {
  OsSupportFacts facts;
  facts.live = ctx.live;
  facts.os_release = OsReleaseOf(ctx);
  if (facts.os_release.found) facts.os_release_source = facts.os_release.fields["_source"];
  const auto redhat = ctx.fs.ReadFile(kRedHatRelease, kMaxRedHatReleaseBytes);
  if (redhat.Ok()) {
    facts.redhat_release = ParseRedHatRelease(redhat.Value());
    facts.redhat_error = facts.redhat_release.error;
  } else {
    facts.redhat_error = redhat.Err().message;
  }
  const TreeMachine machine = ReadMachine(ctx);
  facts.machine = machine.machine;
  facts.machine_source = machine.source;
  return facts;
}

CheckResult WordUnidentified(const OsSupportFacts& facts, nlohmann::json evidence) {
  const std::string why =
      facts.os_release.error.empty() ? "no os-release file" : facts.os_release.error;
  evidence["os_release_error"] = why;
  evidence["redhat_release_error"] = facts.redhat_error;
  Findings findings;
  findings.Add(Status::kFail,
               "The distribution could not be identified: " + why + "; " + kRedHatRelease +
                   " was no help either (" + facts.redhat_error + ").",
               "Restore /etc/os-release (os-release(5), with at least ID= and VERSION_ID=): "
               "mde_installer.sh and the MDE.Linux extension identify the distribution from it "
               "and exit 10 (unsupported distribution) without it.");
  return findings.Finish("", std::move(evidence));
}

void AddEvidence(const OsSupportFacts& facts, const OsSupportVerdict& verdict,
                 nlohmann::json& evidence) {
  const OsRelease& os = verdict.os;
  evidence.update({{"id", os.id},
                   {"id_like", os.id_like},
                   {"version_id", os.version_id},
                   {"pretty_name", os.pretty_name},
                   {"source", verdict.source},
                   {"machine", facts.machine},
                   {"arch_column", ArchColumnName(verdict.arch)},
                   {"arch_verified", !facts.machine.empty()},
                   {"machine_source", facts.machine_source}});
  if (!verdict.precise_version.empty()) {
    evidence["version_from"] = kRedHatRelease;
    evidence["precise_version"] = verdict.precise_version;
  }
  if (verdict.eval.entry != nullptr) {
    evidence["matched_row"] = verdict.eval.entry->name;
    evidence["listed_versions"] = verdict.eval.listed;
  }
}

// What the verdict words need, computed once.
struct Wording {
  const LinuxSupport& support;
  const OsSupportFacts& facts;
  const OsSupportVerdict& verdict;
  std::string what;    // "Ubuntu 22.04.4 LTS (ID=ubuntu, VERSION_ID=22.04)"
  std::string listed;  // "16.04, 18.04, ..."
  const char* column;  // "x64"
  std::string row;     // the matched row's name; empty when none
};

void AddUnsupportedVersion(const Wording& w, Findings& findings) {
  std::string remediation =
      "Move to a release Microsoft lists for " + w.row + " on " + w.column + " (" + w.listed + ").";
  if (w.verdict.os.id == "ubuntu") {
    remediation +=
        " Do not let the installer guess: mde_installer.sh maps every Ubuntu version other than "
        "16.04, 18.04, 20.04, 22.04 and 24.04 to the 18.04 (bionic) package repository and then "
        "fails (exit 24), and the MDE.Linux extension leaves that broken bionic source in "
        "/etc/apt/sources.list.d/microsoft-prod.list (mdatp-xplat #213, #227, #231, #232).";
  }
  findings.Add(Status::kFail,
               w.what + " is not a version Microsoft supports for MDE on " + w.column +
                   " (supported " + w.row + " versions: " + w.listed + ").",
               remediation);
}

void AddArchNotSupported(const Wording& w, Findings& findings) {
  if (w.verdict.arch == Arch::kOther) {
    findings.Add(
        Status::kFail,
        "MDE on Linux runs only on x64 and ARM64; this machine is " + w.facts.machine + ".",
        "Run MDE on an x64 or ARM64 machine.");
    return;
  }
  findings.Add(Status::kFail,
               w.row + " is not supported by MDE on " + w.column + " (this machine is " +
                   w.facts.machine + ").",
               std::string("Use an x64 machine, or a distribution Microsoft supports on ") +
                   w.column + ": " + SupportedList(w.support, w.verdict.arch) + ".");
}

void AddDerivative(const Wording& w, Findings& findings) {
  const std::string& id = w.verdict.os.id;
  const auto alias = w.support.installer_aliases.find(id);
  const std::string installer =
      alias != w.support.installer_aliases.end()
          ? "mde_installer.sh treats " + id + " as " + alias->second +
                "; check which package repository it configures "
                "(/etc/apt/sources.list.d/microsoft-prod.list) matches the base release."
          : "mde_installer.sh exits 10 (unsupported distribution) on ID=" + id +
                ", so install the mdatp package manually from the packages.microsoft.com "
                "repository of the matching " +
                w.row + " release.";
  findings.Add(Status::kWarn,
               w.what + " is an unlisted derivative of " + w.verdict.eval.like_id + " (" + w.row +
                   "); Microsoft supports only listed distributions. MDE may install and run on "
                   "it, but outside Microsoft's validated support baseline.",
               installer + " For a supported configuration run a listed distribution.");
}

void AddVerdict(const Wording& w, Findings& findings) {
  switch (w.verdict.eval.verdict) {
    case OsVerdict::kSupported:
      break;
    case OsVerdict::kUnsupportedVersion:
      AddUnsupportedVersion(w, findings);
      break;
    case OsVerdict::kImpreciseVersion:
      findings.Add(
          Status::kWarn,
          w.what + " does not say its minor release and " + kRedHatRelease +
              " did not either, so support could not be verified (Microsoft lists " + w.row + " " +
              w.listed + ").",
          "Confirm the minor release (cat /etc/redhat-release) is one of: " + w.listed + ".");
      break;
    case OsVerdict::kNoVersion:
      findings.Add(
          Status::kFail,
          w.what +
              " has no VERSION_ID (a testing or rolling release), which is not a version "
              "Microsoft supports (" +
              w.row + " " + w.listed + ").",
          "Run a numbered release of " + w.row + " that Microsoft lists: " + w.listed + ".");
      break;
    case OsVerdict::kArchNotSupported:
      AddArchNotSupported(w, findings);
      break;
    case OsVerdict::kDerivative:
      AddDerivative(w, findings);
      break;
    case OsVerdict::kUnknownDistro:
      findings.Add(Status::kFail,
                   w.what + " is not a distribution Microsoft supports for MDE, and its ID_LIKE (" +
                       (w.verdict.os.id_like.empty() ? std::string("none") : w.verdict.os.id_like) +
                       ") names none that is.",
                   "Run MDE on a supported distribution (" +
                       SupportedList(w.support, w.verdict.arch) +
                       "). mde_installer.sh exits 10 (unsupported distribution) here.");
      break;
  }
}

CheckResult WordOsSupport(const LinuxSupport& support, const OsSupportFacts& facts,
                          const OsSupportVerdict& verdict) {
  nlohmann::json evidence = {{"support_matrix", support.distros_source}};
  if (!verdict.identified) return WordUnidentified(facts, std::move(evidence));
  AddEvidence(facts, verdict, evidence);
  Findings findings;
  if (facts.machine.empty()) {
    findings.Note(std::string("The architecture could not be read (") +
                  (facts.live ? "uname failed"
                              : std::string("no ") + kProcArch +
                                    ", package database or ELF binary in the tree says it") +
                  "), so it was evaluated as x64 and not verified.");
  }
  OsRelease judged = verdict.os;
  if (!verdict.precise_version.empty()) judged.version_id = verdict.precise_version;
  const Wording wording{support,
                        facts,
                        verdict,
                        Describe(judged),
                        Join(verdict.eval.listed),
                        ArchColumnName(verdict.arch),
                        verdict.eval.entry != nullptr ? verdict.eval.entry->name : std::string()};
  AddVerdict(wording, findings);
  const std::string arch_text = facts.machine.empty() ? "x64 (assumed)" : facts.machine;
  CheckResult result =
      findings.Finish(wording.what + " on " + arch_text + " is supported by MDE (Microsoft lists " +
                          wording.row + " " + wording.listed + ").",
                      std::move(evidence));
  // The report keeps the os-release VERSION_ID as the host wrote it.
  result.report = {{"host",
                    {{"os",
                      {{"id", verdict.os.id},
                       {"version_id", verdict.os.version_id},
                       {"pretty_name", verdict.os.pretty_name}}}}}};
  return result;
}

}  // namespace

OsSupportVerdict EvaluateOsSupport(const LinuxSupport& support, const OsSupportFacts& facts) {
  OsSupportVerdict verdict;
  verdict.os = facts.os_release;
  verdict.source = facts.os_release_source;
  if (!verdict.os.found && facts.redhat_release.found) {
    verdict.os = facts.redhat_release;
    verdict.source = kRedHatRelease;
  }
  verdict.identified = verdict.os.found;
  if (!verdict.identified) return verdict;
  if (!facts.machine.empty()) verdict.arch = ArchFromMachine(facts.machine);
  verdict.eval = EvaluateOs(support, verdict.os, verdict.arch);
  const OsRelease& redhat = facts.redhat_release;
  if (verdict.eval.verdict == OsVerdict::kImpreciseVersion && redhat.found &&
      redhat.id == verdict.os.id &&
      VersionComponents(redhat.version_id).size() >
          VersionComponents(verdict.os.version_id).size()) {
    OsRelease precise = verdict.os;
    precise.version_id = redhat.version_id;
    verdict.eval = EvaluateOs(support, precise, verdict.arch);
    verdict.precise_version = redhat.version_id;
  }
  return verdict;
}

CheckResult OsSupportCheck::Run(const Context& ctx) const {
  const Result<LinuxSupport>& data = EmbeddedLinuxSupport();
  if (!data.Ok()) {
    CheckResult broken;
    broken.status = Status::kWarn;
    broken.summary = "The built-in support matrix could not be read (" + data.Err().message +
                     "), so the distribution was not evaluated.";
    broken.remediation = "Report this as a bug in mde-preflight.";
    return broken;
  }
  const OsSupportFacts facts = GatherOsSupport(ctx);
  return WordOsSupport(data.Value(), facts, EvaluateOsSupport(data.Value(), facts));
}

}  // namespace preflight
