// The Windows platform tests' main. With a --child-* first argument the program is instead the
// child process of the runner tests, so they need no program beyond what Windows (or Wine) ships:
// it prints its arguments exactly as it received them, exits with a code, floods its output,
// sleeps, or leaves a grandchild holding its output.

#include <windows.h>

#include <shellapi.h>  // after windows.h, which it needs

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/windows/windows_test_support.h"

namespace {

void Write(DWORD which, const std::string& text) {
  DWORD written = 0;
  ::WriteFile(::GetStdHandle(which), text.data(), static_cast<DWORD>(text.size()), &written,
              nullptr);
}

int Child(const std::vector<std::wstring>& args, int argc, char** argv) {
  const std::wstring& mode = args[1];
  // The C runtime's own split (what most programs see), for ASCII arguments.
  if (mode == L"--child-args") {
    for (int i = 2; i < argc; ++i) Write(STD_OUTPUT_HANDLE, std::string("[") + argv[i] + "]\n");
    return 0;
  }
  // CommandLineToArgvW's split, which keeps every character.
  if (mode == L"--child-args-wide") {
    for (std::size_t i = 2; i < args.size(); ++i) {
      // Built piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on "[" + std::string.
      std::string line = "[";
      line += preflight::testing::U(args[i]);
      line += "]\n";
      Write(STD_OUTPUT_HANDLE, line);
    }
    return 0;
  }
  const long number = args.size() > 2 ? std::wcstol(args[2].c_str(), nullptr, 10) : 0;
  if (mode == L"--child-exit") {
    Write(STD_ERROR_HANDLE, "exiting\n");
    return static_cast<int>(number);
  }
  if (mode == L"--child-flood") {
    Write(STD_OUTPUT_HANDLE, std::string(static_cast<std::size_t>(number), 'x'));
    Write(STD_ERROR_HANDLE, std::string(static_cast<std::size_t>(number), 'y'));
    return 0;
  }
  if (mode == L"--child-sleep") {
    ::Sleep(static_cast<DWORD>(number));
    return 0;
  }
  if (mode == L"--child-orphan") {
    // A grandchild that inherits our output and outlives us.
    std::wstring line = L"\"" + args[0] + L"\" --child-sleep " + args[2];
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = ::GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = ::GetStdHandle(STD_OUTPUT_HANDLE);
    startup.hStdError = ::GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION info{};
    if (!::CreateProcessW(args[0].c_str(), line.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr,
                          &startup, &info)) {
      return 99;
    }
    Write(STD_OUTPUT_HANDLE, std::to_string(info.dwProcessId) + "\n");
    ::CloseHandle(info.hThread);
    ::CloseHandle(info.hProcess);
    return 0;
  }
  return 98;
}

}  // namespace

int main(int argc, char** argv) {
  int count = 0;
  wchar_t** wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
  if (wide != nullptr && count >= 2 && std::wstring(wide[1]).rfind(L"--child-", 0) == 0) {
    const std::vector<std::wstring> args(wide, wide + count);
    ::LocalFree(wide);
    return Child(args, argc, argv);
  }
  if (wide != nullptr) ::LocalFree(wide);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
