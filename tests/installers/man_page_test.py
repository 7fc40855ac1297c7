"""The man page (installers/linux/mde-preflight.8) against the agent it documents: every command,
flag, config key and environment variable `mde-preflight --help` prints is in the page, every
flag the page's OPTIONS section documents exists, and groff renders it without a warning.

Environment: MDE_PREFLIGHT_BIN (the built agent).

  MDE_PREFLIGHT_BIN=build/agent/mde-preflight python3 -m unittest -v tests/installers/man_page_test.py
"""

import os
import re
import shutil
import subprocess
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(ROOT, "installers", "linux", "mde-preflight.8")
FLAG = re.compile(r"(?<![\w-])(--?[a-z][a-z-]*)")


def page_text():
    """The page's text with roff escapes for '-' and fonts undone, comments dropped."""
    with open(PAGE, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if not line.startswith('.\\"')]
    text = "\n".join(lines)
    text = re.sub(r"\\f[BIRP]", "", text)
    return text.replace("\\-", "-")


def section(text, name):
    match = re.search(rf"^\.SH {name}\n(.*?)(?=^\.SH )", text, re.S | re.M)
    return match.group(1) if match else ""


def help_names(help_text):
    """(commands, flags, config keys, environment variables) that --help names."""
    commands = set(re.findall(r"^  mde-preflight ([a-z]+(?: [a-z]+)?)", help_text, re.M))
    flags = set(FLAG.findall(help_text)) - {"-"}
    keys = set(re.findall(r"config file ([a-z_]+)", help_text)) - {"key", "keys"}
    without_flag = help_text.split("Config file keys without a flag:", 1)
    if len(without_flag) == 2:
        block = without_flag[1].split("\n\n", 1)[0]
        keys |= set(re.findall(r"^  ([a-z_]+) ", block, re.M))
    env = set(re.findall(r"\b((?:MDE_PREFLIGHT|AZURE)_[A-Z_]+|NO_COLOR)\b", help_text))
    return commands, flags, keys, env


@unittest.skipUnless(os.environ.get("MDE_PREFLIGHT_BIN"), "MDE_PREFLIGHT_BIN names the agent")
class ManPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        run = subprocess.run([os.environ["MDE_PREFLIGHT_BIN"], "--help"], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        cls.help = run.stdout
        cls.page = page_text()

    def assert_in_page(self, names, what):
        missing = sorted(n for n in names
                         if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", self.page))
        self.assertEqual(missing, [], f"{what} that --help names but mde-preflight.8 does not")

    def test_help_is_parsed(self):
        commands, flags, keys, env = help_names(self.help)
        # Guards the parser: a --help layout it no longer reads would pass the tests below.
        self.assertTrue({"check", "service"} <= commands, commands)
        self.assertTrue({"--offline", "--config", "-v"} <= flags, flags)
        self.assertTrue({"offline", "report_path"} <= keys, keys)
        self.assertIn("MDE_PREFLIGHT_CONFIG", env)

    def test_everything_help_names_is_documented(self):
        commands, flags, keys, env = help_names(self.help)
        self.assert_in_page(commands, "commands")
        self.assert_in_page(flags, "flags")
        self.assert_in_page(keys, "config keys")
        self.assert_in_page(env, "environment variables")

    def test_documented_flags_exist(self):
        options = section(self.page, "OPTIONS")
        self.assertTrue(options, "no OPTIONS section")
        documented = set(FLAG.findall(options)) - {"-"}
        _, flags, _, _ = help_names(self.help)
        self.assertEqual(sorted(documented - flags), [],
                         "flags in the man page's OPTIONS that --help does not know")

    @unittest.skipUnless(shutil.which("man"), "needs man (Debian package man-db)")
    def test_renders_without_warnings(self):
        env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
        run = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", PAGE],
                             capture_output=True, text=True, timeout=60, env=env)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(run.stderr, "")
        self.assertIn("mde-preflight", run.stdout)


if __name__ == "__main__":
    unittest.main()
