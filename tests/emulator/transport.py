"""HTTP plumbing: a loopback-only ThreadingHTTPServer, Request/Response, and sending."""

import ipaddress
import json
import socket
import socketserver
import sys
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_REQUEST_BODY = 1024 * 1024  # nothing we emulate takes more than a few KiB of request body
REQUEST_TIMEOUT = 30  # seconds a client may idle on a kept-alive connection


def require_loopback(host):
    """Refuses anything but a loopback literal, so the emulator can never listen off-host."""
    try:
        addr = ipaddress.ip_address(host)
    except ValueError as e:
        raise ValueError(f"bind address must be a loopback IP literal, got {host!r}") from e
    if not addr.is_loopback:
        raise ValueError(f"bind address must be loopback (127.0.0.1 or ::1), got {host!r}")
    return addr


class Response:
    def __init__(self, status, body=b"", headers=None, action=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.action = action  # None, or "reset" to drop the connection with RST

    @classmethod
    def json(cls, status, obj, headers=None):
        body = json.dumps(obj, separators=(",", ":")).encode()
        return cls(status, body, [("Content-Type", "application/json; charset=utf-8")] +
                   list(headers or []))

    @classmethod
    def text(cls, status, text, headers=None):
        return cls(status, text.encode(), [("Content-Type", "text/plain; charset=utf-8")] +
                   list(headers or []))

    @classmethod
    def reset(cls):
        return cls(0, action="reset")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class Request:
    def __init__(self, handler, listener, body):
        split = urllib.parse.urlsplit(handler.path)
        self.listener = listener
        self.method = handler.command
        self.target = handler.path
        self.path = urllib.parse.unquote(split.path)
        self.raw_query = split.query
        self.query_pairs = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        self.headers = handler.headers
        self.body = body
        self.client_ip = handler.client_address[0]
        host = handler.headers.get("Host") or "%s:%d" % handler.server.server_address[:2]
        self.base_url = "http://" + host
        self.notes = []  # short event markers added to this request's log line
        self.log_extra = {}

    def q(self, name, default=None):
        """First value of a query parameter, name compared case-insensitively."""
        for k, v in self.query_pairs:
            if k.lower() == name.lower():
                return v
        return default

    def has_duplicate_query(self):
        names = [k for k, _ in self.query_pairs]
        return len(names) != len(set(names))

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def json_body(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True  # a hung or streaming handler must not keep the process alive
    allow_reuse_address = True

    def __init__(self, host, port, listener, app):
        addr = require_loopback(host)
        self.address_family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
        self.listener = listener
        self.app = app
        super().__init__((host, port), EmulatorHandler)

    def server_bind(self):
        # HTTPServer.server_bind calls socket.getfqdn(), which may query DNS; skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked streaming
    server_version = "azure-emulator"
    sys_version = ""
    timeout = REQUEST_TIMEOUT

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without NODELAY, Nagle plus the peer's
        # delayed ACK add ~40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):  # the JSON request log replaces stderr chatter
        pass

    def _handle(self):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._plain_error(411, "Length Required")
            return
        try:
            n = int(length) if length else 0
        except ValueError:
            self._plain_error(400, "Bad Content-Length")
            return
        if n < 0 or n > MAX_REQUEST_BODY:
            self._plain_error(413, "Request body too large")
            return
        body = self.rfile.read(n) if n else b""
        req = Request(self, self.server.listener, body)
        try:
            self.server.app.handle(self, req)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout):
            self.close_connection = True
        except Exception:  # an emulator bug: say so loudly rather than drop the connection
            traceback.print_exc(file=sys.stderr)
            try:
                send(self, Response.json(500, {"error": "azure emulator internal error; see "
                                                        "its stderr"}), close=True)
            except OSError:
                self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def _plain_error(self, status, text):
        send(self, Response.text(status, text + "\n"), close=True)


def send(handler, resp, close=False):
    if resp.action == "reset":
        from faults import reset_connection
        reset_connection(handler)
        return
    handler.send_response(resp.status)
    for k, v in resp.headers:
        handler.send_header(k, v)
    handler.send_header("Content-Length", str(len(resp.body)))
    if close:
        handler.send_header("Connection", "close")
        handler.close_connection = True
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(resp.body)
    handler.wfile.flush()
