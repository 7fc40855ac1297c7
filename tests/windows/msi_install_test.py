#!/usr/bin/env python3
"""Installs the MSI under Wine and removes it again.

  msi_install_test.py WINE MSI

`msiexec /i MSI /qn` must put mde-preflight.exe in Program Files\\mde-preflight, register the
mde-preflight service (automatic start, LocalSystem, the installed exe with 'service') and start
it; `msiexec /x MSI /qn` must stop and remove the service and the files.
"""

import os
import sys

from msi_wine import EXE, Wine, windows_path


def main():
    wine, msi = Wine(sys.argv[1]), sys.argv[2]
    msi_windows = windows_path(msi)
    failures = []
    run = wine.run

    def expect(condition, message):
        if not condition:
            failures.append(message)

    def exe_exists():
        return os.path.isfile(wine.unix_path(EXE))

    # A registration left by an earlier, interrupted run would make this an upgrade.
    run("msiexec", "/x", msi_windows, "/qn")

    code, out = run("msiexec", "/i", msi_windows, "/qn")
    expect(code == 0, "msiexec /i exited with %d: %s" % (code, out))
    expect(exe_exists(), "%s is not installed" % EXE)
    registration = wine.service_registration()
    expect(registration is not None, "the service is not registered")
    registration = registration or ""
    expect(EXE in registration and "service" in registration.split(EXE, 1)[-1],
           "ImagePath does not run the installed exe with 'service': %s" % registration)
    expect("ObjectName    REG_SZ    LocalSystem" in registration, "not LocalSystem")
    expect("Start    REG_DWORD    0x2" in registration, "not automatic start")
    code, state = run("sc", "query", "mde-preflight")
    expect("RUNNING" in state, "the MSI did not start the service: %s" % state)

    code, out = run("msiexec", "/x", msi_windows, "/qn")
    expect(code == 0, "msiexec /x exited with %d: %s" % (code, out))
    registration = wine.service_registration()
    expect(registration is None,
           "the service is still registered after removal: %s" % registration)
    expect(not exe_exists(), "%s is still there after removal" % EXE)

    for failure in failures:
        print("FAIL:", failure)
    print("%d checks failed" % len(failures) if failures else "MSI installed and removed under Wine")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
