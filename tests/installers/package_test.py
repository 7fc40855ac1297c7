"""The deb and rpm packages CPack makes from the build (installers/CMakeLists.txt).

DebLifecycle (root, dpkg): packs the build twice with cpack, the second time as a newer version
(`cpack -R`, no rebuild), then with the real dpkg on this machine: installs the older one, finds
every file where it belongs, verifies the installed unit, runs /usr/bin/mde-preflight check, edits
the config as an admin would, upgrades to the newer package (config kept, service restarted),
and purges it (nothing left). Whatever fails, the package is purged at the end.

There is no systemd as PID 1 here, so the service cannot really start. Each dpkg runs in a private
mount namespace (unshare) with a tmpfs /run holding /run/systemd/system, so that the maintainer
scripts take their "systemd is init" path, and with logging stand-ins for systemctl,
deb-systemd-helper and deb-systemd-invoke first on PATH: the test asserts the start, restart and
stop calls the scripts make, and the machine's own systemd state is never touched.

RpmPackage: `rpm -qlvp --scripts` on the built rpm: the file list (binary, unit, the config as
%config(noreplace), man page, schema, state folder 0750) and the scriptlets as written in
installers/linux/rpm/.

Environment: PREFLIGHT_BUILD_DIR (the configured and built build folder), CPACK (cpack's path).

  python3 -m unittest -v tests/installers/package_test.py
"""

import json
import os
import shutil
import stat
import subprocess
import tempfile
import textwrap
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX = os.path.join(ROOT, "installers", "linux")
PACKAGE = "mde-preflight"
UNIT = "mde-preflight.service"
CONFIG = "/etc/mde-preflight/config.json"
STATE = "/var/lib/mde-preflight"
# Where each file belongs (FHS; Debian 12 merges /lib into /usr/lib).
FILES = {
    "/usr/bin/mde-preflight": 0o755,
    "/usr/lib/systemd/system/mde-preflight.service": 0o644,
    CONFIG: 0o644,
    "/usr/share/man/man8/mde-preflight.8.gz": 0o644,
    "/usr/share/mde-preflight/report.schema.json": 0o644,
}
# dpkg waits for nobody: another apt or dpkg on this machine holds its lock for a while.
LOCK_WAIT_S = 120

STUB = textwrap.dedent("""\
    #!/bin/sh
    echo "$(basename "$0") $*" >> "$STUB_LOG"
    case "$(basename "$0") $1 $2" in
      "deb-systemd-helper --quiet was-enabled") exit 0 ;;
    esac
    exit 0
    """)

# Runs dpkg with /run/systemd/system present in a private mount namespace.
IN_NAMESPACE = textwrap.dedent("""\
    set -e
    mount -t tmpfs tmpfs /run
    mkdir -p /run/systemd/system /run/lock
    exec dpkg "$@"
    """)


def build_dir():
    return os.environ.get("PREFLIGHT_BUILD_DIR", "")


def cpack(generator, out_dir, version=None):
    """Packs the build with `generator` into out_dir; returns the package's path."""
    cmd = [os.environ.get("CPACK", "cpack"), "-G", generator, "-B", out_dir]
    if version:
        cmd += ["-R", version]
    run = subprocess.run(cmd, cwd=build_dir(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    ext = {"DEB": ".deb", "RPM": ".rpm"}[generator]
    found = [f for f in os.listdir(out_dir) if f.endswith(ext)]
    assert len(found) == 1, found
    return os.path.join(out_dir, found[0])


def deb_skip_reason():
    if os.geteuid() != 0:
        return "needs root to install a package"
    for tool in ("dpkg", "dpkg-deb", "unshare"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    if not build_dir():
        return "PREFLIGHT_BUILD_DIR names the build folder"
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True,
                            text=True).stdout
    if "installed" in status.split() or "config-files" in status.split():
        return f"{PACKAGE} is installed on this machine ({status}); the test will not replace it"
    for path in ("/etc/mde-preflight", STATE):
        if os.path.exists(path):
            return f"{path} exists on this machine; the test's purge would remove it"
    return ""


@unittest.skipIf(deb_skip_reason(), deb_skip_reason())
class DebLifecycle(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="preflight-deb-")
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        for name in ("systemctl", "deb-systemd-helper", "deb-systemd-invoke"):
            path = os.path.join(self.bin, name)
            with open(path, "w") as f:
                f.write(STUB)
            os.chmod(path, 0o755)
        self.log = os.path.join(self.tmp, "calls.log")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.addCleanup(self.purge_leftovers)

    def purge_leftovers(self):
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE],
                                capture_output=True, text=True).stdout
        if status and "not-installed" not in status:
            self.dpkg("--purge", PACKAGE)

    def dpkg(self, *args):
        """Runs dpkg in the namespace; returns the stand-ins' calls it caused."""
        open(self.log, "w").close()
        env = dict(os.environ, PATH=f"{self.bin}:/usr/sbin:/usr/bin:/sbin:/bin",
                   STUB_LOG=self.log, DEBIAN_FRONTEND="noninteractive")
        env.pop("DPKG_ROOT", None)
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            run = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                                  IN_NAMESPACE, "sh", *args], env=env, capture_output=True,
                                 text=True, stdin=subprocess.DEVNULL, timeout=300)
            locked = "lock" in run.stderr and "locked" in run.stderr
            if run.returncode == 0 or not locked or time.monotonic() > deadline:
                break
            time.sleep(2)
        self.assertEqual(run.returncode, 0, f"dpkg {' '.join(args)}:\n{run.stdout}{run.stderr}")
        with open(self.log) as f:
            return f.read().splitlines()

    def installed_version(self):
        return subprocess.run(["dpkg-query", "-W", "-f=${Version}", PACKAGE], capture_output=True,
                              text=True, check=True).stdout

    def check_files(self):
        listed = set(subprocess.run(["dpkg", "-L", PACKAGE], capture_output=True, text=True,
                                    check=True).stdout.split())
        for path, mode in FILES.items():
            self.assertIn(path, listed)
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), mode, path)
        self.assertIn(STATE, listed)
        self.assertEqual(stat.S_IMODE(os.stat(STATE).st_mode), 0o750)
        conffiles = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", PACKAGE],
                                   capture_output=True, text=True, check=True).stdout
        self.assertEqual([line.split()[0] for line in conffiles.strip().splitlines()], [CONFIG])
        return listed

    def run_installed_check(self):
        run = subprocess.run(["/usr/bin/mde-preflight", "check", "--offline", "--format", "json"],
                             capture_output=True, text=True, timeout=300)
        # 0 or 1 is a verdict about this machine; 2 (a bad shipped config) or 3 is a defect.
        self.assertIn(run.returncode, (0, 1), run.stderr)
        report = json.loads(run.stdout)
        self.assertTrue(report["checks"])
        try:
            import jsonschema
        except ImportError:
            return
        with open("/usr/share/mde-preflight/report.schema.json") as f:
            jsonschema.validate(report, json.load(f))

    def verify_installed_unit(self):
        if shutil.which("systemd-analyze") is None:
            return
        # The installed binary and man page, as an admin's systemd would load them.
        run = subprocess.run(["systemd-analyze", "verify", f"/usr/lib/systemd/system/{UNIT}"],
                             capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)

    def test_install_upgrade_purge(self):
        old = cpack("DEB", os.path.join(self.tmp, "old"))
        base = subprocess.run(["dpkg-deb", "-f", old, "Version"], capture_output=True, text=True,
                              check=True).stdout.strip()
        newer = base + ".1"
        new = cpack("DEB", os.path.join(self.tmp, "new"), version=newer)

        calls = self.dpkg("-i", old)
        self.assertEqual(self.installed_version(), base)
        self.assertIn(f"deb-systemd-helper enable {UNIT}", calls)
        self.assertIn(f"deb-systemd-invoke start {UNIT}", calls)
        listed = self.check_files()
        self.verify_installed_unit()
        self.run_installed_check()

        # An admin's edit of the config, a report the service kept, a note of the admin's own.
        edited = '{"ignore": ["linux.services"], "offline": true, "timeout_seconds": 42}\n'
        with open(CONFIG, "w") as f:
            f.write(edited)
        with open(os.path.join(STATE, "report.json"), "w") as f:
            f.write("{}\n")
        with open("/etc/mde-preflight/notes.txt", "w") as f:
            f.write("ask before changing\n")

        calls = self.dpkg("-i", new)
        self.assertEqual(self.installed_version(), newer)
        self.assertIn(f"deb-systemd-invoke restart {UNIT}", calls)
        self.assertNotIn(f"deb-systemd-invoke stop {UNIT}", calls)
        with open(CONFIG) as f:
            self.assertEqual(f.read(), edited, "the upgrade replaced the admin's config")
        leftovers = [n for n in os.listdir("/etc/mde-preflight") if ".dpkg-" in n]
        self.assertEqual(leftovers, [])
        self.assertTrue(os.path.exists(os.path.join(STATE, "report.json")))
        self.check_files()
        self.run_installed_check()

        calls = self.dpkg("--purge", PACKAGE)
        self.assertIn(f"deb-systemd-invoke stop {UNIT}", calls)
        self.assertIn(f"deb-systemd-helper purge {UNIT}", calls)
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE],
                                capture_output=True, text=True).stdout
        self.assertIn(status, ("", "unknown ok not-installed", "purge ok not-installed"))
        # Folders such as /usr/bin stay: other packages own them too (dpkg -S).
        left = sorted(p for p in listed if os.path.lexists(p) and not (
            os.path.isdir(p) and subprocess.run(["dpkg-query", "-S", p],
                                                capture_output=True).returncode == 0))
        self.assertEqual(left, [], "files of the package left after purge")
        for path in ("/etc/mde-preflight", STATE):
            self.assertFalse(os.path.exists(path), f"{path} left after purge")


def rpm_skip_reason():
    if shutil.which("rpm") is None or shutil.which("rpmbuild") is None:
        return "needs rpm and rpmbuild (Debian package rpm)"
    if not build_dir():
        return "PREFLIGHT_BUILD_DIR names the build folder"
    return ""


@unittest.skipIf(rpm_skip_reason(), rpm_skip_reason())
class RpmPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="preflight-rpm-")
        try:
            cls.rpm = cpack("RPM", cls.tmp)
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def query(self, *args):
        return subprocess.run(["rpm", "-qp", *args, self.rpm], capture_output=True, text=True,
                              check=True, timeout=60).stdout

    def test_files_and_modes(self):
        listing = self.query("-lv")
        modes = {line.split()[-1]: line.split()[0] for line in listing.splitlines()}
        for path in FILES:
            self.assertIn(path, modes)
            self.assertTrue(modes[path].startswith("-"), path)
        self.assertEqual(modes["/usr/bin/mde-preflight"], "-rwxr-xr-x")
        self.assertEqual(modes[STATE], "drwxr-x---")
        # Only the package's own folders: no /usr, /var, /etc or systemd's folders.
        owned_dirs = sorted(p for p, m in modes.items() if m.startswith("d")
                            and not p.startswith("/usr/lib/.build-id"))
        self.assertEqual(owned_dirs, ["/etc/mde-preflight", "/usr/share/mde-preflight", STATE])

    def test_config_is_noreplace(self):
        flags = self.query("--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]")
        config_lines = [line.split() for line in flags.splitlines() if line.endswith(CONFIG)]
        self.assertEqual(len(config_lines), 1)
        self.assertIn("c", config_lines[0][0])
        self.assertIn("n", config_lines[0][0], "the config is not %config(noreplace)")
        self.assertEqual(self.query("--configfiles").split(), [CONFIG])

    def test_scriptlets(self):
        scripts = self.query("--scripts")
        for name, header in (("post", "postinstall scriptlet"),
                             ("preun", "preuninstall scriptlet"),
                             ("postun", "postuninstall scriptlet")):
            self.assertIn(header, scripts)
            body = scripts.split(header, 1)[1].split("scriptlet (using", 1)[0]
            with open(os.path.join(LINUX, "rpm", name)) as f:
                for line in f.read().splitlines():
                    if line.strip():
                        self.assertIn(line, body, f"{name}: {line}")


if __name__ == "__main__":
    unittest.main()
