#!/usr/bin/env python3
"""Upgrades the MSI in place under Wine, keeping the administrator's configuration.

  msi_upgrade_test.py WINE MSIINFO OLD.msi NEW.msi REBUILT.msi

NEW.msi is the same build with a higher ProductVersion, REBUILT.msi the same version with another
ProductCode (installers/CMakeLists.txt). In order:
  1. An administrator's config.json is in %ProgramData%\\mde-preflight (offline: the checks stay
     off the network), then OLD.msi installs: one product, the service runs and writes its report
     there.
     REBUILT.msi is refused (it would install beside OLD: two products, one service).
  2. The administrator edits config.json (a report_path of their own).
  3. NEW.msi installs over it: one product is registered, NEW's (OLD's ProductCode is gone), the
     files are in Program Files, the service is registered and running, config.json is byte for
     byte the administrator's, and the upgraded service follows it (its report appears at the
     edited report_path).
  4. OLD.msi again is a downgrade: refused with the MSI's message, NEW stays installed and running.
  5. NEW.msi is removed: no product, no service, no program files; config.json is kept (the
     administrator's data; installers/windows/mde-preflight.wxs says why).
"""

import json
import os
import re
import shutil
import sys
import tempfile
import time

from msi_wine import EXE, INSTALL_DIR, Wine, msi_property, windows_path

DATA_DIR = r"C:\ProgramData\mde-preflight"
# Generous for a loaded two-core machine; the offline check run takes well under a second.
REPORT_TIMEOUT_S = 120


def wait_for_file(path, timeout_s=REPORT_TIMEOUT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if os.path.isfile(path) and os.path.getsize(path) > 0:
            return True
        time.sleep(0.5)
    return False


def read_log(path):
    with open(path, "rb") as f:
        raw = f.read()
    return raw.decode("utf-16" if raw[:2] == b"\xff\xfe" else "utf-8", errors="replace")


def main():
    wine, msiinfo = Wine(sys.argv[1]), sys.argv[2]
    old_msi, new_msi, rebuilt_msi = sys.argv[3:6]
    old_code = msi_property(msiinfo, old_msi, "ProductCode")
    new_code = msi_property(msiinfo, new_msi, "ProductCode")
    old_version = msi_property(msiinfo, old_msi, "ProductVersion")
    new_version = msi_property(msiinfo, new_msi, "ProductVersion")
    failures = []

    def expect(condition, message):
        if not condition:
            failures.append(message)
        return condition

    data_dir = wine.unix_path(DATA_DIR)
    config = os.path.join(data_dir, "config.json")
    files = {name: wine.unix_path(INSTALL_DIR + "\\" + name)
             for name in ("mde-preflight.exe", "report.schema.json", "Install-MdePreflight.ps1")}

    # What an earlier, interrupted run may have left.
    for msi in (new_msi, old_msi):
        wine.msiexec("/x", windows_path(msi))
    shutil.rmtree(data_dir, ignore_errors=True)

    # 1. The administrator's config, then OLD.
    os.makedirs(data_dir)
    settings = {"offline": True, "interval_minutes": 5, "timeout_seconds": 30}
    with open(config, "w", encoding="utf-8") as f:
        json.dump(settings, f)
    with tempfile.TemporaryDirectory() as scratch:
        log = os.path.join(scratch, "install.log")
        code, out = wine.msiexec("/i", windows_path(old_msi), "/l*v", windows_path(log))
        expect(code == 0, "msiexec /i %s exited with %d: %s" % (old_msi, code, out))
        # The data folder's access rules (Wine's icacls only pretends; check_msi.py reads the
        # command): the deferred action ran and succeeded.
        text = read_log(log)
        expect(re.search(r"Action ended [\d:]+: LockDataDir\. Return value 1\.", text),
               "LockDataDir did not run: %s" % text[-3000:])
    products = wine.installed_products()
    expect(products == {old_code: old_version},
           "after installing %s: products %s" % (old_version, products))
    expect(wine.service_state() == "RUNNING", "%s did not start the service" % old_version)
    expect(wait_for_file(os.path.join(data_dir, "report.json")),
           "the %s service wrote no report to %s\\report.json" % (old_version, DATA_DIR))

    # Exit code 1603 as in step 4.
    code, out = wine.msiexec("/i", windows_path(rebuilt_msi))
    expect(code in (1603, 1603 & 0xFF), "the same version rebuilt exited with %d, not 1603" % code)
    products = wine.installed_products()
    expect(products == {old_code: old_version}, "after the same version again: %s" % products)

    # 2. The administrator's edit.
    settings["report_path"] = DATA_DIR + r"\edited-report.json"
    edited = (json.dumps(settings, indent=2) + "\r\n").encode()
    with open(config, "wb") as f:
        f.write(edited)

    # 3. The upgrade.
    code, out = wine.msiexec("/i", windows_path(new_msi))
    expect(code == 0, "the upgrade (msiexec /i %s) exited with %d: %s" % (new_msi, code, out))
    products = wine.installed_products()
    expect(products == {new_code: new_version},
           "after the upgrade: products %s, expected only %s %s" % (products, new_code,
                                                                     new_version))
    for name, path in files.items():
        expect(os.path.isfile(path), "%s is missing after the upgrade" % name)
    registration = wine.service_registration() or ""
    expect(EXE in registration, "the service does not run %s: %s" % (EXE, registration))
    expect(wine.service_state() == "RUNNING", "the service is not running after the upgrade")
    with open(config, "rb") as f:
        expect(f.read() == edited, "the upgrade changed the administrator's config.json")
    expect(wait_for_file(os.path.join(data_dir, "edited-report.json")),
           "the upgraded service did not follow the kept config (no edited-report.json)")

    # 4. The downgrade is refused: FindRelatedProducts finds the newer product and the launch
    # condition MajorUpgrade adds fails (its message is in the MSI; check_msi.py reads it there,
    # Wine's msiexec does not log it under /qn). Exit code 1603, ERROR_INSTALL_FAILURE; Wine hands
    # the host only its low 8 bits.
    with tempfile.TemporaryDirectory() as scratch:
        log = os.path.join(scratch, "downgrade.log")
        code, out = wine.msiexec("/i", windows_path(old_msi), "/l*v", windows_path(log))
        expect(code in (1603, 1603 & 0xFF), "the downgrade exited with %d, not 1603" % code)
        text = read_log(log)
        expect("WIX_DOWNGRADE_DETECTED = %s" % new_code in text,
               "the downgrade did not detect the newer product %s: %s" % (new_code, text[:3000]))
    products = wine.installed_products()
    expect(products == {new_code: new_version}, "after the downgrade attempt: %s" % products)
    expect(wine.service_state() == "RUNNING", "the refused downgrade stopped the service")

    # 5. The removal keeps the administrator's data.
    code, out = wine.msiexec("/x", windows_path(new_msi))
    expect(code == 0, "msiexec /x exited with %d: %s" % (code, out))
    expect(wine.installed_products() == {}, "products left: %s" % wine.installed_products())
    expect(wine.service_registration() is None, "the service is still registered")
    for name, path in files.items():
        expect(not os.path.exists(path), "%s is still there after the removal" % name)
    expect(os.path.isfile(config) and open(config, "rb").read() == edited,
           "the removal did not keep the administrator's config.json")

    shutil.rmtree(data_dir, ignore_errors=True)
    for failure in failures:
        print("FAIL:", failure)
    print("%d checks failed" % len(failures) if failures else
          "MSI %s installed, upgraded to %s keeping config.json, downgrade refused, removed" %
          (old_version, new_version))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
