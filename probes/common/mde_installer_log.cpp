#include "probes/common/mde_installer_log.h"

#include "platform/text.h"

namespace preflight {
namespace {

// An installer error line is one sentence; longer is garbage and is cut.
constexpr std::size_t kMaxErrorChars = 1024;

constexpr ExitCodeInfo kInstallerCodes[] = {
    {0, "SUCCESS", "the installer finished successfully", ""},
    {1, "INTERNAL", "the installer hit an internal error",
     "Read the installer log for the failing step."},
    {2, "INVALID_ARGUMENTS", "the installer was started with invalid arguments", ""},
    {3, "INSUFFICIENT_PRIVILAGES", "the installer was not run as root",
     "Run the installer as root."},
    {5, "CONFLICTING_APPS",
     "another fanotify security product or a conflicting service (ds_agent, cbsensor, MFEcma) was "
     "found",
     "Remove or stop the conflicting product, or install MDE manually and run it in passive mode."},
    {10, "UNSUPPORTED_DISTRO", "the Linux distribution is not supported or could not be detected",
     "Use a distribution listed in the MDE for Linux prerequisites."},
    {11, "UNSUPPORTED_VERSION",
     "this version of the distribution is not supported by the installer",
     "Use a supported distribution version, or install MDE manually from packages.microsoft.com."},
    {12, "INSUFFICIENT_REQUIREMENTS",
     "the machine does not meet the minimum requirements (2 GB free disk at /opt, 1 GB RAM, "
     "glibc 2.17)",
     "Free disk space under /opt or add memory, then let the extension retry."},
    {15, "CORRUPT_MDE_INSTALLED",
     "a previous MDE installation is corrupted (the mdatp package is present but the mdatp command "
     "is missing)",
     "Remove the broken mdatp package (apt/yum/zypper remove mdatp), then let Defender for Cloud "
     "reinstall it."},
    {20, "MDE_NOT_INSTALLED", "MDE is not installed, so the requested operation could not run",
     "Install MDE first."},
    {21, "INSTALLATION_FAILED",
     "the package manager failed to install the mdatp package, or the requested version was not "
     "found",
     "Read the package manager output in the installer log and fix the package manager, then "
     "retry."},
    {22, "UNINSTALLATION_FAILED", "the package manager failed to remove mdatp", ""},
    {23, "FAILED_DEPENDENCY", "a required package (curl, gnupg, python) could not be installed",
     "Install the missing dependency with the package manager."},
    {24, "FAILED_REPO_SETUP",
     "the packages.microsoft.com repository or its signing key could not be set up",
     "Make sure packages.microsoft.com is reachable (proxy, firewall) and the distribution is one "
     "the installer knows; otherwise install MDE manually."},
    {25, "INVALID_CHANNEL", "an invalid release channel was requested", ""},
    {26, "FAILED_REPO_CLEANUP", "the installer could not remove the repository it had added", ""},
    {30, "ONBOARDING_NOT_FOUND", "the onboarding package was not found",
     "Provide the onboarding package from the Microsoft Defender portal."},
    {31, "ONBOARDING_FAILED",
     "onboarding failed: the onboarding script failed or the device did not report licensed in "
     "time",
     "Check connectivity to the MDE endpoints and run `mdatp health` for the reason."},
    {32, "OFFBOARDING_NOT_FOUND", "the offboarding package was not found", ""},
    {33, "OFFBOARDING_FAILED", "offboarding failed", ""},
    {40, "TAG_NOT_SUPPORTED", "an unsupported device tag was requested", ""},
    {41, "PARAMETER_SET_FAILED", "a product setting (passive mode, tag) could not be applied", ""},
    {51, "INSTALL_PATH_SETUP", "the custom installation path could not be set up", ""},
    {52, "INSTALL_PATH_PERMISSIONS", "permissions on the custom installation path could not be set",
     ""},
    {53, "MDE_VERSION_NOT_FOUND", "the requested MDE version was not found in the channel", ""},
};

// Azure extension handler convention (LinuxPatchExtension PR #124; azure-docs issue #102162;
// WALinuxAgent #1388 for 126).
constexpr ExitCodeInfo kExtensionCodes[] = {
    {51, "UNSUPPORTED_OS", "the extension does not support this operating system",
     "Use a distribution listed in the MDE for Linux prerequisites."},
    {52, "MISSING_DEPENDENCY",
     "the extension found no Python interpreter (it needs Python 3, or Python 2)",
     "Install python3 with the package manager, then let the extension retry."},
    {126, "NOT_EXECUTABLE",
     "the extension's scripts could not be executed, usually because /var is mounted noexec",
     "Remount /var (or /var/lib/waagent) without noexec, then let the extension retry."},
};

// "2025-04-16T13:56:41 " as `date -u +"%Y-%m-%dT%H:%M:%S"` writes it.
std::string_view DropTimestamp(std::string_view line) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";
  if (line.size() <= kShape.size()) return line;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    if (kShape[i] == 'd' ? !IsDigit(line[i]) : line[i] != kShape[i]) return line;
  }
  return Trim(line.substr(kShape.size()));
}

std::string_view DropLevel(std::string_view line) {
  for (const std::string_view level : {"DEBUG", "INFO", "WARN", "ERROR"}) {
    if (line.size() > level.size() && line.substr(0, level.size()) == level &&
        (line[level.size()] == ' ' || line[level.size()] == '\t')) {
      return Trim(line.substr(level.size()));
    }
  }
  return line;
}

// Digits at the start of s, as an int; nullopt when none or absurdly many.
std::optional<int> LeadingNumber(std::string_view s) {
  int value = 0;
  std::size_t digits = 0;
  while (digits < s.size() && IsDigit(s[digits])) {
    if (digits == 9) return std::nullopt;
    value = value * 10 + (s[digits] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return value;
}

}  // namespace

InstallerLogSummary ParseInstallerLog(std::string_view text) {
  InstallerLogSummary summary;
  constexpr std::string_view kRunStart = "--- mde_installer.sh v";
  constexpr std::string_view kError = "[x]";
  constexpr std::string_view kExiting = "[*] exiting (";
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    line = DropLevel(DropTimestamp(line));
    if (line.substr(0, kRunStart.size()) == kRunStart) {
      summary = InstallerLogSummary{};
      summary.found_run = true;
      std::string_view version = line.substr(kRunStart.size());
      version = Trim(version.substr(0, version.find(' ')));
      summary.script_version = std::string(version.substr(0, 32));
    } else if (line.substr(0, kError.size()) == kError) {
      summary.found_run = true;
      summary.last_error = std::string(Trim(line.substr(kError.size())).substr(0, kMaxErrorChars));
    } else if (line.substr(0, kExiting.size()) == kExiting) {
      const std::optional<int> code = LeadingNumber(line.substr(kExiting.size()));
      if (code) {
        summary.found_run = true;
        summary.exit_code = code;
      }
    } else if (line.size() > 4 && line[0] == '[' && line[2] == ']' && line[3] == ' ' &&
               (line[1] == 'v' || line[1] == '!' || line[1] == 'i' || line[1] == '>')) {
      summary.found_run = true;
    }
  }
  return summary;
}

const ExitCodeInfo* InstallerExitCode(int code) {
  for (const ExitCodeInfo& info : kInstallerCodes) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

const ExitCodeInfo* ExtensionExitCode(int code) {
  for (const ExitCodeInfo& info : kExtensionCodes) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

std::optional<int> ExtensionExitCodeFromMessage(std::string_view message) {
  constexpr std::string_view kAgent = "Non-zero exit code: ";
  if (const std::size_t at = message.find(kAgent); at != std::string_view::npos) {
    if (std::optional<int> code = LeadingNumber(message.substr(at + kAgent.size()))) return code;
  }
  // "non-zero exit code for Install: 52": skip the operation name.
  constexpr std::string_view kPortal = "non-zero exit code for ";
  if (const std::size_t at = message.find(kPortal); at != std::string_view::npos) {
    const std::string_view rest = message.substr(at + kPortal.size());
    const std::size_t colon = rest.find(':');
    if (colon != std::string_view::npos && colon <= 32) {
      return LeadingNumber(Trim(rest.substr(colon + 1)));
    }
  }
  return std::nullopt;
}

}  // namespace preflight
