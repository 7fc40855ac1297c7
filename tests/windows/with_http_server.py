#!/usr/bin/env python3
"""Runs a command (a Windows test under Wine) next to tests/integration/http_test_server.py.

  with_http_server.py SERVER_SCRIPT COMMAND...

The server binds 127.0.0.1 on an ephemeral port; the command finds it in MDE_TEST_HTTP_PORT.
The server exits when this script ends (it watches its stdin, a pipe only we hold). The
command's exit code is ours.
"""

import os
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        print("usage: with_http_server.py SERVER_SCRIPT COMMAND...", file=sys.stderr)
        return 2
    server = subprocess.Popen([sys.executable, sys.argv[1]], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if not line.startswith("PORT "):
            print("with_http_server.py: the server did not start: %r" % line, file=sys.stderr)
            return 2
        env = dict(os.environ, MDE_TEST_HTTP_PORT=line.split()[1])
        # The server's pipes are not inherited (close_fds), so only we can end it.
        return subprocess.call(sys.argv[2:], env=env)
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
