"""Issued access tokens and the Entra ID client-credentials endpoint.

Tokens are JWT-shaped (header.payload.signature, base64url) with the usual claims (aud, tid,
oid, exp) so a client can read them as it would a real one; the signature is random bytes and
means nothing. ARM accepts a bearer token only if this store issued it and it has not expired.
"""

import base64
import json
import secrets
import threading
import time
import urllib.parse
import uuid

from transport import Response

# Audiences ARM accepts (azure.md §3; the ARM 401 message lists these four).
ARM_AUDIENCES = ("https://management.azure.com", "https://management.azure.com/",
                 "https://management.core.windows.net", "https://management.core.windows.net/")
# Resources a managed identity may ask for here: ARM, and Logs Ingestion (azure.md §3, §6).
KNOWN_RESOURCES = ARM_AUDIENCES + ("https://monitor.azure.com", "https://monitor.azure.com/")


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenStore:
    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def issue(self, principal_id, tenant_id, audience, lifetime, kind, client_id=None,
              mi_res_id=None):
        now = int(time.time())
        claims = {"aud": audience, "iss": f"https://sts.windows.net/{tenant_id}/", "iat": now,
                  "nbf": now, "exp": now + lifetime, "oid": principal_id, "sub": principal_id,
                  "tid": tenant_id, "appid": client_id or principal_id, "idtyp": "app",
                  "uti": _b64url(secrets.token_bytes(16))}
        if mi_res_id:
            claims["xms_mirid"] = mi_res_id
        header = {"typ": "JWT", "alg": "RS256", "kid": "azure-emulator"}
        token = ".".join([_b64url(json.dumps(header).encode()),
                          _b64url(json.dumps(claims).encode()), _b64url(secrets.token_bytes(32))])
        info = {"principal_id": principal_id, "tenant_id": tenant_id, "audience": audience,
                "expires_on": now + lifetime, "not_before": now, "kind": kind,
                "client_id": client_id}
        with self._lock:
            self._tokens[token] = info
        return token, info

    def lookup(self, token):
        with self._lock:
            return self._tokens.get(token)

    def all_tokens(self):
        with self._lock:
            return list(self._tokens)


def _entra_error(status, error, code, description, headers=None):
    """Entra token-endpoint error body (error, error_description with trace lines,
    error_codes, timestamp, trace_id, correlation_id); shape per the Microsoft identity
    platform error docs [C]; the AADSTS texts are abbreviated."""
    trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
    stamp = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime())
    text = f"AADSTS{code}: {description}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\n" \
           f"Timestamp: {stamp}"
    return Response.json(status, {"error": error, "error_description": text, "error_codes": [code],
                                  "timestamp": stamp, "trace_id": trace, "correlation_id": corr,
                                  "error_uri": "https://login.microsoftonline.com/error?code="
                                               f"{code}"}, headers)


class EntraService:
    """POST /{tenant}/oauth2/v2.0/token with grant_type=client_credentials (azure.md §3)."""

    def __init__(self, app):
        self.app = app

    def token(self, req, tenant):
        world = self.app.world
        if req.method != "POST":
            return _entra_error(400, "invalid_request", 900561,
                                "The endpoint only accepts POST requests.")
        try:
            form = dict(urllib.parse.parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            form = {}
        req.log_extra["form_keys"] = sorted(form)  # never the values: client_secret is there
        if form.get("grant_type") != "client_credentials":
            return _entra_error(400, "unsupported_grant_type", 70003,
                                "The app requested an unsupported grant type.")
        tenants = {world.tenant_id} | {sp.get("tenant_id", world.tenant_id)
                                       for sp in world.service_principals}
        if tenant not in tenants:
            return _entra_error(400, "invalid_request", 90002, f"Tenant '{tenant}' not found.")
        sp = next((s for s in world.service_principals
                   if s["client_id"] == form.get("client_id")
                   and s.get("tenant_id", world.tenant_id) == tenant), None)
        if sp is None:
            return _entra_error(400, "unauthorized_client", 700016,
                                f"Application with identifier '{form.get('client_id')}' was "
                                f"not found in the directory '{tenant}'.")
        if "client_secret" not in form:
            return _entra_error(401, "invalid_client", 7000218,
                                "The request body must contain the following parameter: "
                                "'client_assertion' or 'client_secret'.")
        if not secrets.compare_digest(form["client_secret"], sp["client_secret"]):
            return _entra_error(401, "invalid_client", 7000215,
                                "Invalid client secret provided.")
        scope = form.get("scope", "")
        if not scope.endswith("/.default"):
            return _entra_error(400, "invalid_scope", 1002012,
                                f"The provided value for scope {scope} is not valid. Client "
                                "credential flows must have a scope value with /.default "
                                "suffixed to the resource identifier.")
        audience = scope[: -len("/.default")]
        lifetime = int(world.tokens.get("lifetime_seconds", 3599))
        token, _ = self.app.tokens.issue(sp.get("object_id", sp["client_id"]), tenant, audience,
                                         lifetime, "service_principal", client_id=sp["client_id"])
        # v2 client-credentials success: expires_in is a NUMBER here, unlike IMDS.
        return Response.json(200, {"token_type": "Bearer", "expires_in": lifetime,
                                   "ext_expires_in": lifetime, "access_token": token})


def token_json(token, info, resource, lifetime, client_id=None, object_id=None, msi_res_id=None):
    """IMDS / HIMDS token body: every number is a string (azure.md §1.9)."""
    body = {"access_token": token, "refresh_token": "", "expires_in": str(lifetime),
            "expires_on": str(info["expires_on"]), "ext_expires_in": str(lifetime),
            "not_before": str(info["not_before"]), "resource": resource, "token_type": "Bearer"}
    if client_id:
        body["client_id"] = client_id
    if object_id:
        body["object_id"] = object_id
    if msi_res_id:
        body["msi_res_id"] = msi_res_id
    return body

