#!/usr/bin/env python3
"""The build-time parser of Microsoft's allocated-altitudes list (probes/data/allocated_altitudes.py)
notices when the page changes shape: each mutation of the real copy below must stop it, and the
copy itself must parse with every row.

  allocated_altitudes_test.py REPO_ROOT
"""

import importlib.util
import os
import sys
import unittest

ROOT = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "probes", "data")
spec = importlib.util.spec_from_file_location("allocated_altitudes",
                                              os.path.join(DATA, "allocated_altitudes.py"))
parser = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parser)

with open(os.path.join(DATA, "allocated-altitudes.md"), encoding="utf-8") as f:
    PAGE = f.read()

CSAGENT = "| csagent.sys | 321410 | CrowdStrike Ltd. |"
AV_HEADING = "## 320000 - 329998: FSFilter Anti-Virus"


class RealPage(unittest.TestCase):
    def test_every_row_parses(self):
        allocations, sections = parser.parse(PAGE)
        rows = [line for line in PAGE.splitlines()
                if line.startswith("| ") and not line.startswith("| Minifilter")]
        self.assertEqual(len(allocations), len(rows))
        self.assertEqual(len(allocations), 2137)
        self.assertEqual(sum(s["count"] for s in sections), len(allocations))
        self.assertEqual(len(sections), 25)

    def test_names_notes_and_retired(self):
        allocations, _ = parser.parse(PAGE)
        by = {(a["name"], a["altitude"]): a for a in allocations}
        sentinel = by[("SentinelMonitor.sys", "389040")]
        self.assertTrue(sentinel["retired"])
        self.assertEqual(sentinel["note"], "retired - new altitude allocated")
        self.assertFalse(by[("SentinelMonitor.sys", "329355.5")]["retired"])
        self.assertEqual(by[("SentinelMonitor.sys", "329355.5")]["group"], "FSFilter Anti-Virus")
        self.assertEqual(by[("SRTSP64.SYS", "329000")]["note"], "x64 systems")
        self.assertFalse(by[("SRTSP64.SYS", "329000")]["retired"])
        self.assertTrue(by[("Fileinfo.sys", "40500")]["retired"])
        self.assertTrue(by[("ivm.sys.old", "131800")]["retired"])
        self.assertEqual(by[("pfmfs_???.sys", "172100")]["group"], "FSFilter Imaging")

    def test_generated_source_escapes_and_counts(self):
        allocations, sections = parser.parse(PAGE)
        code = parser.generate(allocations, sections,
                               {"url": "u", "commit": "c", "ms_date": "d"})
        self.assertIn("std::array<AltitudeAllocation, 2137>", code)
        self.assertIn('"pfmfs_\\?\\?\\?.sys"', code)


class ChangedPage(unittest.TestCase):
    MUTATIONS = {
        "a fourth column": (CSAGENT, "| csagent.sys | 321410 | CrowdStrike Ltd. | x |"),
        "a column lost": (CSAGENT, "| csagent.sys | 321410 |"),
        "a non-decimal altitude": (CSAGENT, "| csagent.sys | 321,410 | CrowdStrike Ltd. |"),
        "an altitude outside its section": (CSAGENT, "| csagent.sys | 331410 | CrowdStrike Ltd. |"),
        "a row that is not a table row": (CSAGENT, "* csagent.sys 321410 CrowdStrike Ltd."),
        "a renamed column": ("| Minifilter                  | Altitude | Company",
                             "| Driver                  | Altitude | Company"),
        "a new heading style": (AV_HEADING, "## FSFilter Anti-Virus (320000 - 329998)"),
        "a reversed range": (AV_HEADING, "## 329998 - 320000: FSFilter Anti-Virus"),
        "a subheading": (AV_HEADING, AV_HEADING + "\n\n### Retired"),
        "prose inside a section": (CSAGENT, CSAGENT + "\nSee also the retired list."),
        "no title": ("# Allocated filter altitudes", "# Filter altitudes"),
    }

    def test_each_change_stops_the_parser(self):
        for what, (old, new) in self.MUTATIONS.items():
            with self.subTest(what):
                self.assertIn(old, PAGE)
                with self.assertRaises(parser.FormatError):
                    parser.parse(PAGE.replace(old, new, 1))

    def test_a_page_that_lost_most_rows_stops_the_parser(self):
        cut = PAGE[:PAGE.index(AV_HEADING)]
        with self.assertRaises(parser.FormatError):
            parser.parse(cut)

    def test_a_section_without_table_stops_the_parser(self):
        page = PAGE.replace("## 20000 - 29999: FSFilter System\n\nNone.",
                            "## 20000 - 29999: FSFilter System\n")
        with self.assertRaises(parser.FormatError):
            parser.parse(page)


if __name__ == "__main__":
    unittest.main(verbosity=1)
