#!/usr/bin/env python3
"""Checks the MSI that wixl built (installers/windows/mde-preflight.wxs) with msiinfo.

  check_msi.py MSIINFO MSI

Asserts the files, folders and the service registration rows that the installer must carry.
"""

import subprocess
import sys

# The product's identity across versions: a newer MSI upgrades an older one only when both carry
# it. It must never change (installers/windows/mde-preflight.wxs).
UPGRADE_CODE = "{3875586F-5622-4110-B46B-5F97D1577CE6}"


def table(msiinfo, msi, name):
    """The rows of one table as lists of fields (msiinfo export: 3 header lines, tab-separated)."""
    text = subprocess.run([msiinfo, "export", msi, name], check=True, capture_output=True,
                          text=True).stdout
    return [line.split("\t") for line in text.splitlines()[3:] if line]


def check_upgrade(msiinfo, msi, expect):
    """MajorUpgrade: an older version is removed, a newer one refuses the install."""
    properties = {row[0]: row[1] for row in table(msiinfo, msi, "Property")}
    version = properties.get("ProductVersion")
    expect(properties.get("UpgradeCode", "").upper() == UPGRADE_CODE,
           "UpgradeCode %s, not the product's %s" % (properties.get("UpgradeCode"), UPGRADE_CODE))
    # Upgrade table: UpgradeCode, VersionMin, VersionMax, Language, Attributes, Remove,
    # ActionProperty. msidbUpgradeAttributesMigrateFeatures 0x1, OnlyDetect 0x2,
    # VersionMinInclusive 0x100, VersionMaxInclusive 0x200
    # (https://learn.microsoft.com/windows/win32/msi/upgrade-table).
    rows = {row[6]: row for row in table(msiinfo, msi, "Upgrade")}
    older = rows.get("WIX_UPGRADE_DETECTED")
    expect(older is not None, "no Upgrade row finds an older version: %s" % rows)
    if older:
        attributes = int(older[4])
        expect(older[0].upper() == UPGRADE_CODE and older[1] == "" and older[2] == version,
               "the upgrade row does not cover every version below %s: %s" % (version, older))
        expect(not attributes & 0x2, "older versions are only detected, not removed")
        expect(not attributes & 0x200, "the upgrade row also removes the same version")
    newer = rows.get("WIX_DOWNGRADE_DETECTED")
    expect(newer is not None, "no Upgrade row detects a newer version: %s" % rows)
    if newer:
        attributes = int(newer[4])
        expect(newer[0].upper() == UPGRADE_CODE and newer[1] == version and newer[2] == "",
               "the downgrade row does not cover every version above %s: %s" % (version, newer))
        expect(attributes & 0x2 and not attributes & 0x100,
               "a newer version would be removed, not detected: %#x" % attributes)
    same = rows.get("PREFLIGHT_SAME_OR_NEWER")
    expect(same is not None and same[0].upper() == UPGRADE_CODE and same[1] == version and
           same[2] == "" and int(same[4]) == 0x2 | 0x100,
           "no Upgrade row detects this version or a newer one: %s" % (same,))
    secure = properties.get("SecureCustomProperties", "").split(";")
    for name in ("WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED", "PREFLIGHT_SAME_OR_NEWER"):
        # A per-machine install passes only secure properties to its server side.
        expect(name in secure, "%s is not a secure property: %s" % (name, secure))
    conditions = {row[0]: row[1] for row in table(msiinfo, msi, "LaunchCondition")}
    message = conditions.get("NOT WIX_DOWNGRADE_DETECTED", "")
    expect("A newer version of [ProductName] is already installed" in message,
           "no launch condition refuses a downgrade with a message: %s" % conditions)
    message = conditions.get("Installed OR NOT PREFLIGHT_SAME_OR_NEWER", "")
    expect("[ProductVersion] or a newer version is already installed" in message,
           "no launch condition refuses this version again with a message: %s" % conditions)
    sequence = {row[0]: int(row[2]) for row in table(msiinfo, msi, "InstallExecuteSequence")}
    for action in ("FindRelatedProducts", "RemoveExistingProducts", "LaunchConditions"):
        expect(action in sequence, "%s is not in InstallExecuteSequence" % action)
    if {"FindRelatedProducts", "RemoveExistingProducts", "LaunchConditions"} <= set(sequence):
        expect(sequence["FindRelatedProducts"] < sequence["LaunchConditions"],
               "the launch condition is evaluated before the newer version is found")
        # Between InstallValidate and InstallInitialize: the old product is removed whole
        # before this one installs (its service stopped and deleted, then registered anew).
        expect(sequence["InstallValidate"] < sequence["RemoveExistingProducts"] <
               sequence["InstallInitialize"],
               "RemoveExistingProducts at %d, not between InstallValidate and InstallInitialize"
               % sequence["RemoveExistingProducts"])


def check_data_dir_lock(msiinfo, msi, expect):
    """icacls limits DATADIR to SYSTEM and Administrators (Users read) before the service starts:
    the LocalSystem service reads its config there."""
    actions = {row[0]: row for row in table(msiinfo, msi, "CustomAction")}
    path, lock = actions.get("SetIcaclsPath"), actions.get("LockDataDir")
    expect(path is not None and lock is not None and int(path[1]) & 0x3F == 51 and
           path[2] == lock[2] and path[3] == "[System64Folder]icacls.exe",
           "no property holds icacls.exe's path for LockDataDir: %s %s" % (path, lock))
    if lock:
        # Type 50 (the exe a property names), msidbCustomActionTypeInScript 0x400,
        # msidbCustomActionTypeNoImpersonate 0x800; no 0x40 (continue on error).
        expect(int(lock[1]) == 50 | 0x400 | 0x800,
               "LockDataDir is not a deferred action run as LocalSystem that must succeed: %s"
               % lock[1])
        for part in ('"[DATADIR]."', "/inheritance:r", "/grant:r", "*S-1-5-18:(OI)(CI)F",
                     "*S-1-5-32-544:(OI)(CI)F", "*S-1-5-32-545:(OI)(CI)RX"):
            expect(part in lock[3].split(" "), "LockDataDir's command lacks %s: %s" %
                   (part, lock[3]))
        expect(len(lock[3].split(" ")) == 6, "LockDataDir grants more: %s" % lock[3])
    sequence = {row[0]: row for row in table(msiinfo, msi, "InstallExecuteSequence")}
    if "LockDataDir" in sequence and "SetIcaclsPath" in sequence:
        at = {name: int(row[2]) for name, row in sequence.items()}
        expect(at["CreateFolders"] < at["SetIcaclsPath"] < at["LockDataDir"] <
               at["StartServices"] < at["InstallFinalize"],
               "LockDataDir does not run between CreateFolders and StartServices: %s" % at)
        expect(sequence["LockDataDir"][1] == 'NOT REMOVE~="ALL"',
               "LockDataDir's condition %r" % sequence["LockDataDir"][1])
    else:
        expect(False, "SetIcaclsPath and LockDataDir are not in InstallExecuteSequence")


def main():
    msiinfo, msi = sys.argv[1], sys.argv[2]
    failures = []

    def expect(condition, message):
        if not condition:
            failures.append(message)

    files = {row[2].split("|")[-1]: row for row in table(msiinfo, msi, "File")}
    expect("mde-preflight.exe" in files, "mde-preflight.exe is not in the File table: %s" % files)
    expect("report.schema.json" in files, "report.schema.json is not in the File table")
    expect("Install-MdePreflight.ps1" in files, "the PowerShell install script is not shipped")
    # A file the MSI owns is one an upgrade or a removal deletes: the configuration must not be.
    expect("config.json" not in files,
           "config.json is a file of the MSI: %s" % files.get("config.json"))
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

    check_upgrade(msiinfo, msi, expect)
    check_data_dir_lock(msiinfo, msi, expect)

    for failure in failures:
        print("FAIL:", failure)
    print("%d checks failed" % len(failures) if failures else "MSI contents as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
