"""What the MSI tests under Wine share: running Windows programs, reading the registry, the
installed products and the service's state."""

import os
import subprocess

SERVICE_NAME = "mde-preflight"
SERVICE_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\mde-preflight"
PRODUCT_NAME = "MDE preflight"  # the wxs Product Name, the DisplayName of its Uninstall key
INSTALL_DIR = r"C:\Program Files\mde-preflight"
EXE = INSTALL_DIR + r"\mde-preflight.exe"
UNINSTALL_KEY = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall"


class Wine:
    def __init__(self, wine):
        self.wine = wine

    def run(self, *args, timeout=240):
        """(exit code, standard output without carriage returns)."""
        result = subprocess.run([self.wine, *args], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, errors="replace",
                                timeout=timeout)
        return result.returncode, result.stdout.replace("\r", "")

    def unix_path(self, windows_path):
        """Where the prefix keeps a Windows path on this host."""
        code, out = self.run("winepath", "-u", windows_path)
        if code != 0 or not out.strip():
            raise RuntimeError("winepath -u %s failed: %s" % (windows_path, out))
        return out.strip()

    def msiexec(self, *args):
        return self.run("msiexec", *args, "/qn")

    def service_state(self):
        """RUNNING, STOPPED, ... or None when the service is not registered."""
        code, out = self.run("sc", "query", SERVICE_NAME)
        for line in out.splitlines():
            if "STATE" in line and ":" in line:
                return line.split()[-1]
        return None if code != 0 or "STATE" not in out else "?"

    def service_registration(self):
        """The service's registry key as `reg query` prints it, or None."""
        code, out = self.run("reg", "query", SERVICE_KEY)
        return out if code == 0 else None

    def installed_products(self):
        """{ProductCode: DisplayVersion} of every installed product named PRODUCT_NAME, from the
        Uninstall keys Windows Installer writes (RegisterProduct)."""
        _code, out = self.run("reg", "query", UNINSTALL_KEY, "/s")
        products, key, values = {}, None, {}

        def flush():
            if key and values.get("DisplayName") == PRODUCT_NAME:
                products[key.rsplit("\\", 1)[-1]] = values.get("DisplayVersion")

        for line in out.splitlines():
            if line.startswith("HKEY_"):
                flush()
                key, values = line.strip(), {}
            elif "    REG_" in line:
                name, _type, *value = line.strip().split(None, 2)
                values[name] = value[0] if value else ""
        flush()
        return products


def msi_property(msiinfo, msi, name):
    """A value of the MSI's Property table (msiinfo export: 3 header lines, tab-separated)."""
    text = subprocess.run([msiinfo, "export", msi, "Property"], check=True, capture_output=True,
                          text=True).stdout
    for line in text.splitlines()[3:]:
        fields = line.split("\t")
        if fields[0] == name:
            return fields[1]
    raise KeyError("%s has no property %s" % (msi, name))


def windows_path(unix_path):
    """Wine's Z: drive maps the host's /."""
    return "Z:" + os.path.abspath(unix_path).replace("/", "\\")
