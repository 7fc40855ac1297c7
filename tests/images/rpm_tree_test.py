"""A RHEL-family image whose rpm database holds mdatp, read under --root with the rpm program of
the machine running the agent (Debian's rpm package on the build host).

The tree's database is made with the real `rpm --root TREE --dbpath /var/lib/rpm --initdb`; an
`mdatp` package (version 101.24082.0004, the shape of MDE's versions, with stand-ins for
wdavdaemon, wdavdaemonclient and the /usr/bin/mdatp link) is built with `rpmbuild` from a minimal
spec and installed into the tree with `rpm --root TREE -i --nodeps --noscripts`.
Debian's rpm keeps its own database under ~/.rpmdb (%_dbpath), hence the explicit --dbpath, the
path RHEL 7-9 use.

Environment: MDE_PREFLIGHT_BIN (the built agent).
  python3 -m unittest -v tests/images/rpm_tree_test.py
"""

import os
import shutil
import subprocess
import tempfile
import unittest

from tests.images.agent_run import by_id, check_root

SPEC = """Name: mdatp
Version: 101.24082.0004
Release: 1
Summary: A package named and versioned like Microsoft Defender for Endpoint's, for a test
License: Proprietary
BuildArch: noarch

%description
Built by tests/images/rpm_tree_test.py.

%install
mkdir -p %{buildroot}/opt/microsoft/mdatp/sbin %{buildroot}/usr/bin
printf '#!/bin/sh\\n' > %{buildroot}/opt/microsoft/mdatp/sbin/wdavdaemon
printf '#!/bin/sh\\n' > %{buildroot}/opt/microsoft/mdatp/sbin/wdavdaemonclient
chmod 755 %{buildroot}/opt/microsoft/mdatp/sbin/*
ln -s /opt/microsoft/mdatp/sbin/wdavdaemonclient %{buildroot}/usr/bin/mdatp

%files
/opt/microsoft/mdatp/sbin/wdavdaemon
/opt/microsoft/mdatp/sbin/wdavdaemonclient
/usr/bin/mdatp
"""

# EPEL's ClamAV server package (clamd) with the clamonacc unit; only what the agent reads.
CLAMD_SPEC = """Name: clamd
Version: 1.0.9
Release: 1.el9
Summary: A package named like EPEL's ClamAV server, for a test
License: GPLv2
BuildArch: noarch

%description
Built by tests/images/rpm_tree_test.py.

%install
mkdir -p %{buildroot}/usr/lib/systemd/system
printf '[Install]\\nWantedBy=multi-user.target\\n' > %{buildroot}/usr/lib/systemd/system/clamav-clamonacc.service

%files
/usr/lib/systemd/system/clamav-clamonacc.service
"""

RHEL9 = ('NAME="Red Hat Enterprise Linux"\nVERSION="9.4 (Plow)"\nID="rhel"\n'
         'ID_LIKE="fedora"\nVERSION_ID="9.4"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n')


def run(*argv):
    subprocess.run(argv, check=True, capture_output=True, text=True, timeout=120)


@unittest.skipUnless(shutil.which("rpm") and shutil.which("rpmbuild"),
                     "needs rpm and rpmbuild (Debian package rpm)")
class RpmTree(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="preflight-rpm-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.tree = os.path.join(self.work, "tree")
        os.makedirs(os.path.join(self.tree, "etc"))
        with open(os.path.join(self.tree, "etc", "os-release"), "w", encoding="utf-8") as f:
            f.write(RHEL9)
        run("rpm", "--root", self.tree, "--dbpath", "/var/lib/rpm", "--initdb")

    def build(self, text, file_name):
        spec = os.path.join(self.work, file_name.split("-")[0] + ".spec")
        with open(spec, "w", encoding="utf-8") as f:
            f.write(text)
        top = os.path.join(self.work, "rpmbuild")
        run("rpmbuild", "--quiet", "-bb", "--define", f"_topdir {top}", spec)
        return os.path.join(top, "RPMS", "noarch", file_name)

    def install(self, package):
        run("rpm", "--root", self.tree, "--dbpath", "/var/lib/rpm", "-i", "--nodeps",
            "--noscripts", package)

    def build_mdatp(self):
        return self.build(SPEC, "mdatp-101.24082.0004-1.noarch.rpm")

    def test_mdatp_in_the_rpm_database_is_mde_installed_with_its_version(self):
        self.install(self.build_mdatp())
        _, report = check_root(self.tree, "--only", "mde.install,linux.os")
        self.assertIs(report["mde"]["installed"], True, report["mde"])
        self.assertEqual(report["mde"]["version"], "101.24082.0004-1")
        check = by_id(report)["mde.install"]
        self.assertIn("MDE 101.24082.0004-1 is installed but not onboarded", check["summary"])
        self.assertEqual(check["evidence"]["package"]["manager"], "rpm")
        self.assertEqual(check["evidence"]["package"]["database"], "/var/lib/rpm")
        self.assertEqual(report["host"]["os"]["id"], "rhel")

    def test_enabled_blocking_clamonacc_from_the_rpm_database_blocks_the_image(self):
        self.install(self.build(CLAMD_SPEC, "clamd-1.0.9-1.el9.noarch.rpm"))
        wants = os.path.join(self.tree, "etc/systemd/system/multi-user.target.wants")
        os.makedirs(wants)
        os.symlink("/usr/lib/systemd/system/clamav-clamonacc.service",
                   os.path.join(wants, "clamav-clamonacc.service"))
        os.makedirs(os.path.join(self.tree, "etc/clamd.d"))
        with open(os.path.join(self.tree, "etc/clamd.d/scan.conf"), "w", encoding="utf-8") as f:
            f.write("LocalSocket /run/clamd.scan/clamd.sock\nOnAccessPrevention yes\n")
        code, report = check_root(self.tree, "--only", "linux.fanotify")
        self.assertEqual(code, 1)
        check = by_id(report)["linux.fanotify"]
        self.assertEqual(check["status"], "fail", check["summary"])
        self.assertIn("package clamd 1.0.9-1.el9", check["summary"])
        self.assertIn("/etc/clamd.d/scan.conf:2: OnAccessPrevention yes", check["summary"])
        self.assertEqual(check["evidence"]["installed_products"]["package_manager"], "rpm")

    def test_an_empty_rpm_database_is_mde_not_installed(self):
        _, report = check_root(self.tree, "--only", "mde.install")
        self.assertIs(report["mde"]["installed"], False, report["mde"])
        self.assertEqual(by_id(report)["mde.install"]["status"], "pass")


if __name__ == "__main__":
    unittest.main()
