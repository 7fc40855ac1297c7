#include "probes/linux/os_support_check.h"

#include <string>

#include "platform/file_system.h"
#include "platform/system_info.h"
#include "platform/text.h"
#include "probes/common/facts.h"
#include "probes/common/findings.h"
#include "probes/common/version.h"
#include "probes/linux/os_support.h"

namespace preflight {
namespace {

// /etc/redhat-release is one line ("CentOS Linux release 7.9.2009 (Core)"); 4 KiB bounds a
// hostile file.
constexpr std::size_t kMaxRedHatReleaseBytes = 4096;
// /proc/sys/kernel/arch holds utsname.machine, at most 64 characters
// (include/uapi/linux/utsname.h).
constexpr std::size_t kMaxArchBytes = 256;
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

struct ArchFacts {
  Arch arch = Arch::kX64;
  std::string machine;  // empty when unknown
};

ArchFacts ReadArch(const Context& ctx) {
  ArchFacts facts;
  if (ctx.live) {
    auto uname = ctx.system.Uname();
    if (uname.Ok()) facts.machine = uname.Value().machine;
  } else {
    auto text = ctx.fs.ReadFile(kProcArch, kMaxArchBytes);
    if (text.Ok()) facts.machine = std::string(TrimRight(text.Value(), "\n \r"));
  }
  if (!facts.machine.empty()) facts.arch = ArchFromMachine(facts.machine);
  return facts;
}

}  // namespace

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
  const LinuxSupport& support = data.Value();

  OsRelease os = OsReleaseOf(ctx);
  std::string source = os.found ? os.fields["_source"] : std::string();
  const auto redhat = ctx.fs.ReadFile(kRedHatRelease, kMaxRedHatReleaseBytes);
  const OsRelease redhat_release = redhat.Ok() ? ParseRedHatRelease(redhat.Value()) : OsRelease{};
  if (!os.found && redhat_release.found) {
    os = redhat_release;
    source = kRedHatRelease;
  }

  nlohmann::json evidence = {{"support_matrix", support.distros_source}};
  Findings findings;
  if (!os.found) {
    std::string why = os.error.empty() ? "no os-release file" : os.error;
    const std::string redhat_why = redhat.Ok() ? redhat_release.error : redhat.Err().message;
    evidence["os_release_error"] = why;
    evidence["redhat_release_error"] = redhat_why;
    findings.Add(Status::kFail,
                 "The distribution could not be identified: " + why + "; " + kRedHatRelease +
                     " was no help either (" + redhat_why + ").",
                 "Restore /etc/os-release (os-release(5), with at least ID= and VERSION_ID=): "
                 "mde_installer.sh and the MDE.Linux extension identify the distribution from it "
                 "and exit 10 (unsupported distribution) without it.");
    return findings.Finish("", std::move(evidence));
  }

  const ArchFacts arch = ReadArch(ctx);
  const std::string arch_text = arch.machine.empty() ? "x64 (assumed)" : arch.machine;
  evidence.update({{"id", os.id},
                   {"id_like", os.id_like},
                   {"version_id", os.version_id},
                   {"pretty_name", os.pretty_name},
                   {"source", source},
                   {"machine", arch.machine},
                   {"arch_column", ArchColumnName(arch.arch)},
                   {"arch_verified", !arch.machine.empty()}});
  if (arch.machine.empty()) {
    findings.Note(std::string("The architecture could not be read (") +
                  (ctx.live ? "uname failed" : std::string("no ") + kProcArch + " in the tree") +
                  "), so it was evaluated as x64 and not verified.");
  }

  const std::string reported_version = os.version_id;
  OsEvaluation eval = EvaluateOs(support, os, arch.arch);
  if (eval.verdict == OsVerdict::kImpreciseVersion && redhat_release.found &&
      redhat_release.id == os.id &&
      VersionComponents(redhat_release.version_id).size() >
          VersionComponents(os.version_id).size()) {
    // CentOS 7 writes VERSION_ID="7"; the minor release is only in /etc/redhat-release.
    OsRelease precise = os;
    precise.version_id = redhat_release.version_id;
    eval = EvaluateOs(support, precise, arch.arch);
    evidence["version_from"] = kRedHatRelease;
    evidence["precise_version"] = precise.version_id;
    os.version_id = precise.version_id;
  }
  if (eval.entry != nullptr) {
    evidence["matched_row"] = eval.entry->name;
    evidence["listed_versions"] = eval.listed;
  }

  const std::string what = Describe(os);
  const std::string listed = Join(eval.listed);
  const char* column = ArchColumnName(arch.arch);
  switch (eval.verdict) {
    case OsVerdict::kSupported:
      break;
    case OsVerdict::kUnsupportedVersion: {
      std::string remediation = "Move to a release Microsoft lists for " + eval.entry->name +
                                " on " + column + " (" + listed + ").";
      if (os.id == "ubuntu") {
        remediation +=
            " Do not let the installer guess: mde_installer.sh maps every Ubuntu version other "
            "than "
            "16.04, 18.04, 20.04, 22.04 and 24.04 to the 18.04 (bionic) package repository and "
            "then "
            "fails (exit 24), and the MDE.Linux extension leaves that broken bionic source in "
            "/etc/apt/sources.list.d/microsoft-prod.list (mdatp-xplat #213, #227, #231, #232).";
      }
      findings.Add(Status::kFail,
                   what + " is not a version Microsoft supports for MDE on " + column +
                       " (supported " + eval.entry->name + " versions: " + listed + ").",
                   remediation);
      break;
    }
    case OsVerdict::kImpreciseVersion:
      findings.Add(
          Status::kWarn,
          what + " does not say its minor release and " + kRedHatRelease +
              " did not either, so support could not be verified (Microsoft lists " +
              eval.entry->name + " " + listed + ").",
          "Confirm the minor release (cat /etc/redhat-release) is one of: " + listed + ".");
      break;
    case OsVerdict::kNoVersion:
      findings.Add(Status::kFail,
                   what +
                       " has no VERSION_ID (a testing or rolling release), which is not a "
                       "version Microsoft supports (" +
                       eval.entry->name + " " + listed + ").",
                   "Run a numbered release of " + eval.entry->name +
                       " that Microsoft lists: " + listed + ".");
      break;
    case OsVerdict::kArchNotSupported:
      if (arch.arch == Arch::kOther) {
        findings.Add(
            Status::kFail,
            "MDE on Linux runs only on x64 and ARM64; this machine is " + arch.machine + ".",
            "Run MDE on an x64 or ARM64 machine.");
      } else {
        findings.Add(Status::kFail,
                     eval.entry->name + " is not supported by MDE on " + column +
                         " (this machine is " + arch.machine + ").",
                     std::string("Use an x64 machine, or a distribution Microsoft supports on ") +
                         column + ": " + SupportedList(support, arch.arch) + ".");
      }
      break;
    case OsVerdict::kDerivative: {
      const auto alias = support.installer_aliases.find(os.id);
      const std::string installer =
          alias != support.installer_aliases.end()
              ? "mde_installer.sh treats " + os.id + " as " + alias->second +
                    "; check which package repository it configures "
                    "(/etc/apt/sources.list.d/microsoft-prod.list) matches the base release."
              : "mde_installer.sh exits 10 (unsupported distribution) on ID=" + os.id +
                    ", so install the mdatp package manually from the packages.microsoft.com "
                    "repository of the matching " +
                    eval.entry->name + " release.";
      findings.Add(Status::kWarn,
                   what + " is an unlisted derivative of " + eval.like_id + " (" +
                       eval.entry->name +
                       "); Microsoft supports only listed distributions. MDE "
                       "may install and run on it, but outside Microsoft's validated support "
                       "baseline.",
                   installer + " For a supported configuration run a listed distribution.");
      break;
    }
    case OsVerdict::kUnknownDistro:
      findings.Add(Status::kFail,
                   what + " is not a distribution Microsoft supports for MDE, and its ID_LIKE (" +
                       (os.id_like.empty() ? std::string("none") : os.id_like) +
                       ") names none that is.",
                   "Run MDE on a supported distribution (" + SupportedList(support, arch.arch) +
                       "). mde_installer.sh exits 10 (unsupported distribution) here.");
      break;
  }

  CheckResult result =
      findings.Finish(what + " on " + arch_text + " is supported by MDE (Microsoft lists " +
                          (eval.entry ? eval.entry->name : std::string()) + " " + listed + ").",
                      std::move(evidence));
  result.report = {
      {"host",
       {{"os",
         {{"id", os.id}, {"version_id", reported_version}, {"pretty_name", os.pretty_name}}}}}};
  return result;
}

}  // namespace preflight
