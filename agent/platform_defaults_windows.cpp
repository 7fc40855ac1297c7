#include <windows.h>

#include <shellapi.h>  // after windows.h, which it needs

#include "agent/platform_defaults.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

// %ProgramData% is set for every process, services included; C:\ProgramData is its default
// (https://learn.microsoft.com/windows/win32/shell/knownfolderid, FOLDERID_ProgramData).
std::string DataDirectory(const Environment& env) {
  auto program_data = env.Get("ProgramData");
  std::string directory =
      program_data && !program_data->empty() ? *program_data : "C:\\ProgramData";
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
