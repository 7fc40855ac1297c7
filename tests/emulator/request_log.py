"""One JSON line per request, to a file and to a bounded in-memory list.

Authorization values, tokens and key-file secrets are never written: the Authorization header
becomes "<scheme> <redacted sha256:xxxxxxxx>" so a test can tell two credentials apart without
the log holding either (STYLE.md rule 10).
"""

import collections
import datetime
import hashlib
import json
import threading

LOGGED_HEADERS = ("metadata", "x-forwarded-for", "user-agent", "content-type", "content-length",
                  "x-ms-client-request-id", "x-ms-correlation-request-id",
                  "x-ms-return-client-request-id", "authorization", "host", "connection")
MAX_IN_MEMORY = 20000  # plenty for any test run; keeps a runaway client from eating memory


def now_iso_ms(t=None):
    dt = datetime.datetime.fromtimestamp(t, datetime.timezone.utc) if t else \
        datetime.datetime.now(datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def redact_authorization(value):
    scheme, _, secret = value.partition(" ")
    digest = hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()[:8]
    return f"{scheme} <redacted sha256:{digest}>"


def selected_headers(headers):
    out = {}
    for name in LOGGED_HEADERS:
        value = headers.get(name)
        if value is None:
            continue
        out[name] = redact_authorization(value) if name == "authorization" else value
    return out


class RequestLog:
    def __init__(self, path):
        self._path = path
        self._lock = threading.Lock()
        self._entries = collections.deque(maxlen=MAX_IN_MEMORY)
        self._file = open(path, "a", encoding="utf-8") if path else None

    def append(self, entry):
        line = json.dumps(entry, separators=(",", ":"), sort_keys=True)
        with self._lock:
            self._entries.append(entry)
            if self._file:
                self._file.write(line + "\n")
                self._file.flush()

    def entries(self):
        with self._lock:
            return list(self._entries)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def close(self):
        with self._lock:
            if self._file:
                self._file.close()
                self._file = None
