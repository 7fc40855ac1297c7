#include <gtest/gtest.h>

#include <cctype>
#include <thread>

#include "platform/environment.h"
#include "platform/system_info.h"
#include "platform/terminal.h"
#include "tests/windows/windows_test_support.h"

namespace preflight::testing {
namespace {

bool IsVersion(const std::string& text) {
  int dots = 0;
  for (const char c : text) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 2 && text.front() != '.' && text.back() != '.';
}

TEST(WindowsSystemInfo, UnameDescribesThisWindows) {
  const auto info = MakeSystemInfo();
  const auto uname = info->Uname();
  ASSERT_TRUE(uname.Ok()) << uname.Err().message;
  EXPECT_EQ(uname.Value().sysname, "Windows");
  EXPECT_TRUE(IsVersion(uname.Value().release)) << uname.Value().release;
  // This test program is x86-64, and WOW64 would not hide the machine from GetNativeSystemInfo.
  EXPECT_EQ(uname.Value().machine, "x86_64");
  // The DNS host name is the NetBIOS name (COMPUTERNAME) before truncation to 15 characters.
  const auto computer = MakeEnvironment()->Get("COMPUTERNAME");
  ASSERT_TRUE(computer.has_value());
  std::string upper = uname.Value().nodename;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(upper.substr(0, 15), *computer);
  EXPECT_FALSE(info->LibcVersion().has_value());
  EXPECT_EQ(info->OnlineCpus(), std::thread::hardware_concurrency());
}

TEST(WindowsSystemInfo, PrivilegedMeansAnElevatedAdministrator) {
  // An elevated token holds the enabled Administrators group; a filtered one holds it deny-only.
  SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
  PSID admins = nullptr;
  ASSERT_TRUE(::AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID,
                                         DOMAIN_ALIAS_RID_ADMINS, 0, 0, 0, 0, 0, 0, &admins));
  BOOL member = FALSE;
  ASSERT_TRUE(::CheckTokenMembership(nullptr, admins, &member));
  ::FreeSid(admins);
  EXPECT_EQ(MakeSystemInfo()->IsPrivileged(), member != FALSE);
}

TEST(WindowsEnvironment, ReadsUtf8ValuesAndTellsEmptyFromUnset) {
  const auto env = MakeEnvironment();
  ASSERT_TRUE(
      ::SetEnvironmentVariableW(W("MDE_PREFLIGHT_T\xC3\x89ST").c_str(), W("v\xC3\xA4lue").c_str()));
  EXPECT_EQ(env->Get("MDE_PREFLIGHT_T\xC3\x89ST").value_or("unset"), "v\xC3\xA4lue");
  ASSERT_TRUE(::SetEnvironmentVariableW(L"MDE_PREFLIGHT_EMPTY", L""));
  EXPECT_EQ(env->Get("MDE_PREFLIGHT_EMPTY").value_or("unset"), "");
  EXPECT_FALSE(env->Get("MDE_PREFLIGHT_NEVER_SET").has_value());
  const std::string longer(5000, 'q');  // more than the first buffer holds
  ASSERT_TRUE(::SetEnvironmentVariableW(L"MDE_PREFLIGHT_LONG", W(longer).c_str()));
  EXPECT_EQ(env->Get("MDE_PREFLIGHT_LONG").value_or("unset"), longer);
  EXPECT_FALSE(env->Get("BAD\xFF").has_value());
}

TEST(WindowsTerminal, APipeIsNotATerminal) {
  HANDLE read = nullptr;
  HANDLE write = nullptr;
  ASSERT_TRUE(::CreatePipe(&read, &write, nullptr, 0));
  HANDLE saved = ::GetStdHandle(STD_OUTPUT_HANDLE);
  ASSERT_TRUE(::SetStdHandle(STD_OUTPUT_HANDLE, write));
  const bool terminal = StdoutIsTerminal();
  ::SetStdHandle(STD_OUTPUT_HANDLE, saved);
  ::CloseHandle(read);
  ::CloseHandle(write);
  EXPECT_FALSE(terminal);
}

}  // namespace
}  // namespace preflight::testing
