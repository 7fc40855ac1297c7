"""Fault rules from a scenario's "faults" list and how each fault is put on the wire.

A rule: {"match": {...}, "kind": ..., "times": N, "skip": N, "pattern": "FO", ...options}.
match keys (all optional, all must hold): listener (main|himds), family (glob: imds,
imds_identity, himds, himds_identity, entra, arm, graph), route (glob over route names such as
"arm.security.pricings.get"), method, path_regex (case-insensitive search).
times: fire at most N times (default unlimited). skip: let the first N matching requests pass.
pattern: cyclic over matching requests, F = fault, O = pass ("FO" flaps).
"""

import email.utils
import fnmatch
import json
import math
import os
import re
import socket
import struct
import threading
import time

KINDS = ("status", "reset", "hang", "slow_body", "truncated_body", "malformed_json",
         "oversized_body", "never_ending_body")
# Faults that replace the response without running the endpoint (so no side effects happen).
NO_HANDLER_KINDS = ("status", "reset", "hang", "oversized_body", "never_ending_body")
STREAM_CHUNK = 64 * 1024


class FaultRule:
    def __init__(self, spec, index):
        if spec.get("kind") not in KINDS:
            raise ValueError(f"fault #{index}: kind must be one of {KINDS}")
        if spec["kind"] == "status" and not isinstance(spec.get("status"), int):
            raise ValueError(f"fault #{index}: kind 'status' needs an integer 'status'")
        self.spec = spec
        self.index = index
        m = spec.get("match", {})
        self.listener = m.get("listener")
        self.family = m.get("family")
        self.route = m.get("route")
        self.method = m.get("method")
        self.path_re = re.compile(m["path_regex"], re.I) if m.get("path_regex") else None
        self.times = spec.get("times")
        self.skip = spec.get("skip", 0)
        self.pattern = spec.get("pattern")
        self.seen = 0
        self.fired = 0

    @property
    def kind(self):
        return self.spec["kind"]

    def matches(self, req, family, route):
        if self.listener and self.listener != req.listener:
            return False
        if self.family and not fnmatch.fnmatchcase(family, self.family):
            return False
        if self.route and not fnmatch.fnmatchcase(route, self.route):
            return False
        if self.method and self.method.upper() != req.method:
            return False
        if self.path_re and not self.path_re.search(req.path):
            return False
        return True

    def take(self):
        n = self.seen
        self.seen += 1
        if n < self.skip:
            return False
        if self.pattern and self.pattern[(n - self.skip) % len(self.pattern)] != "F":
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.fired += 1
        return True


class FaultPlan:
    def __init__(self, specs):
        self._rules = [FaultRule(s, i) for i, s in enumerate(specs or [])]
        self._lock = threading.Lock()

    def pick(self, req, family, route):
        with self._lock:
            for rule in self._rules:
                if rule.matches(req, family, route) and rule.take():
                    return rule
        return None

    def counters(self):
        with self._lock:
            return [{"index": r.index, "kind": r.kind, "seen": r.seen, "fired": r.fired}
                    for r in self._rules]


# ---- status faults -------------------------------------------------------------------------
ARM_CODES = {404: "NotFound", 408: "RequestTimeout", 409: "Conflict", 410: "Gone",
             # ARM throttling code is [C] (azure.md §6).
             429: "SubscriptionRequestsThrottled", 500: "InternalServerError", 502: "BadGateway",
             503: "ServiceUnavailable", 504: "GatewayTimeout"}
# IMDS texts follow the doc's error table (azure.md §1.5); the exact strings are [U].
IMDS_TEXT = {404: "Not found", 410: "Retry after some time for a max of 70 seconds",
             429: "Too many requests", 500: "Retry after some time"}
IDENTITY_CODES = {404: "not_found", 410: "service_unavailable", 429: "too_many_requests",
                  500: "unknown"}


def default_error_body(family, status):
    if family in ("arm", "graph"):
        code = ARM_CODES.get(status, f"HttpStatus{status}")
        return {"error": {"code": code, "message": f"Injected fault: HTTP {status}."}}
    if family in ("imds_identity", "himds_identity", "entra"):
        code = IDENTITY_CODES.get(status, "server_error" if status >= 500 else "invalid_request")
        return {"error": code, "error_description": f"Injected fault: HTTP {status}."}
    return {"error": IMDS_TEXT.get(status, f"Injected fault: HTTP {status}.")}


def retry_headers(spec):
    """Retry-After in seconds or as an HTTP-date, and the ms variants (azure.md §6)."""
    headers = []
    if "retry_after" in spec:
        headers.append(("Retry-After", str(spec["retry_after"])))
    if "retry_after_date" in spec:
        # Round up so the date is never earlier than now + N at one-second resolution.
        when = math.ceil(time.time()) + float(spec["retry_after_date"])
        headers.append(("Retry-After", email.utils.formatdate(when, usegmt=True)))
    if "retry_after_ms" in spec:
        headers.append(("retry-after-ms", str(spec["retry_after_ms"])))
    if "x_ms_retry_after_ms" in spec:
        headers.append(("x-ms-retry-after-ms", str(spec["x_ms_retry_after_ms"])))
    for k, v in spec.get("headers", {}).items():
        headers.append((k, str(v)))
    return headers


def status_response(spec, family, response_cls):
    status = spec["status"]
    body = spec.get("body", default_error_body(family, status))
    resp = response_cls.json(status, body) if not isinstance(body, str) else \
        response_cls(status, body.encode(), [("Content-Type", "application/json; charset=utf-8")])
    resp.headers.extend(retry_headers(spec))
    return resp


# ---- body faults ---------------------------------------------------------------------------
WRONG_TYPES = {"id": 42, "name": None, "properties": [], "value": "not-a-list", "compute": 7,
               "access_token": 123, "expires_in": "soon", "expires_on": [], "data": "x",
               "error": {"code": []}}


def malformed_body(spec, real_body):
    variant = spec.get("variant", "cut")
    if variant == "cut":  # a JSON object cut in the middle is never valid JSON
        return real_body[: max(1, len(real_body) // 2)]
    if variant == "html":
        return b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
    if variant == "wrong_types":
        return json.dumps(WRONG_TYPES).encode()
    if variant == "binary":
        return b"\x00\xff\xfe{\"value\":\x00" + os.urandom(64)
    if variant == "empty":
        return b""
    if variant == "deep":  # nesting bombs recursive parsers
        depth = int(spec.get("depth", 100000))
        return b"[" * depth + b"]" * depth
    raise ValueError(f"unknown malformed_json variant {variant!r}")


def reset_connection(handler):
    """Closes with RST (SO_LINGER 0) so the client sees ECONNRESET, not a clean EOF."""
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
    except OSError:
        pass
    handler.close_connection = True


def hang(handler, spec, stop_event):
    stop_event.wait(float(spec.get("seconds", 600)))
    handler.close_connection = True


def write_status_and_headers(handler, status, headers):
    handler.send_response_only(status)
    for k, v in headers:
        handler.send_header(k, v)
    handler.end_headers()


def slow_body(handler, resp, spec, stop_event):
    chunk = int(spec.get("chunk_bytes", 16))
    interval = float(spec.get("interval", 0.5))
    write_status_and_headers(handler, resp.status,
                             resp.headers + [("Content-Length", str(len(resp.body)))])
    handler.wfile.flush()
    for i in range(0, len(resp.body), chunk):
        handler.wfile.write(resp.body[i:i + chunk])
        handler.wfile.flush()
        if stop_event.wait(interval):
            break
    handler.close_connection = True


def truncated_body(handler, resp, spec):
    sent = resp.body[: int(len(resp.body) * float(spec.get("fraction", 0.5)))]
    declared = len(resp.body) + int(spec.get("extra_declared", 0))
    write_status_and_headers(handler, resp.status,
                             resp.headers + [("Content-Length", str(declared))])
    handler.wfile.write(sent)
    handler.wfile.flush()
    handler.close_connection = True
    try:
        handler.connection.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def _filler():
    return (b'{"id":"/filler","name":"filler","properties":{"pad":"' + b"x" * 200 + b'"}},') * 256


def oversized_body(handler, spec, stop_event, base_headers):
    size = int(spec.get("size", 20 * 1024 * 1024))
    head, tail = b'{"value":[', b'{}]}'
    headers = base_headers + [("Content-Type", "application/json; charset=utf-8"),
                              ("Content-Length", str(size))]
    write_status_and_headers(handler, int(spec.get("status_code", 200)), headers)
    handler.wfile.write(head)
    remaining = size - len(head) - len(tail)
    filler = _filler()
    while remaining > 0 and not stop_event.is_set():
        piece = filler[: min(len(filler), remaining)]
        handler.wfile.write(piece)
        remaining -= len(piece)
    handler.wfile.write(tail)
    handler.close_connection = True


def never_ending_body(handler, spec, stop_event, base_headers):
    chunked = spec.get("mode", "chunked") == "chunked"
    headers = base_headers + [("Content-Type", "application/json; charset=utf-8")]
    headers.append(("Transfer-Encoding", "chunked") if chunked else ("Connection", "close"))
    write_status_and_headers(handler, 200, headers)
    filler = _filler()
    first = b'{"value":[' + filler
    data = first
    while not stop_event.is_set():
        if chunked:
            handler.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        else:
            handler.wfile.write(data)
        data = filler
    handler.close_connection = True
