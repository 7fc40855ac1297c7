"""The agent under --root on real Debian trees made by debootstrap during the test run and cached
between runs (tests/images/debootstrap_trees.py says where and how): Debian 11, 12 and 13 minbase,
and a server-like Debian 12 (systemd, python3, clamav-daemon, a kernel config in /boot, an fstab)
with ClamAV's on-access scanner enabled and blocking, and as Debian ships it (disabled).

Environment: MDE_PREFLIGHT_BIN (the built agent). Root (debootstrap chroots).
  python3 -m unittest -v tests/images/debootstrap_trees_test.py
"""

import os
import shutil
import tempfile
import unittest

from tests.images import debootstrap_trees as trees
from tests.images.agent_run import by_id, check_root

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# A kernel config as Debian 12's linux-image-6.1.0-28-amd64 ships it, cut to what the agent reads.
KERNEL_CONFIG = os.path.join(ROOT, "tests", "data", "hostchecks", "good_ubuntu2204", "boot",
                             "config-5.15.0-1057-azure")
SERVER_PACKAGES = ("systemd", "systemd-sysv", "python3", "clamav-daemon")
CLAMONACC_UNIT = "/lib/systemd/system/clamav-clamonacc.service"
CLAMONACC_LINK = "/etc/systemd/system/multi-user.target.wants/clamav-clamonacc.service"


def usable():
    return (os.geteuid() == 0 and shutil.which("debootstrap")
            and os.environ.get("MDE_PREFLIGHT_BIN"))


def statuses(report):
    """The image checks' statuses. The cloud checks do not run under --root, and network.mde
    skips there (an image's network is not the booted machine's): asserted, then left out."""
    checks = by_id(report)
    network = checks.get("network.mde")
    if network is not None and network["status"] != "skip":
        raise AssertionError(f"network.mde under --root: {network['status']}, not skip")
    return {check_id: check["status"] for check_id, check in checks.items()
            if not check_id.startswith(("azure.", "network."))}


@unittest.skipUnless(usable(), "needs root, debootstrap and MDE_PREFLIGHT_BIN")
class MinimalTrees(unittest.TestCase):
    """minbase: no systemd, no Python, no kernel; what the image states is judged, the rest
    skipped, never passed."""

    EXPECTED = {
        "linux.fanotify": "skip",   # no process, no catalogued product installed
        "linux.os": "pass",
        "linux.kernel": "warn",     # no kernel in the tree
        "linux.resources": "pass",  # glibc and /opt space; memory and CPUs not judged
        "linux.mounts": "skip",     # debootstrap's fstab names no file system
        "linux.services": "fail",   # no systemd, no Python
        "mde.install": "pass",      # dpkg's database has no mdatp
    }

    def judge(self, suite, version_id):
        tree = trees.tree(suite)
        code, report = check_root(tree)
        self.assertEqual(code, 1)
        self.assertEqual(report["verdict"], "blocked")
        self.assertEqual(statuses(report), self.EXPECTED)
        self.assertEqual(report["host"]["os"]["id"], "debian")
        self.assertEqual(report["host"]["os"]["version_id"], version_id)
        self.assertEqual(report["host"]["arch"], "x86_64")
        with open(os.path.join(tree, "etc", "hostname"), encoding="utf-8") as f:
            self.assertEqual(report["host"]["hostname"], f.read().strip())
        self.assertIs(report["mde"]["installed"], False)
        checks = by_id(report)
        self.assertEqual(checks["linux.os"]["evidence"]["machine_source"],
                         "/var/lib/dpkg/status (dpkg amd64)")
        self.assertIn("not a property of an image", checks["linux.fanotify"]["summary"])
        self.assertIn("not a property of an image", checks["linux.mounts"]["summary"])
        self.assertIn("memory size is not a property of an image",
                      checks["linux.resources"]["summary"])

    def test_debian_11_bullseye(self):
        self.judge("bullseye", "11")

    def test_debian_12_bookworm(self):
        self.judge("bookworm", "12")

    def test_debian_13_trixie(self):
        self.judge("trixie", "13")


@unittest.skipUnless(usable(), "needs root, debootstrap and MDE_PREFLIGHT_BIN")
class ServerTree(unittest.TestCase):
    """Debian 12 with systemd, python3 and clamav-daemon (which ships clamonacc and its unit,
    not enabled), a kernel config and a real fstab, as a golden image would have them."""

    def setUp(self):
        cached = trees.tree("bookworm", SERVER_PACKAGES)
        work = tempfile.mkdtemp(prefix="preflight-image-")
        self.addCleanup(shutil.rmtree, work, True)
        self.tree = os.path.join(work, "tree")
        trees.linked_copy(cached, self.tree)
        with open(KERNEL_CONFIG, encoding="utf-8") as f:
            trees.replace_file(self.path("/boot/config-6.1.0-28-amd64"), f.read())
        trees.replace_file(self.path("/etc/fstab"),
                           "UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 "
                           "errors=remount-ro 0 1\n")

    def path(self, absolute):
        return os.path.join(self.tree, absolute.lstrip("/"))

    def enable_blocking_clamonacc(self):
        os.symlink(CLAMONACC_UNIT, self.path(CLAMONACC_LINK))
        with open(self.path("/etc/clamav/clamd.conf"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        lines.append("OnAccessPrevention yes")
        trees.replace_file(self.path("/etc/clamav/clamd.conf"), "\n".join(lines) + "\n")
        return len(lines)

    def test_enabled_blocking_clamonacc_blocks_the_image_naming_unit_and_config_line(self):
        line = self.enable_blocking_clamonacc()
        code, report = check_root(self.tree)
        self.assertEqual(code, 1)
        self.assertEqual(report["verdict"], "blocked")
        self.assertEqual(statuses(report), {
            "linux.fanotify": "fail", "linux.os": "pass", "linux.kernel": "pass",
            "linux.resources": "pass", "linux.mounts": "pass", "linux.services": "pass",
            "mde.install": "pass"})
        fanotify = by_id(report)["linux.fanotify"]
        self.assertIn("ClamAV on-access scanner (clamonacc) is installed and enabled to start at "
                      "boot", fanotify["summary"])
        self.assertIn("enabled by " + CLAMONACC_LINK, fanotify["summary"])
        self.assertIn(f"/etc/clamav/clamd.conf:{line}: OnAccessPrevention yes",
                      fanotify["summary"])
        self.assertIn("systemctl disable clamav-clamonacc.service", fanotify["remediation"])
        product = fanotify["evidence"]["installed_products"]["products"][0]
        self.assertTrue(product["unit_file"].endswith("/systemd/system/clamav-clamonacc.service"))
        self.assertTrue(product["package"].startswith("clamav-daemon 1."))
        self.assertEqual(report["host"]["kernel"], "6.1.0-28-amd64")

    def test_clamonacc_as_debian_ships_it_is_a_warning(self):
        code, report = check_root(self.tree)
        self.assertEqual(code, 0)
        self.assertEqual(report["verdict"], "ready")
        self.assertEqual(statuses(report)["linux.fanotify"], "warn")
        fanotify = by_id(report)["linux.fanotify"]
        self.assertIn("is installed but not enabled", fanotify["summary"])
        self.assertIn("/etc/clamav/clamd.conf does not set OnAccessPrevention",
                      fanotify["summary"])
        self.assertEqual(statuses(report)["linux.services"], "pass")
        self.assertEqual(statuses(report)["linux.mounts"], "pass")


if __name__ == "__main__":
    unittest.main()
