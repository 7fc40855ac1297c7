"""The unit's capabilities are enough, and each is needed: the built agent runs under setpriv(1)
with exactly the capability bounding set of installers/linux/mde-preflight.service (read from the
unit file here, so the two cannot drift) and no new privileges, as root, as systemd runs it.

A real fanotify_holder (tests/integration/fanotify_holder.cpp) runs as another user (nobody, with
CAP_SYS_ADMIN as an ambient capability for fanotify_init) and holds a content-class group with a
permission event on one inode: a blocking holder. With the unit's set, linux.fanotify reports it
as a blocking conflict and fails. With an empty set, and with any one of the unit's capabilities
taken away, the holder is not seen: the check only warns that the scan was partial.

SyscallFilter: every system call the agent and the programs it runs make during a whole check
(strace -f) is one the unit's SystemCallFilter= allows, as systemd-analyze syscall-filter expands
its groups, so the filter does not kill a check with EPERM.

Needs root, setpriv and a kernel with fanotify permission events; skips otherwise.
Environment: MDE_PREFLIGHT_BIN (the built agent), FANOTIFY_HOLDER_PATH (the built holder).

  python3 -m unittest -v tests/installers/least_privilege_test.py
"""

import json
import os
import pwd
import re
import select
import shutil
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNIT = os.path.join(ROOT, "installers", "linux", "mde-preflight.service")
# fanotify_holder's exit code when fanotify_init(2) is refused (no fanotify or no permission
# events in this kernel): the environment cannot run the test, nothing is broken.
HOLDER_INIT_FAILED = 3
READY_TIMEOUT_S = 30


def unit_settings(path, key):
    """Every value of `key` in the unit's [Service] section, in order."""
    values, in_service = [], False
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("["):
                in_service = line.strip() == "[Service]"
            elif in_service and line.startswith(key + "="):
                values.append(line.split("=", 1)[1].strip())
    return values


def unit_bounding_set(path):
    """The capability bounding set the unit gives (systemd.exec(5): lines add up, an empty
    assignment resets), as setpriv names: ["dac_read_search", ...]."""
    caps = []
    for value in unit_settings(path, "CapabilityBoundingSet"):
        if not value:
            caps = []
            continue
        if value.startswith("~"):
            raise ValueError("an inverted CapabilityBoundingSet= is not an allow list")
        caps += [c.lower().removeprefix("cap_") for c in value.split()]
    return sorted(set(caps))


def why_not():
    if os.geteuid() != 0:
        return "needs root"
    if shutil.which("setpriv") is None:
        return "needs setpriv (util-linux)"
    for var in ("MDE_PREFLIGHT_BIN", "FANOTIFY_HOLDER_PATH"):
        if not os.environ.get(var):
            return f"{var} names the build's file"
    return ""


@unittest.skipIf(why_not(), why_not())
class LeastPrivilege(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.caps = unit_bounding_set(UNIT)
        assert cls.caps, "the unit gives no capabilities"
        assert unit_settings(UNIT, "NoNewPrivileges") == ["yes"], "the unit lacks NoNewPrivileges"
        cls.tmp = tempfile.mkdtemp(prefix="preflight-least-privilege-")
        os.chmod(cls.tmp, 0o755)
        cls.marked = os.path.join(cls.tmp, "marked")
        with open(cls.marked, "w") as f:
            f.write("a file the holder watches\n")
        os.chmod(cls.marked, 0o644)
        cls.holder = None
        try:
            cls.holder = cls.start_holder()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.holder is not None:
            cls.holder.kill()
            cls.holder.wait(timeout=30)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def start_holder(cls):
        nobody = pwd.getpwnam("nobody")
        holder = subprocess.Popen(
            ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
             "--inh-caps=-all,+sys_admin", "--ambient-caps=-all,+sys_admin",
             os.environ["FANOTIFY_HOLDER_PATH"], "--class", "content", "--mask", "perm",
             "--mark", f"inode:{cls.marked}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([holder.stdout], [], [], 0.5)
            if ready and holder.stdout.readline().strip() == b"ready":
                return holder
            if holder.poll() is not None:
                err = holder.stderr.read().decode(errors="replace")
                if holder.returncode == HOLDER_INIT_FAILED:
                    raise unittest.SkipTest(f"fanotify permission events unavailable: {err}")
                raise AssertionError(f"fanotify_holder exited {holder.returncode}: {err}")
        holder.kill()
        holder.wait()
        raise AssertionError(f"fanotify_holder not ready within {READY_TIMEOUT_S} s")

    def setpriv(self, caps):
        bounding = ",".join(["-all"] + [f"+{c}" for c in caps])
        return ["setpriv", f"--bounding-set={bounding}", "--inh-caps=-all", "--no-new-privs"]

    def run_agent(self, caps):
        """(exit code, report, the linux.fanotify result) under the given bounding set."""
        run = subprocess.run(self.setpriv(caps) + [
            os.environ["MDE_PREFLIGHT_BIN"], "check", "--offline", "--only", "linux.fanotify",
            "--format", "json"], capture_output=True, text=True, timeout=120)
        self.assertIn(run.returncode, (0, 1), run.stderr)
        report = json.loads(run.stdout)
        check = next(c for c in report["checks"] if c["id"] == "linux.fanotify")
        return run.returncode, report, check

    def holder_entries(self, report):
        pid = self.holder.pid
        return [u for u in report.get("fanotify_users", []) if u.get("pid") == pid]

    def test_the_agent_runs_with_exactly_the_units_set(self):
        dump = subprocess.run(self.setpriv(self.caps) + ["setpriv", "--dump"], capture_output=True,
                              text=True, timeout=60, check=True).stdout
        fields = dict(line.split(": ", 1) for line in dump.splitlines() if ": " in line)
        self.assertEqual(sorted(fields["Capability bounding set"].split(",")), self.caps)
        self.assertEqual(fields["no_new_privs"], "1")
        self.assertEqual(fields["euid"], "0")
        # Root's execve gives it the whole bounding set (capabilities(7)), as systemd's does.
        status = subprocess.run(self.setpriv(self.caps) + ["cat", "/proc/self/status"],
                                capture_output=True, text=True, timeout=60, check=True).stdout
        caps = dict(line.split(":\t", 1) for line in status.splitlines()
                    if line.startswith("Cap"))
        self.assertEqual(caps["CapEff"], caps["CapBnd"])

    def test_the_units_set_finds_the_blocking_holder(self):
        code, report, check = self.run_agent(self.caps)
        entries = self.holder_entries(report)
        self.assertEqual(len(entries), 1, check["summary"])
        self.assertIs(entries[0]["blocking"], True)
        self.assertEqual(entries[0]["classification"], "conflict")
        self.assertEqual(check["status"], "fail")
        self.assertEqual(code, 1)
        denied = [d["pid"] for d in check["evidence"]["scan"]["denied"]]
        self.assertNotIn(self.holder.pid, denied)

    def test_less_than_the_units_set_misses_the_holder(self):
        # The empty set, then each of the unit's capabilities taken away in turn.
        for caps in [[]] + [[c for c in self.caps if c != gone] for gone in self.caps]:
            with self.subTest(bounding_set=caps):
                _, report, check = self.run_agent(caps)
                self.assertFalse([e for e in self.holder_entries(report) if e["blocking"]],
                                 "the holder is seen without all of the unit's capabilities")
                self.assertGreater(check["evidence"]["scan"]["permission_denied"], 0)
                self.assertIn("partial", check["summary"])
                self.assertNotEqual(check["status"], "pass")


def expand_syscalls(names, seen=None):
    """System call names in `names`, with @groups expanded by systemd-analyze syscall-filter."""
    out = set()
    for name in names:
        if not name.startswith("@"):
            out.add(name)
            continue
        listing = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True,
                                 text=True, timeout=60, check=True).stdout.splitlines()[1:]
        entries = [e.strip() for e in listing if e.strip() and not e.strip().startswith("#")]
        out |= expand_syscalls(entries)
    return out


@unittest.skipUnless(shutil.which("strace") and shutil.which("systemd-analyze")
                     and os.environ.get("MDE_PREFLIGHT_BIN"),
                     "needs strace, systemd-analyze and MDE_PREFLIGHT_BIN")
class SyscallFilter(unittest.TestCase):
    def test_a_check_stays_inside_the_filter(self):
        allowed = set()
        for value in unit_settings(UNIT, "SystemCallFilter"):
            if value.startswith("~"):
                allowed -= expand_syscalls(value[1:].split())
            else:
                allowed |= expand_syscalls(value.split())
        self.assertIn("execve", allowed)
        tmp = tempfile.mkdtemp(prefix="preflight-syscalls-")
        self.addCleanup(shutil.rmtree, tmp, True)
        trace = os.path.join(tmp, "trace")
        # The environment the unit gives the agent (Environment=), as systemd would.
        env = dict(os.environ)
        env.update(value.split("=", 1) for value in unit_settings(UNIT, "Environment"))
        run = subprocess.run(["strace", "-f", "-qq", "-o", trace, os.environ["MDE_PREFLIGHT_BIN"],
                              "check", "--offline", "--format", "json", "-o",
                              os.path.join(tmp, "report.json")],
                             capture_output=True, text=True, timeout=300, env=env)
        self.assertIn(run.returncode, (0, 1), run.stderr)
        with open(trace) as f:
            used = set(re.findall(r"^\d+\s+([a-z0-9_]+)\(", f.read(), re.M))
        self.assertIn("openat", used)
        self.assertEqual(sorted(used - allowed), [],
                         "system calls a check makes that the unit's SystemCallFilter= denies")


if __name__ == "__main__":
    unittest.main()
