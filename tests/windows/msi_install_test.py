#!/usr/bin/env python3
"""Installs the MSI under Wine and removes it again.

  msi_install_test.py WINE MSI

`msiexec /i MSI /qn` must put mde-preflight.exe in Program Files\\mde-preflight, register the
mde-preflight service (automatic start, LocalSystem, the installed exe with 'service') and start
it; `msiexec /x MSI /qn` must stop and remove the service and the files.
"""

import os
import subprocess
import sys

SERVICE_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\mde-preflight"
EXE = r"C:\Program Files\mde-preflight\mde-preflight.exe"


def main():
    wine, msi = sys.argv[1], sys.argv[2]
    msi_windows = "Z:" + msi.replace("/", "\\")
    failures = []

    def run(*args):
        result = subprocess.run([wine, *args], stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, errors="replace", timeout=240)
        return result.returncode, result.stdout.replace("\r", "")

    def expect(condition, message):
        if not condition:
            failures.append(message)

    def exe_exists():
        code, out = run("winepath", "-u", EXE)  # where the prefix keeps C:\ on this host
        return code == 0 and os.path.isfile(out.strip())

    # A registration left by an earlier, interrupted run would make this an upgrade.
    run("msiexec", "/x", msi_windows, "/qn")

    code, out = run("msiexec", "/i", msi_windows, "/qn")
    expect(code == 0, "msiexec /i exited with %d: %s" % (code, out))
    expect(exe_exists(), "%s is not installed" % EXE)
    code, registration = run("reg", "query", SERVICE_KEY)
    expect(code == 0, "the service is not registered: %s" % registration)
    expect(EXE in registration and "service" in registration.split(EXE, 1)[-1],
           "ImagePath does not run the installed exe with 'service': %s" % registration)
    expect("ObjectName    REG_SZ    LocalSystem" in registration, "not LocalSystem")
    expect("Start    REG_DWORD    0x2" in registration, "not automatic start")
    code, state = run("sc", "query", "mde-preflight")
    expect("RUNNING" in state, "the MSI did not start the service: %s" % state)

    code, out = run("msiexec", "/x", msi_windows, "/qn")
    expect(code == 0, "msiexec /x exited with %d: %s" % (code, out))
    code, registration = run("reg", "query", SERVICE_KEY)
    expect(code != 0, "the service is still registered after removal: %s" % registration)
    expect(not exe_exists(), "%s is still there after removal" % EXE)

    for failure in failures:
        print("FAIL:", failure)
    print("%d checks failed" % len(failures) if failures else "MSI installed and removed under Wine")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
