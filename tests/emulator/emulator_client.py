"""Test-side helpers: run the emulator as a real process and talk to it over loopback HTTP
with http.client (which never consults proxy variables) and bounded reads."""

import http.client
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "azure_emulator.py")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
READY_TIMEOUT = 10  # seconds; the emulator needs well under one on this machine
MAX_READ = 4 * 1024 * 1024  # tests never need more of a body than this


class HttpResult:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        return self.headers.get(name.lower())


def request(url, method="GET", headers=None, body=None, timeout=5.0, limit=MAX_READ):
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "::1"), "tests only ever talk to loopback"
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + ("?" + parts.query if parts.query else "")
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict(headers or {}, **{"Content-Type": "application/json"})
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read(limit)
        declared = resp.getheader("Content-Length")
        if declared is not None and len(data) < min(limit, int(declared)):
            # read(n) returns short data silently; a full read() would raise this.
            raise http.client.IncompleteRead(data, int(declared) - len(data))
        return HttpResult(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


class EmulatorProcess:
    def __init__(self, scenario, extra_args=(), key_dir=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="azure-emulator-test-")
        self.log_path = os.path.join(self.tmp.name, "requests.jsonl")
        self.key_dir = key_dir or os.path.join(self.tmp.name, "tokens")
        args = [PYTHON, SCRIPT, "--scenario", scenario, "--log", self.log_path,
                "--key-dir", self.key_dir, *extra_args]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ready, _, _ = select.select([self.proc.stdout], [], [], READY_TIMEOUT)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.proc.kill()
            err = self.proc.stderr.read().decode(errors="replace")
            raise RuntimeError(f"emulator did not become ready: {err}")
        self.info = json.loads(line)
        self.main = self.info["arm_endpoint"]
        self.himds = self.info["himds_endpoint"]

    def control(self, method, path, body=None):
        return request(self.main + "/__emulator/" + path, method, body=body)

    def use(self, scenario):
        body = {"name": scenario} if isinstance(scenario, str) else {"scenario": scenario}
        res = self.control("POST", "scenario", body)
        assert res.status == 200, res.body
        self.control("DELETE", "log")

    def log(self):
        return self.control("GET", "log").json()["entries"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()
        code = self.proc.returncode
        self.tmp.cleanup()
        return code
