#!/usr/bin/env python3
"""Compiles Microsoft's list of allocated file-system filter altitudes into the agent.

Input: probes/data/allocated-altitudes.md, a verbatim copy of MicrosoftDocs/windows-driver-docs
windows-driver-docs-pr/ifs/allocated-altitudes.md, and allocated-altitudes.source (where and at
which commit it was taken). Output: a C++ source defining the table that
probes/windows/allocated_altitudes.h declares.

The parser is strict on purpose: every line of the list must be a section heading
("## 320000 - 329998: FSFilter Anti-Virus"), the table header and separator, a row of exactly
three cells with a decimal altitude inside its section's range, "None." for an empty section, or
blank. Anything else stops the build with the line number, so a change of the page's format is
noticed instead of silently dropping allocations.

  allocated_altitudes.py LIST.md SOURCE_FILE OUTPUT.cpp
"""

import re
import sys

HEADING = re.compile(r"^## (\d+) - (\d+): (.+)$")
ALTITUDE = re.compile(r"^\d{1,9}(\.\d+)?$")
HEADER_CELLS = ["Minifilter", "Altitude", "Company"]
# Notes the list puts beside a name for an allocation no longer in use: "(retired)", "(Old name)",
# "(old - to be retired)", "(Renamed)", "unidrive.sys-old", "ivm.sys.old".
RETIRED = re.compile(r"retired|\bold\b|renamed", re.IGNORECASE)
RETIRED_SUFFIX = re.compile(r"[.-]old$", re.IGNORECASE)
# The list has ~2,100 allocations; far fewer means the page changed shape.
MIN_ALLOCATIONS = 1500


class FormatError(Exception):
    pass


def split_row(line, number):
    if not (line.startswith("|") and line.rstrip().endswith("|")):
        raise FormatError(f"line {number}: not a table row: {line!r}")
    return [cell.strip() for cell in line.strip()[1:-1].split("|")]


def split_name(cell):
    """'SentinelMonitor.sys(retired - new altitude allocated)' -> file name, note, retired."""
    match = re.match(r"^([^\s(]+)\s*(.*)$", cell)
    name, note = match.group(1), match.group(2).strip()
    note = note.lstrip("-").strip()
    if note.startswith("(") and note.endswith(")"):
        note = note[1:-1].strip()
    retired = bool(RETIRED.search(note)) or bool(RETIRED_SUFFIX.search(name))
    return name, note, retired


def canonical_group(heading_name):
    """'*FSFilter Imaging (ex: .ZIP)' -> 'FSFilter Imaging'."""
    name = heading_name.strip().lstrip("*").strip()
    return re.sub(r"\s*\(.*\)$", "", name)


def parse_row(line, number, section):
    cells = split_row(line, number)
    if len(cells) != 3:
        raise FormatError(f"line {number}: {len(cells)} cells, expected 3: {line!r}")
    name_cell, altitude, company = cells
    if not name_cell:
        raise FormatError(f"line {number}: no filter name: {line!r}")
    if not ALTITUDE.match(altitude):
        raise FormatError(f"line {number}: altitude {altitude!r} is not a decimal number")
    whole = int(altitude.split(".")[0])
    if not section["low"] <= whole <= section["high"]:
        raise FormatError(f"line {number}: altitude {altitude} outside "
                          f"{section['low']}-{section['high']} ({section['group']})")
    name, note, retired = split_name(name_cell)
    return {"name": name, "note": note, "altitude": altitude, "company": company,
            "group": section["group"], "retired": retired}


def parse_section_line(line, number, section):
    """One line inside a section; returns an allocation or None."""
    stripped = line.strip()
    if not stripped:
        return None
    if section["state"] == "start":
        if stripped == "None.":
            section["state"] = "none"
            return None
        if split_row(line, number) != HEADER_CELLS:
            raise FormatError(f"line {number}: table header {line!r}, expected {HEADER_CELLS}")
        section["state"] = "header"
        return None
    if section["state"] == "header":
        if not all(cell and set(cell) <= set("-:") for cell in split_row(line, number)):
            raise FormatError(f"line {number}: expected the table separator: {line!r}")
        section["state"] = "rows"
        return None
    if section["state"] == "rows":
        return parse_row(line, number, section)
    raise FormatError(f"line {number}: text after 'None.': {line!r}")


def parse(text):
    """The allocations and the sections of the list; raises FormatError on anything unexpected."""
    lines = text.split("\n")
    if "# Allocated filter altitudes" not in lines:
        raise FormatError("no '# Allocated filter altitudes' title")
    allocations, sections, section = [], [], None
    for number, line in enumerate(lines, start=1):
        heading = HEADING.match(line)
        if heading:
            low, high = int(heading.group(1)), int(heading.group(2))
            if low > high:
                raise FormatError(f"line {number}: range {low}-{high} is reversed")
            section = {"low": low, "high": high, "group": canonical_group(heading.group(3)),
                       "state": "start", "count": 0}
            sections.append(section)
            continue
        if line.startswith("#") and section is not None:
            raise FormatError(f"line {number}: unexpected heading {line!r}")
        if section is None:
            continue  # front matter and introduction
        allocation = parse_section_line(line, number, section)
        if allocation:
            section["count"] += 1
            allocations.append(allocation)
    for s in sections:
        if s["state"] not in ("rows", "none"):
            raise FormatError(f"section {s['group']} has no table")
    if len(allocations) < MIN_ALLOCATIONS:
        raise FormatError(f"only {len(allocations)} allocations, expected at least "
                          f"{MIN_ALLOCATIONS}")
    return allocations, sections


def parse_source(text):
    fields = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            fields[key.strip()] = value.strip()
    for key in ("url", "commit", "ms_date"):
        if not fields.get(key):
            raise FormatError(f"the source file has no {key}=")
    return fields


def cpp_string(text):
    if any(ord(c) < 0x20 for c in text):
        raise FormatError(f"control character in {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("?", "\\?") + '"'


def generate(allocations, sections, source):
    out = ["// Generated by probes/data/allocated_altitudes.py from probes/data/allocated-altitudes.md;",
           "// do not edit. Refresh the list with tests/tools/refresh_allocated_altitudes.sh.",
           '#include "probes/windows/allocated_altitudes.h"', "", "namespace preflight {",
           "namespace {", "",
           f"constexpr std::array<AltitudeAllocation, {len(allocations)}> kAllocations = {{{{"]
    for a in allocations:
        out.append("    {" + ", ".join([cpp_string(a["name"]), cpp_string(a["note"]),
                                        cpp_string(a["altitude"]), cpp_string(a["company"]),
                                        cpp_string(a["group"]),
                                        "true" if a["retired"] else "false"]) + "},")
    out += ["}};", "",
            f"constexpr std::array<AltitudeSection, {len(sections)}> kSections = {{{{"]
    for s in sections:
        out.append(f"    {{{s['low']}, {s['high']}, {cpp_string(s['group'])}, {s['count']}}},")
    out += ["}};", "", "}  // namespace", "",
            "const AllocatedAltitudes& OfficialAltitudes() {",
            "  static const AllocatedAltitudes kList{kAllocations, kSections, "
            f"{cpp_string(source['url'])}, {cpp_string(source['commit'])}, "
            f"{cpp_string(source['ms_date'])}}};",
            "  return kList;", "}", "", "}  // namespace preflight", ""]
    return "\n".join(out)


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            allocations, sections = parse(f.read())
        with open(argv[2], encoding="utf-8") as f:
            source = parse_source(f.read())
        code = generate(allocations, sections, source)
    except FormatError as error:
        print(f"{argv[1]}: {error}", file=sys.stderr)
        return 1
    with open(argv[3], "w", encoding="utf-8") as f:
        f.write(code)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
