#include "probes/common/dpkg_status.h"

#include <gtest/gtest.h>

namespace preflight {
namespace {

constexpr std::string_view kStatus =
    "Package: adduser\n"
    "Status: install ok installed\n"
    "Priority: important\n"
    "Version: 3.134\n"
    "Description: add and remove users and groups\n"
    " This package includes the 'adduser' and 'deluser' commands.\n"
    " Package: mdatp\n"
    "\n"
    "Package: mdatp\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 101.23062.0010\n"
    "Depends: libc6 (>= 2.17)\n"
    "\n"
    "Package: mdatp-old\n"
    "Status: deinstall ok config-files\n"
    "Version: 100.1\n";

struct Case {
  const char* name;
  std::string text;
  bool found;
  bool installed;
  const char* state;
  const char* version;
};

TEST(ParseDpkgStatus, Table) {
  const Case cases[] = {
      {"installed among others", std::string(kStatus), true, true, "installed", "101.23062.0010"},
      {"removed, config files kept",
       "Package: mdatp\nStatus: deinstall ok config-files\nVersion: 101.1\n\n", true, false,
       "config-files", "101.1"},
      {"half-configured is not installed",
       "Package: mdatp\nStatus: install reinstreq half-configured\nVersion: 101.2\n", true, false,
       "half-configured", "101.2"},
      {"absent", "Package: bash\nStatus: install ok installed\nVersion: 5.2\n", false, false, "",
       ""},
      {"prefix of another name does not match",
       "Package: mdatp-netfilter\nStatus: install ok installed\n", false, false, "", ""},
      {"name only in a description continuation",
       "Package: x\nDescription: y\n Package: mdatp\n Status: install ok installed\n", false, false,
       "", ""},
      {"CRLF line ends and lower-case field names",
       "package: mdatp\r\nstatus: install ok installed\r\nversion: 101.3\r\n\r\n", true, true,
       "installed", "101.3"},
      {"multi-arch: the installed copy wins",
       "Package: mdatp\nStatus: deinstall ok config-files\nVersion: 1\n\n"
       "Package: mdatp\nStatus: install ok installed\nVersion: 2\n",
       true, true, "installed", "2"},
      {"truncated mid-paragraph", "Package: mdatp\nStatus: install ok inst", true, false, "inst",
       ""},
      {"empty", "", false, false, "", ""},
      {"binary garbage", std::string("\0\xff\n:\n\n\x01Package:\n", 14), false, false, "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const DpkgPackage p = ParseDpkgStatus(c.text, "mdatp");
    EXPECT_EQ(p.found, c.found);
    EXPECT_EQ(p.Installed(), c.installed);
    EXPECT_EQ(p.state, c.state);
    EXPECT_EQ(p.version, c.version);
  }
}

TEST(ParseDpkgStatus, ReportsWantOfARemovedPackage) {
  const DpkgPackage p =
      ParseDpkgStatus("Package: mdatp\nStatus: purge ok not-installed\n", "mdatp");
  EXPECT_TRUE(p.found);
  EXPECT_EQ(p.want, "purge");
  EXPECT_FALSE(p.Installed());
}

}  // namespace
}  // namespace preflight
