#pragma once

// Helpers for the Windows platform tests, which run against the real Win32 APIs (under Wine in CI).

#include <windows.h>

#include <string>

namespace preflight::testing {

// UTF-8 <-> UTF-16 for test code, which only ever holds valid text.
std::wstring W(const std::string& text);
std::string U(const std::wstring& text);

// A fresh directory under %TEMP%, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }  // "C:\\users\\...\\Temp\\mdp-test-..."
  // Creates a file below the directory with `content`; `relative` is '\\'-separated.
  void WriteFile(const std::string& relative, const std::string& content) const;
  void MakeDir(const std::string& relative) const;

 private:
  std::string path_;
};

// This test program, which doubles as the child process of the runner tests
// (windows_test_main.cpp).
std::string SelfPath();
// "C:\\windows\\system32"
std::string SystemDirectory();

}  // namespace preflight::testing
