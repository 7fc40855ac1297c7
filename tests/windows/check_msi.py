#!/usr/bin/env python3
"""Checks the MSI that wixl built (installers/windows/mde-preflight.wxs) with msiinfo.

  check_msi.py MSIINFO MSI

Asserts the files, folders and the service registration rows that the installer must carry.
"""

import subprocess
import sys


def table(msiinfo, msi, name):
    """The rows of one table as lists of fields (msiinfo export: 3 header lines, tab-separated)."""
    text = subprocess.run([msiinfo, "export", msi, name], check=True, capture_output=True,
                          text=True).stdout
    return [line.split("\t") for line in text.splitlines()[3:] if line]


def main():
    msiinfo, msi = sys.argv[1], sys.argv[2]
    failures = []

    def expect(condition, message):
        if not condition:
            failures.append(message)

    files = {row[2].split("|")[-1]: row for row in table(msiinfo, msi, "File")}
    expect("mde-preflight.exe" in files, "mde-preflight.exe is not in the File table: %s" % files)
    expect("report.schema.json" in files, "report.schema.json is not in the File table")
    if "mde-preflight.exe" in files:
        expect(int(files["mde-preflight.exe"][3]) > 100000,
               "mde-preflight.exe is only %s bytes" % files["mde-preflight.exe"][3])

    directories = {row[0]: row for row in table(msiinfo, msi, "Directory")}
    expect(directories.get("INSTALLDIR", [None, None])[1] == "ProgramFiles64Folder",
           "the program does not go to Program Files (64-bit): %s" % directories.get("INSTALLDIR"))
    expect(directories.get("DATADIR", [None, None])[1] == "CommonAppDataFolder",
           "the config folder is not under ProgramData: %s" % directories.get("DATADIR"))
    expect(any(row[0] == "DATADIR" for row in table(msiinfo, msi, "CreateFolder")),
           "the ProgramData folder is not created")

    services = table(msiinfo, msi, "ServiceInstall")
    expect(len(services) == 1, "expected one ServiceInstall row, got %s" % services)
    if services:
        name, _display, service_type, start_type, _error = services[0][1:6]
        expect(name == "mde-preflight", "service name %r" % name)
        expect(int(service_type) == 0x10, "not an own-process service: %s" % service_type)
        expect(int(start_type) == 2, "not automatic start: %s" % start_type)
        expect(services[0][8] == "LocalSystem", "account %r" % services[0][8])
        expect(services[0][10] == "service", "arguments %r" % services[0][10])
    controls = table(msiinfo, msi, "ServiceControl")
    expect(len(controls) == 1, "expected one ServiceControl row, got %s" % controls)
    if controls:
        # msidbServiceControlEvent: start on install 0x1, stop on install 0x2 and uninstall 0x20,
        # delete on uninstall 0x80.
        event = int(controls[0][2])
        expect(event & 0x1 and event & 0x2 and event & 0x20 and event & 0x80,
               "service control events %#x" % event)
    sequence = {row[0] for row in table(msiinfo, msi, "InstallExecuteSequence")}
    for action in ("InstallServices", "StartServices", "StopServices", "DeleteServices"):
        expect(action in sequence, "%s is not in InstallExecuteSequence" % action)

    for failure in failures:
        print("FAIL:", failure)
    print("%d checks failed" % len(failures) if failures else "MSI contents as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
