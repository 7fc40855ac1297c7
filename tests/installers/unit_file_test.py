"""The systemd unit (installers/linux/mde-preflight.service), statically, with the real
systemd-analyze (systemd 252 in Debian 12; systemd need not be PID 1):

- `systemd-analyze security --offline=yes --threshold=25` rates it 2.5 ("OK") or better, and the
  README records the score it prints;
- `systemd-analyze verify` passes. verify needs ExecStart's binary and runs `man` for each
  Documentation=man: page, so it runs on a copy whose ExecStart names the built agent, with
  MANPATH holding the built man page; the rest of the unit is verified as shipped;
- every capability in the bounding set has a comment above it saying which check needs it.

Environment: MDE_PREFLIGHT_BIN (the built agent), MDE_PREFLIGHT_MAN_DIR (a folder with
man8/mde-preflight.8.gz).

  python3 -m unittest -v tests/installers/unit_file_test.py
"""

import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNIT = os.path.join(ROOT, "installers", "linux", "mde-preflight.service")
README = os.path.join(ROOT, "README.md")
# The bar: exposure 2.5 or less, which systemd-analyze calls "OK" (its --threshold is in
# tenths).
MAX_EXPOSURE = 2.5
SCORE = re.compile(r"Overall exposure level for mde-preflight\.service: (\d+\.\d) (\w+)")


def analyze():
    return shutil.which("systemd-analyze")


@unittest.skipUnless(analyze(), "needs systemd-analyze (Debian package systemd)")
class UnitFile(unittest.TestCase):
    def test_exposure_is_ok_and_recorded_in_the_readme(self):
        run = subprocess.run([analyze(), "security", "--offline=yes",
                              f"--threshold={int(MAX_EXPOSURE * 10)}", "--no-pager", UNIT],
                             capture_output=True, text=True, timeout=60)
        match = SCORE.search(run.stdout)
        self.assertIsNotNone(match, run.stdout + run.stderr)
        self.assertEqual(run.returncode, 0, f"exposure {match.group(1)} is above {MAX_EXPOSURE}")
        self.assertLessEqual(float(match.group(1)), MAX_EXPOSURE)
        self.assertEqual(match.group(2), "OK")
        with open(README, encoding="utf-8") as f:
            recorded = SCORE.search(f.read())
        self.assertIsNotNone(recorded, "README.md does not record the exposure score")
        self.assertEqual(recorded.group(1), match.group(1),
                         "README.md records another exposure score than systemd-analyze prints")

    def test_verify_passes_and_can_fail(self):
        agent = os.environ.get("MDE_PREFLIGHT_BIN")
        man_dir = os.environ.get("MDE_PREFLIGHT_MAN_DIR")
        if not agent or not man_dir:
            self.skipTest("MDE_PREFLIGHT_BIN and MDE_PREFLIGHT_MAN_DIR name the build's files")
        with open(UNIT, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("\nExecStart=/usr/bin/mde-preflight service\n", text)
        tmp = tempfile.mkdtemp(prefix="preflight-unit-verify-")
        try:
            def verify(exec_start):
                path = os.path.join(tmp, "mde-preflight.service")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text.replace("\nExecStart=/usr/bin/mde-preflight ",
                                         f"\nExecStart={exec_start} "))
                env = dict(os.environ, MANPATH=man_dir, SYSTEMD_LOG_COLOR="0")
                return subprocess.run([analyze(), "verify", path], capture_output=True,
                                      text=True, timeout=120, env=env)

            run = verify(os.path.abspath(agent))
            self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
            self.assertNotIn("mde-preflight.service:", run.stderr)
            # The same check fails when ExecStart's binary is missing: it is not vacuous.
            run = verify(os.path.join(tmp, "missing", "mde-preflight"))
            self.assertNotEqual(run.returncode, 0)
            self.assertIn("not executable", run.stderr)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


class CapabilityComments(unittest.TestCase):
    def test_each_capability_says_why(self):
        with open(UNIT, encoding="utf-8") as f:
            lines = f.read().splitlines()
        caps = [i for i, line in enumerate(lines) if line.startswith("CapabilityBoundingSet=")]
        self.assertTrue(caps, "the unit sets no capability bounding set")
        for i in caps:
            value = lines[i].split("=", 1)[1].split()
            self.assertEqual(len(value), 1, f"one capability per line, each with its reason: "
                                            f"{lines[i]}")
            self.assertFalse(value[0].startswith("~"), "the bounding set is an allow list")
            self.assertTrue(lines[i - 1].startswith("#"), f"no comment above {lines[i]}")


if __name__ == "__main__":
    unittest.main()
