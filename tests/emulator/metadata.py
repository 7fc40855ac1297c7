"""Azure IMDS (instance metadata + managed-identity token) and Arc HIMDS with the key-file
challenge. Facts from azure.md §1 (IMDS) and §2 (HIMDS); error strings marked [C]/[U] there
are reproduced as documented or, where unknown, made up and marked so.
"""

import base64
import collections
import os
import secrets
import threading
import time
import uuid

from tokens import KNOWN_RESOURCES, token_json
from transport import Response

# Supported versions listed by the IMDS doc, newest first (azure.md §1.2).
IMDS_VERSIONS = (
    "2025-04-07", "2024-07-17", "2024-03-15", "2023-11-15", "2023-07-01", "2021-12-13",
    "2021-11-15", "2021-11-01", "2021-10-01", "2021-08-01", "2021-05-01", "2021-03-01",
    "2021-02-01", "2021-01-01", "2020-12-01", "2020-10-01", "2020-09-01", "2020-07-15",
    "2020-06-01", "2019-11-01", "2019-08-15", "2019-08-01", "2019-06-04", "2019-06-01",
    "2019-04-30", "2019-03-11", "2019-02-01", "2018-10-01", "2018-04-02", "2018-02-01",
    "2017-12-01", "2017-10-01", "2017-08-01", "2017-04-02", "2017-03-01")
KEY_FILE_MAX = 4096  # HIMDS key files are at most 4096 bytes (azure.md §2.3, Python SDK/MSAL)
DEFAULT_RATE = {"imds": 5, "identity": 20}  # requests per second per VM (azure.md §1.4)


def imds_error(status, text, **extra):
    return Response.json(status, dict({"error": text}, **extra))


def identity_error(status, error, description):
    return Response.json(status, {"error": error, "error_description": description})


class RateLimiter:
    """Sliding one-second window per category."""

    def __init__(self):
        self._lock = threading.Lock()
        self._hits = collections.defaultdict(collections.deque)

    def allow(self, category, limit):
        if not limit:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits[category]
            while hits and now - hits[0] >= 1.0:
                hits.popleft()
            hits.append(now)
            return len(hits) <= limit

    def reset(self):
        with self._lock:
            self._hits.clear()


def header_checks(req, identity):
    """Every IMDS request needs Metadata: true and no X-Forwarded-For (azure.md §1.3)."""
    if req.header("X-Forwarded-For") is not None:
        # IMDS rejects proxied requests; exact text [U].
        text = "Bad request. Requests with X-Forwarded-For header are not allowed"
        return identity_error(400, "bad_request", text) if identity else imds_error(400, text)
    if req.header("Metadata") != "true":  # "must be set to "true", in all lower case"
        if identity:
            return identity_error(400, "bad_request_102", "Required metadata header not specified")
        return imds_error(400, "Bad request. Required metadata header not specified")  # [C]
    return None


def common_checks(req, identity):
    """The IMDS request rules (azure.md §1.3, §1.5), in the order a client hits them."""
    err = header_checks(req, identity)
    if err:
        return err
    if req.method != "GET":
        return imds_error(405, "Method not allowed")  # text [U]
    if req.has_duplicate_query():
        return imds_error(400, "Bad request. Duplicate query parameter names")  # text [U]
    if req.q("api-version") not in IMDS_VERSIONS:
        # Exact body from the IMDS doc (azure.md §1.2).
        return imds_error(400, "Bad request. api-version is invalid or was not specified in the "
                               "request. For more information refer to aka.ms/azureimds",
                          **{"newest-versions": list(IMDS_VERSIONS[:3])})
    return None


def filter_route(doc, segments):
    """Walks /compute/tagsList/0/name style routes; returns (found, node)."""
    node = doc
    for seg in segments:
        if isinstance(node, dict) and seg in node:
            node = node[seg]
        elif isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        else:
            return False, None
    return True, node


def serve_document(req, doc, prefix):
    segments = [s for s in req.path[len(prefix):].split("/") if s]
    found, node = filter_route(doc, segments)
    if not found:
        return imds_error(404, "Not found")
    fmt = req.q("format", "json")
    leaf = not isinstance(node, (dict, list))
    if fmt not in ("json", "text"):
        return imds_error(400, "Bad request. Invalid format")  # text [U]
    if leaf and fmt != "text":
        # A leaf needs format=text; format=json on a leaf is a 400 (azure.md §1.3). Text [U].
        return imds_error(400, "Bad request. Leaf nodes require format=text")
    if not leaf and fmt == "text":
        return imds_error(400, "Bad request. format=text is only supported for leaf nodes")  # [U]
    if leaf:
        return Response.text(200, "" if node is None else str(node))
    return Response.json(200, node)


class ImdsService:
    """The VM endpoint at 169.254.169.254 (here: the main listener's /metadata/...)."""

    def __init__(self, app):
        self.app = app

    def _rate_limited(self, category):
        world = self.app.world
        limit = world.rate_limits.get(category, DEFAULT_RATE[category])
        if not self.app.limiter.allow(category, limit):
            if category == "identity":
                return identity_error(429, "too_many_requests", "Too many requests")
            return imds_error(429, "Too many requests")  # text [U]
        return None

    def instance(self, req):
        world = self.app.world
        if req.path.rstrip("/") == "/metadata/versions":  # needs no api-version (azure.md §1.2)
            err = header_checks(req, identity=False)
            if err or req.method != "GET":
                return err or imds_error(405, "Method not allowed")
            return Response.json(200, {"apiVersions": sorted(IMDS_VERSIONS)})
        err = self._rate_limited("imds") or common_checks(req, identity=False)
        if err:
            return err
        if not (req.path == "/metadata/instance" or req.path.startswith("/metadata/instance/")):
            return imds_error(404, "Not found")
        return serve_document(req, world.imds_document(), "/metadata/instance")

    def identity_token(self, req):
        world = self.app.world
        err = self._rate_limited("identity") or common_checks(req, identity=True)
        if err:
            return err
        if req.path.rstrip("/") != "/metadata/identity/oauth2/token":
            return imds_error(404, "Not found")
        resource = req.q("resource")
        if not resource:
            return identity_error(400, "invalid_request", "Required audience parameter not "
                                                          "specified")  # text [U]
        selectors = {k: req.q(k) for k in ("client_id", "object_id", "msi_res_id") if req.q(k)}
        if len(selectors) > 1:  # mutually exclusive (azure.md §1.9); text [U]
            return identity_error(400, "invalid_request",
                                  "Only one of client_id, object_id, msi_res_id may be given")
        ident = self._select_identity(world, selectors)
        if isinstance(ident, Response):
            return ident
        if resource not in KNOWN_RESOURCES:
            return identity_error(400, "invalid_resource",
                                  f"AADSTS500011: The resource principal named {resource} was "
                                  f"not found in the tenant named {world.tenant_id}.")  # [C]
        lifetime = int(world.tokens.get("lifetime_seconds", 3599))
        token, info = self.app.tokens.issue(ident["object_id"], world.tenant_id, resource,
                                            lifetime, "managed_identity",
                                            client_id=ident["client_id"],
                                            mi_res_id=ident["msi_res_id"])
        return Response.json(200, token_json(token, info, resource, lifetime,
                                             client_id=ident["client_id"],
                                             object_id=ident["object_id"],
                                             msi_res_id=ident["msi_res_id"]))

    @staticmethod
    def _select_identity(world, selectors):
        ident = world.identity
        assigned = list(ident.get("user_assigned", []))
        system = None
        if ident.get("system_assigned"):
            system = {"object_id": world.system_principal_id,
                      "client_id": ident.get("client_id", "9a3c1e2b-0000-4000-8000-0000000000cc"),
                      "msi_res_id": world.machine_id}
        # "Identity not found" for a VM without (that) identity is [C]; SDKs key on the 400.
        not_found = identity_error(400, "invalid_request", "Identity not found")
        if selectors:
            key, value = next(iter(selectors.items()))
            for cand in assigned + ([system] if system else []):
                if cand[key].lower() == value.lower():
                    return cand
            return not_found
        if system:
            return system
        if len(assigned) == 1:
            return assigned[0]
        if assigned:
            return identity_error(400, "invalid_request",
                                  "Multiple user assigned identities exist, please specify the "
                                  "clientId / resourceId of the identity in the token request")
        return not_found


class HimdsService:
    """Arc HIMDS: instance metadata without challenge; the token endpoint answers a first
    request with 401 + WWW-Authenticate: Basic realm=<key file> (azure.md §2.2)."""

    def __init__(self, app):
        self.app = app
        self._lock = threading.Lock()
        self._challenges = {}  # secret -> {"files": [...], "hostile": mode or None}
        self._issued = []  # every secret ever written, for tests that grep agent output

    def instance(self, req):
        err = common_checks(req, identity=False)
        if err:
            return err
        if not (req.path == "/metadata/instance" or req.path.startswith("/metadata/instance/")):
            return imds_error(404, "Not found")
        return serve_document(req, self.app.world.himds_document(), "/metadata/instance")

    def identity_token(self, req):
        world = self.app.world
        err = common_checks(req, identity=True)
        if err:
            return err
        if req.path.rstrip("/") != "/metadata/identity/oauth2/token":
            return imds_error(404, "Not found")
        resource = req.q("resource")
        if not resource:
            return identity_error(400, "invalid_request",
                                  "Required audience parameter not specified")  # text [U]
        if any(req.q(k) for k in ("client_id", "object_id", "msi_res_id")):
            # Arc has only the system-assigned identity (azure.md §2.1); text [U].
            return identity_error(400, "invalid_request",
                                  "User assigned identities are not supported on Arc")
        auth = req.header("Authorization")
        if not auth:
            return self._challenge(req)
        scheme, _, secret = auth.partition(" ")
        with self._lock:
            entry = self._challenges.pop(secret, None) if scheme == "Basic" else None
        if entry is None:
            req.notes.append("himds_bad_secret")
            return self._challenge(req)
        self._remove_files(entry["files"])  # a key file is good for one use (azure.md §2.2)
        if entry["hostile"]:
            req.notes.append("hostile_challenge_answered:" + entry["hostile"])
            return identity_error(401, "unauthorized_client", "Invalid key file")
        req.notes.append("himds_challenge_answered")
        if not world.identity.get("system_assigned", True):
            return identity_error(400, "invalid_request", "Identity not found")
        if resource not in KNOWN_RESOURCES:
            return identity_error(400, "invalid_resource",
                                  f"AADSTS500011: The resource principal named {resource} was "
                                  f"not found in the tenant named {world.tenant_id}.")
        # Arc tokens last 24 h per the Arc Jumpstart lab [C] (azure.md §2.2).
        lifetime = int(world.tokens.get("lifetime_seconds", 86399))
        token, info = self.app.tokens.issue(world.system_principal_id, world.tenant_id, resource,
                                            lifetime, "arc_managed_identity",
                                            mi_res_id=world.machine_id)
        return Response.json(200, token_json(token, info, resource, lifetime))

    # ---- the challenge -------------------------------------------------------------------
    def _challenge(self, req):
        mode = self.app.world.himds.get("challenge", "normal")
        key_dir = self.app.key_dir
        outside = key_dir.rstrip("/") + ".outside"
        name = str(uuid.uuid4())
        secret = base64.b64encode(secrets.token_bytes(32)).decode()
        realm = os.path.join(key_dir, name + ".key")
        files = []
        if mode in ("normal", "malformed_header", "no_header"):
            files.append(self._write(realm, secret))
        elif mode == "wrong_suffix":
            realm = os.path.join(key_dir, name + ".txt")
            files.append(self._write(realm, secret))
        elif mode in ("outside_dir", "dotdot"):
            target = os.path.join(outside, name + ".key")
            files.append(self._write(target, secret))
            realm = target if mode == "outside_dir" else os.path.join(
                key_dir, "..", os.path.basename(outside), name + ".key")
        elif mode == "subdir":
            realm = os.path.join(key_dir, "nested", name + ".key")
            files.append(self._write(realm, secret))
        elif mode == "oversized":
            size = int(self.app.world.himds.get("oversized_bytes", 2 * KEY_FILE_MAX))
            secret = (secret * (size // len(secret) + 1))[:size]
            files.append(self._write(realm, secret))
        elif mode == "symlink":
            target = self._write(os.path.join(outside, name + ".target"), secret)
            os.symlink(target, realm)
            files += [target, realm]
        elif mode == "missing_file":
            pass
        else:
            raise ValueError(f"unknown himds.challenge mode {mode!r}")
        with self._lock:
            self._issued.append(secret)
            self._challenges[secret] = {"files": files,
                                        "hostile": None if mode == "normal" else mode}
        req.notes.append("himds_challenge_issued:" + mode)
        headers = []
        if mode == "malformed_header":  # two '=' break "exactly one =" parsers (azure.md §2.3)
            headers.append(("WWW-Authenticate", f"Basic realm={realm}=extra"))
        elif mode != "no_header":
            headers.append(("WWW-Authenticate", f"Basic realm={realm}"))
        # The 401 body HIMDS sends is [U]; clients must only use the header.
        resp = identity_error(401, "unauthorized_client", "Authorization header required; read "
                                                          "the key file named in the challenge")
        resp.headers += headers
        return resp

    @staticmethod
    def _write(path, content):
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        return path

    @staticmethod
    def _remove_files(files):
        for path in files:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def outstanding(self):
        with self._lock:
            return [f for e in self._challenges.values() for f in e["files"]]

    def issued_secrets(self):
        with self._lock:
            return list(self._issued)

    def clear(self):
        with self._lock:
            entries = list(self._challenges.values())
            self._challenges.clear()
        for e in entries:
            self._remove_files(e["files"])
