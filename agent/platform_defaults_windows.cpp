#include <windows.h>

#include <shellapi.h>  // after windows.h, which it needs
#include <shlobj.h>

#include "agent/platform_defaults.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

// The ProgramData known folder (FOLDERID_ProgramData, CSIDL_COMMON_APPDATA), the folder the MSI
// puts %ProgramData%\mde-preflight in (its CommonAppDataFolder), so the two cannot disagree. The
// environment variable is only the fallback: a process can be started with another one (Wine's
// service control manager gives its services ProgramData=C:\users\Public, while the folder is
// C:\ProgramData). SHGetFolderPathW wraps SHGetKnownFolderPath since Vista
// (https://learn.microsoft.com/windows/win32/api/shlobj_core/nf-shlobj_core-shgetfolderpathw).
std::string DataDirectory(const Environment& env) {
  std::string directory;
  wchar_t known[MAX_PATH] = {};
  if (SUCCEEDED(
          ::SHGetFolderPathW(nullptr, CSIDL_COMMON_APPDATA, nullptr, SHGFP_TYPE_CURRENT, known))) {
    directory = win32::Narrow(known);
  }
  if (directory.empty()) {
    auto program_data = env.Get("ProgramData");
    directory = program_data && !program_data->empty() ? *program_data : "C:\\ProgramData";
  }
  while (!directory.empty() && (directory.back() == '\\' || directory.back() == '/')) {
    directory.pop_back();
  }
  return directory + "\\mde-preflight";
}

}  // namespace

const char* OsFamily() { return "windows"; }

std::string DefaultConfigPath(const Environment& env) {
  return DataDirectory(env) + "\\config.json";
}

std::string DefaultReportPath(const Environment& env) {
  return DataDirectory(env) + "\\report.json";
}

// main's argv is in the ANSI code page, which cannot hold every path; the wide command line can.
std::vector<std::string> ProgramArguments(int argc, char** argv) {
  int count = 0;
  wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
  if (wide == nullptr) return std::vector<std::string>(argv + 1, argv + argc);
  std::vector<std::string> args;
  for (int i = 1; i < count; ++i) args.push_back(win32::Narrow(wide[i]));
  ::LocalFree(wide);
  return args;
}

}  // namespace preflight
