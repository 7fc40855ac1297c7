#!/usr/bin/env python3
"""The HTML report as a browser shows it: headless Chromium renders real reports, the test reads
the DOM Chromium built (--dump-dom) and keeps a screenshot and a PDF of each page.

Inputs, each named in the log:
  live     the report the built agent writes on this machine (`check --offline --format json`);
  fixture  tests/data/reports/blocked_fanotify_plan_free.json, a report the agent wrote with a
           real blocking fanotify holder named "<script>" and the Azure emulator's plan_free
           scenario (tests/data/reports/README.md says how to make it again).

For each: the JSON validates against the schema, tests/tools/render_report turns it into the page
(agent/render_html.cpp, the code the agent and the service use), and in Chromium's DOM
  - the verdict is in #verdict, in words;
  - #headline names the reason: the summary of the failed check it links to (for the fixture,
    linux.fanotify, whose holder's hostile name must be text, never an element);
  - every check id of the report has its element (#check-<id>) with the id as text;
  - no <script> element exists at all.
The screenshot (1280x2000) and the PDF (print style: evidence unfolded) go to --out; their paths
are printed. Exit 77 (skipped) when chromium is not installed.

Usage: html_report_chromium_test.py --agent BIN --renderer BIN --schema FILE --validator FILE
                                    --fixture FILE --out DIR
"""

import argparse
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
# A cold Chromium start on a loaded 2-core machine takes a few seconds; a hang is cut off here.
CHROMIUM_TIMEOUT_S = 120
VERDICT_WORDS = {"blocked": "Blocked", "unhealthy": "Unhealthy", "ready": "Ready",
                 "onboarded": "Onboarded"}


class Dom(html.parser.HTMLParser):
    """The text under each element that has an id, and every tag name seen."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, id or None)
        self.text = {}  # id -> text
        self.tags = set()
        self.links = {}  # id of an element -> hrefs inside it

    def separate(self):
        # Element boundaries separate words, as a browser's layout does.
        for _, element_id in self.stack:
            if element_id:
                self.text[element_id] += " "

    def handle_starttag(self, tag, attrs):
        self.separate()
        self.tags.add(tag)
        attributes = dict(attrs)
        if tag == "a" and "href" in attributes:
            for _, element_id in self.stack:
                if element_id:
                    self.links.setdefault(element_id, []).append(attributes["href"])
        if tag in self.VOID:
            return
        element_id = attributes.get("id")
        if element_id is not None:
            self.text.setdefault(element_id, "")
        self.stack.append((tag, element_id))

    def handle_endtag(self, tag):
        self.separate()
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        for _, element_id in self.stack:
            if element_id:
                self.text[element_id] += data


def chromium_args(chromium, profile):
    args = [chromium, "--headless", "--disable-gpu", "--user-data-dir=" + profile,
            "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
            # Lets the page settle in virtual time (fonts, layout) before the output is taken.
            "--virtual-time-budget=2000",
            # The page has no external resource; this makes sure nothing is fetched.
            "--host-resolver-rules=MAP * ~NOTFOUND"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return args


def run_chromium(chromium, extra, url):
    with tempfile.TemporaryDirectory(prefix="preflight-chromium-") as profile:
        done = subprocess.run(chromium_args(chromium, profile) + extra + [url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=CHROMIUM_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise AssertionError("chromium %s failed (%d): %s" % (
            " ".join(extra), done.returncode, done.stderr.decode(errors="replace")[-2000:]))
    return done.stdout.decode("utf-8", errors="replace")


def squash(text):
    return " ".join(text.split())


def check_dom(name, report, dom, expected_headline_id):
    problems = []
    verdict = report.get("verdict")
    verdict_text = squash(dom.text.get("verdict", ""))
    if VERDICT_WORDS.get(verdict, "?") not in verdict_text:
        problems.append("#verdict %r does not say %r" % (verdict_text, verdict))
    headline = squash(dom.text.get("headline", ""))
    failed = [c for c in report["checks"] if c.get("status") == "fail"]
    links = [h[len("#check-"):] for h in dom.links.get("headline", []) if h.startswith("#check-")]
    if failed:
        if not links or links[0] not in {c["id"] for c in failed}:
            problems.append("#headline links to %r, not to a failed check" % links)
        else:
            reason = next(c for c in failed if c["id"] == links[0])
            if squash(reason["summary"]) not in headline:
                problems.append("#headline lacks the summary of %s: %r" % (links[0], headline))
        lead = "What is unhealthy" if verdict == "unhealthy" else "What blocks onboarding"
        if lead.upper() not in headline.upper():
            problems.append("#headline does not say %r: %r" % (lead, headline))
    elif "WHAT BLOCKS ONBOARDING" in headline.upper() or "WHAT IS UNHEALTHY" in headline.upper():
        problems.append("#headline names a blocker without a failure: %r" % headline)
    if expected_headline_id is not None and (not links or links[0] != expected_headline_id):
        problems.append("#headline should name %s, links %r" % (expected_headline_id, links))
    for check in report["checks"]:
        element = "check-" + check["id"]
        if element not in dom.text:
            problems.append("no element #%s" % element)
        elif check["id"] not in dom.text[element]:
            problems.append("#%s does not show its id" % element)
    if "script" in dom.tags:
        problems.append("a <script> element is in the DOM")
    print("%s: verdict %r, headline %r, %d check ids found" % (
        name, verdict_text, headline[:160], len(report["checks"])))
    return problems


def check_file(path, magic):
    with open(path, "rb") as f:
        head = f.read(8)
    size = os.path.getsize(path)
    if not head.startswith(magic) or size < 10_000:
        raise AssertionError("%s is not a rendered file (%d bytes, starts %r)" % (path, size, head))
    return size


def pdf_pages(path):
    with open(path, "rb") as f:
        data = f.read()
    return data.count(b"/Type /Page") - data.count(b"/Type /Pages")


def check_printed_text(name, report, pdf):
    """The printed page unfolds the evidence and leaves out the copy of the whole JSON report."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        print("%s: pdftotext (poppler-utils) is missing: the printed text is not read" % name)
        return []
    text = subprocess.run([pdftotext, pdf, "-"], stdout=subprocess.PIPE, check=True,
                          timeout=60).stdout.decode("utf-8", errors="replace")
    problems = []
    # A short evidence key cannot be split by wrapping; the evidence is folded on screen.
    keys = sorted({k for c in report["checks"] for k in c.get("evidence", {}) if k != "cause"},
                  key=len)
    if keys and '"%s"' % keys[0] not in text:
        problems.append("the printed page lacks the evidence key %r: evidence is folded" % keys[0])
    if '"schema_version"' in text:
        problems.append("the printed page carries the copy of the whole JSON report")
    print("%s: printed text has the evidence (key %r) and not the JSON copy" % (
        name, keys[0] if keys else None))
    return problems


def render_one(args, chromium, name, report_path, expected_headline_id, hostile=None):
    print("%s: input %s" % (name, report_path))
    subprocess.run([sys.executable, args.validator, args.schema, report_path], check=True)
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    page = os.path.join(args.out, name + ".html")
    subprocess.run([args.renderer, report_path, page], check=True)
    url = "file://" + os.path.abspath(page)
    dom = Dom()
    dom.feed(run_chromium(chromium, ["--dump-dom"], url))
    problems = check_dom(name, report, dom, expected_headline_id)
    if hostile is not None and hostile not in dom.text.get("headline", ""):
        problems.append("the hostile name %r is not text in #headline" % hostile)
    screenshot = os.path.join(args.out, name + ".png")
    run_chromium(chromium, ["--window-size=1280,2000", "--screenshot=" + screenshot], url)
    print("%s: screenshot %s (%d bytes)" % (name, screenshot, check_file(screenshot, b"\x89PNG")))
    pdf = os.path.join(args.out, name + ".pdf")
    run_chromium(chromium, ["--no-pdf-header-footer", "--print-to-pdf=" + pdf], url)
    size = check_file(pdf, b"%PDF")
    pages = pdf_pages(pdf)
    print("%s: printed %s (%d bytes, %d pages)" % (name, pdf, size, pages))
    sections = len({c["id"].split(".")[0] for c in report["checks"]})
    if pages < sections:
        problems.append("the PDF has %d page(s) for %d sections, each of which starts a page" % (
            pages, sections))
    return problems + check_printed_text(name, report, pdf)


def main():
    parser = argparse.ArgumentParser()
    for option in ("--agent", "--renderer", "--schema", "--validator", "--fixture", "--out"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("SKIP: chromium is not installed (apt-get install chromium; "
              "installers/dev/bootstrap.sh test installs it)")
        return SKIP
    os.makedirs(args.out, exist_ok=True)
    live = os.path.join(args.out, "live.json")
    with open(live, "wb") as f:
        done = subprocess.run([args.agent, "check", "--offline", "--format", "json"], stdout=f,
                              timeout=300, check=False)
    if done.returncode not in (0, 1):
        print("FAIL: the agent exited %d" % done.returncode)
        return 1
    problems = render_one(args, chromium, "live", live, None)
    problems += render_one(args, chromium, "fixture-blocked", args.fixture, "linux.fanotify",
                           hostile="<script>")
    for problem in problems:
        print("FAIL: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
