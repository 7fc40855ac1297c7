#!/usr/bin/env python3
"""Loopback HTTP server for the HTTP-layer integration tests (stdlib only).

Binds 127.0.0.1 on an ephemeral port, prints "PORT <n>" on its first stdout line, and serves
until killed or until its stdin closes (so it never outlives the test that started it).

Routes (query parameters in brackets):
  /ok                    200 "hello" with a few headers, echoes the request target
  /echo                  200 JSON {method, target, headers, body} of the request
  /status [code]         an empty response with that status
  /redirect              302 to /ok
  /throttle [key,after]  first request per key: 429 + Retry-After: after; then 200
  /flap [key,fail]       first `fail` requests per key: 503; then 200
  /times [of]            JSON list of the monotonic arrival times of requests with key `of`
  /big [size]            200 with a Content-Length body of `size` bytes
  /big-chunked [size]    the same, chunked (no length known in advance)
  /many-headers [count]  200 with `count` 1 KiB headers
  /hang                  reads the request, never answers
  /slow                  200 chunked, one byte every 50 ms, forever
  /truncated             Content-Length: 100, sends 10 bytes, closes
"""

import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
TIMES = {}  # key -> monotonic arrival times
# No test needs a connection held longer; the cap keeps a stuck client from pinning a thread.
HOLD_SECONDS = 30


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.route()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def hold_until_client_leaves(self, tick=None):
        """Keeps the connection open; `tick` (if any) runs every 50 ms until it raises."""
        self.connection.settimeout(0.05)
        end = time.monotonic() + HOLD_SECONDS
        while time.monotonic() < end:
            try:
                if self.connection.recv(1, socket.MSG_PEEK) == b"":
                    break  # client closed
            except socket.timeout:
                pass
            except OSError:
                break
            if tick is not None:
                try:
                    tick()
                except OSError:
                    break
        self.close_connection = True

    def route(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        key = query.get("key", url.path)
        with LOCK:
            TIMES.setdefault(key, []).append(time.monotonic())
            count = len(TIMES[key])
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        path = url.path

        if path == "/ok":
            self.send(200, b"hello", [("X-Test", "yes"), ("x-ms-request-id", "req-42"),
                                      ("X-Request-Target", self.path)])
        elif path == "/echo":
            echo = {"method": self.command, "target": self.path,
                    "headers": [[k, v] for k, v in self.headers.items()],
                    "body": body.decode("latin-1")}
            self.send(200, json.dumps(echo).encode(), [("Content-Type", "application/json")])
        elif path == "/status":
            self.send(int(query.get("code", "200")))
        elif path == "/redirect":
            self.send(302, b"", [("Location", "/ok")])
        elif path == "/throttle":
            if count == 1:
                self.send(429, b"slow down", [("Retry-After", query.get("after", "1"))])
            else:
                self.send(200, b"done")
        elif path == "/flap":
            if count <= int(query.get("fail", "2")):
                self.send(503, b"busy")
            else:
                self.send(200, b"recovered")
        elif path == "/times":
            with LOCK:
                times = list(TIMES.get(query.get("of", ""), []))
            self.send(200, json.dumps(times).encode(), [("Content-Type", "application/json")])
        elif path == "/big":
            self.send(200, b"x" * int(query.get("size", "0")))
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            remaining = int(query.get("size", "0"))
            try:
                while remaining > 0:
                    n = min(remaining, 4096)
                    self.wfile.write(b"%x\r\n%s\r\n" % (n, b"x" * n))
                    remaining -= n
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                self.close_connection = True
        elif path == "/many-headers":
            self.send_response(200)
            for i in range(int(query.get("count", "100"))):
                self.send_header("X-Filler-%d" % i, "f" * 1024)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/hang":
            self.hold_until_client_leaves()
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

            def drip():
                self.wfile.write(b"1\r\nx\r\n")
                self.wfile.flush()

            self.hold_until_client_leaves(drip)
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        else:
            self.send(404, b"no such route")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that hang up early are what several tests do on purpose.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
