"""The package maintainer scripts (installers/linux/postinst, prerm, postrm and the RPM scriptlets
in installers/linux/rpm/) with systemd as init and without: which commands each runs for install,
upgrade, removal and purge, and that a failing command fails the script.

systemctl, deb-systemd-helper and deb-systemd-invoke are replaced by stubs on PATH that log their
arguments. Each script runs in a private mount namespace (unshare, as root) with a tmpfs over /run,
holding /run/systemd/system or not (sd_booted(3)), and tmpfs over /var/lib and /etc, so that the
machine's own systemd state and files are never touched. Without root or unshare the tests skip.

  python3 -m unittest -v tests.installers.maintainer_scripts_test
"""

import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX = os.path.join(ROOT, "installers", "linux")
UNIT = "mde-preflight.service"

STUB = textwrap.dedent("""\
    #!/bin/sh
    # Logs "<name> <args>"; exits 1 when the call matches $STUB_FAIL, answers was-enabled with
    # $STUB_WAS_ENABLED.
    call="$(basename "$0") $*"
    echo "$call" >> "$STUB_LOG"
    [ -n "$STUB_FAIL" ] && [ "$call" = "$STUB_FAIL" ] && { echo "$call failed" >&2; exit 1; }
    case "$call" in
      "deb-systemd-helper --quiet was-enabled "*) exit "${STUB_WAS_ENABLED:-0}" ;;
    esac
    exit 0
    """)


def can_unshare():
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    return probe.returncode == 0


@unittest.skipUnless(can_unshare(), "needs root and unshare(1) for a private mount namespace")
class MaintainerScripts(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="preflight-maintscripts-")
        self.bin = os.path.join(self.dir, "bin")
        os.mkdir(self.bin)
        for name in ("systemctl", "deb-systemd-helper", "deb-systemd-invoke"):
            path = os.path.join(self.bin, name)
            with open(path, "w") as f:
                f.write(STUB)
            os.chmod(path, 0o755)
        self.log = os.path.join(self.dir, "calls.log")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_script(self, script, *args, booted, fail="", was_enabled=0, state_dir=False,
                   dpkg_root=""):
        """Runs one script; returns (exit code, the stubs' calls, which of the state and config
        folders are left: a list of "state", "config")."""
        open(self.log, "w").close()
        inner = textwrap.dedent(f"""\
            set -e
            mount -t tmpfs tmpfs /run
            mount -t tmpfs tmpfs /var/lib
            mount -t tmpfs tmpfs /etc
            {"mkdir -p /run/systemd/system" if booted else "mkdir -p /run/systemd"}
            {"mkdir -p /var/lib/mde-preflight /etc/mde-preflight && "
             "touch /var/lib/mde-preflight/report.json /etc/mde-preflight/admin-notes.txt"
             if state_dir else ":"}
            # The stubs stand in for /usr/bin/deb-systemd-helper too (postrm tests it with -x).
            [ ! -e /usr/bin/deb-systemd-helper ] || mount --bind "{self.bin}/deb-systemd-helper" /usr/bin/deb-systemd-helper
            set +e
            sh "$SCRIPT" "$@"
            rc=$?
            [ -e /var/lib/mde-preflight ] && echo state >> "$STATE_REPORT"
            [ -e /etc/mde-preflight ] && echo config >> "$STATE_REPORT"
            exit $rc
            """)
        state_report = os.path.join(self.dir, "state")
        if os.path.exists(state_report):
            os.remove(state_report)
        env = dict(os.environ, PATH=f"{self.bin}:/usr/sbin:/usr/bin:/sbin:/bin",
                   STUB_LOG=self.log, STUB_FAIL=fail, STUB_WAS_ENABLED=str(was_enabled),
                   SCRIPT=script, STATE_REPORT=state_report)
        env.pop("DPKG_ROOT", None)
        if dpkg_root:
            env["DPKG_ROOT"] = dpkg_root
        run = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", inner,
                              "sh", *args], env=env, capture_output=True, text=True, timeout=60)
        with open(self.log) as f:
            calls = f.read().splitlines()
        left = []
        if os.path.exists(state_report):
            with open(state_report) as f:
                left = f.read().split()
        return run.returncode, calls, left

    def deb(self, name, *args, **kwargs):
        return self.run_script(os.path.join(LINUX, name), *args, **kwargs)

    def rpm(self, name, *args, **kwargs):
        return self.run_script(os.path.join(LINUX, "rpm", name), *args, **kwargs)

    # Debian

    def test_deb_install_enables_and_starts(self):
        rc, calls, _ = self.deb("postinst", "configure", "", booted=True)
        self.assertEqual(rc, 0)
        self.assertEqual(calls, [f"deb-systemd-helper unmask {UNIT}",
                                 f"deb-systemd-helper --quiet was-enabled {UNIT}",
                                 f"deb-systemd-helper enable {UNIT}",
                                 "systemctl --system daemon-reload",
                                 f"deb-systemd-invoke start {UNIT}"])

    def test_deb_upgrade_restarts(self):
        rc, calls, _ = self.deb("postinst", "configure", "0.0.9", booted=True)
        self.assertEqual(rc, 0)
        self.assertEqual(calls[-1], f"deb-systemd-invoke restart {UNIT}")
        self.assertNotIn(f"deb-systemd-invoke start {UNIT}", calls)

    def test_deb_upgrade_keeps_an_admins_disable(self):
        rc, calls, _ = self.deb("postinst", "configure", "0.0.9", booted=True, was_enabled=1)
        self.assertEqual(rc, 0)
        self.assertIn(f"deb-systemd-helper update-state {UNIT}", calls)
        self.assertNotIn(f"deb-systemd-helper enable {UNIT}", calls)

    def test_deb_install_without_systemd_only_records_the_enable_state(self):
        rc, calls, _ = self.deb("postinst", "configure", "", booted=False)
        self.assertEqual(rc, 0)
        self.assertIn(f"deb-systemd-helper enable {UNIT}", calls)
        self.assertFalse([c for c in calls if c.startswith(("systemctl", "deb-systemd-invoke"))])

    def test_deb_install_under_dpkg_root_leaves_the_running_system_alone(self):
        rc, calls, _ = self.deb("postinst", "configure", "", booted=True, dpkg_root="/target")
        self.assertEqual(rc, 0)
        self.assertFalse([c for c in calls if c.startswith(("systemctl", "deb-systemd-invoke"))])

    def test_deb_errors_surface(self):
        for fail in (f"deb-systemd-invoke start {UNIT}", "systemctl --system daemon-reload",
                     f"deb-systemd-helper enable {UNIT}"):
            rc, _, _ = self.deb("postinst", "configure", "", booted=True, fail=fail)
            self.assertNotEqual(rc, 0, fail)
        rc, _, _ = self.deb("postinst", "configure", "0.0.9", booted=True,
                            fail=f"deb-systemd-invoke restart {UNIT}")
        self.assertNotEqual(rc, 0)
        rc, _, _ = self.deb("prerm", "remove", booted=True, fail=f"deb-systemd-invoke stop {UNIT}")
        self.assertNotEqual(rc, 0)

    def test_deb_other_postinst_actions_do_nothing(self):
        rc, calls, _ = self.deb("postinst", "triggered", "x", booted=True)
        self.assertEqual((rc, calls), (0, []))

    def test_deb_removal_stops_an_upgrade_does_not(self):
        self.assertEqual(self.deb("prerm", "remove", booted=True)[:2],
                         (0, [f"deb-systemd-invoke stop {UNIT}"]))
        for action in ("upgrade", "deconfigure", "failed-upgrade"):
            self.assertEqual(self.deb("prerm", action, "0.1.0", booted=True)[:2], (0, []), action)
        self.assertEqual(self.deb("prerm", "remove", booted=False)[:2], (0, []))

    def test_deb_postrm_masks_on_remove_and_forgets_on_purge(self):
        rc, calls, _ = self.deb("postrm", "remove", booted=True)
        self.assertEqual((rc, calls), (0, ["systemctl --system daemon-reload",
                                           f"deb-systemd-helper mask {UNIT}"]))
        rc, calls, left = self.deb("postrm", "purge", booted=False, state_dir=True)
        self.assertEqual((rc, calls), (0, [f"deb-systemd-helper purge {UNIT}",
                                           f"deb-systemd-helper unmask {UNIT}"]))
        self.assertEqual(left, [], "purge leaves /var/lib/mde-preflight or /etc/mde-preflight")
        rc, calls, left = self.deb("postrm", "upgrade", "0.1.0", booted=True, state_dir=True)
        self.assertEqual((rc, calls, left), (0, [], ["state", "config"]))
        rc, calls, left = self.deb("postrm", "remove", booted=False, state_dir=True)
        self.assertEqual((rc, left), (0, ["state", "config"]), "remove keeps the state and config")

    # RPM: $1 is the number of versions installed after the transaction.

    def test_rpm_install_enables_and_starts(self):
        self.assertEqual(self.rpm("post", "1", booted=True)[:2],
                         (0, [f"systemctl enable {UNIT}", "systemctl daemon-reload",
                              f"systemctl start {UNIT}"]))
        self.assertEqual(self.rpm("post", "1", booted=False)[:2],
                         (0, [f"systemctl enable {UNIT}"]))

    def test_rpm_upgrade_restarts_after_the_old_package_is_gone(self):
        self.assertEqual(self.rpm("post", "2", booted=True)[:2], (0, []))
        self.assertEqual(self.rpm("preun", "1", booted=True)[:2], (0, []))
        self.assertEqual(self.rpm("postun", "1", booted=True)[:2],
                         (0, ["systemctl daemon-reload", f"systemctl try-restart {UNIT}"]))
        self.assertEqual(self.rpm("postun", "1", booted=False)[:2], (0, []))

    def test_rpm_erase_stops_and_disables(self):
        self.assertEqual(self.rpm("preun", "0", booted=True)[:2],
                         (0, [f"systemctl disable --now {UNIT}"]))
        self.assertEqual(self.rpm("preun", "0", booted=False)[:2],
                         (0, [f"systemctl disable {UNIT}"]))
        self.assertEqual(self.rpm("postun", "0", booted=True, state_dir=True),
                         (0, ["systemctl daemon-reload"], ["config"]))
        # An upgrade keeps the state folder.
        self.assertEqual(self.rpm("postun", "1", booted=False, state_dir=True),
                         (0, [], ["state", "config"]))

    def test_rpm_errors_surface(self):
        self.assertNotEqual(self.rpm("post", "1", booted=True, fail=f"systemctl start {UNIT}")[0], 0)
        self.assertNotEqual(
            self.rpm("preun", "0", booted=True, fail=f"systemctl disable --now {UNIT}")[0], 0)


if __name__ == "__main__":
    unittest.main()
