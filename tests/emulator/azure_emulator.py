#!/usr/bin/python3
"""Azure emulator for mde-preflight tests: IMDS, Arc HIMDS (key-file challenge), managed-identity
and Entra client-credentials tokens, ARM (Defender for Cloud, Compute, HybridCompute, tags) and
Resource Graph, driven by a scenario file, with fault injection and a JSON request log.

It listens on loopback only. Usage:
  python3 tests/emulator/azure_emulator.py --scenario azure_vm_onboarded_p2 [--port 0]
      [--himds-port 0] [--bind 127.0.0.1] [--key-dir DIR] [--log FILE]
When ready it prints one JSON line with the ports and URLs; SIGTERM or SIGINT stops it.
See README.md next to this file for scenarios, faults and the control endpoints.
"""

import argparse
import ipaddress
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import faults  # noqa: E402  (sibling modules; the path line above must run first)
from arm import ArmService  # noqa: E402
from metadata import HimdsService, ImdsService, RateLimiter  # noqa: E402
from request_log import RequestLog, now_iso_ms, selected_headers  # noqa: E402
from tokens import EntraService, TokenStore  # noqa: E402
from transport import LoopbackServer, Response, require_loopback, send  # noqa: E402
from world import ScenarioError, World, load_scenario, resolve_scenario  # noqa: E402

SECRET_QUERY = re.compile(r"secret|token|password|assertion", re.I)
ENTRA_TOKEN = re.compile(r"^/([^/]+)/oauth2/v2\.0/token/?$")
GRAPH = re.compile(r"^/providers/microsoft\.resourcegraph/resources/?$", re.I)


class Emulator:
    def __init__(self, scenario, key_dir, log_path):
        self.key_dir = os.path.abspath(key_dir)
        self.tokens = TokenStore()
        self.limiter = RateLimiter()
        self.log = RequestLog(log_path)
        self.stop_event = threading.Event()
        self.imds = ImdsService(self)
        self.himds = HimdsService(self)
        self.entra = EntraService(self)
        self.arm = ArmService(self)
        self.servers = {}
        self._world, self._faults = World(scenario), faults.FaultPlan(scenario.get("faults"))

    @property
    def world(self):
        return self._world  # one reference read: a request sees one scenario throughout

    def switch(self, scenario):
        world, plan = World(scenario), faults.FaultPlan(scenario.get("faults"))
        self._world, self._faults = world, plan
        self.limiter.reset()
        self.himds.clear()

    def base_url(self, listener):
        host, port = self.servers[listener].server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    # ---- routing ---------------------------------------------------------------------------
    def resolve(self, req):
        """(family, route name, callable returning a Response)."""
        world, path = self.world, req.path
        metadata = path == "/metadata" or path.startswith("/metadata/")
        if req.listener == "himds" or (metadata and world.is_arc and world.himds.get("same_port")):
            if not world.is_arc:
                return "himds", "himds.absent", Response.reset
            if path.startswith("/metadata/identity/"):
                return "himds_identity", "himds.token", lambda: self.himds.identity_token(req)
            return "himds", "himds.instance", lambda: self.himds.instance(req)
        if metadata:
            if world.kind != "azure_vm":  # no IMDS off Azure; "reset" looks like unreachable
                absent = world.imds.get("absent", "reset")
                return "imds", "imds.absent", lambda: Response(0, action=absent)
            if path.startswith("/metadata/identity/"):
                return "imds_identity", "imds.token", lambda: self.imds.identity_token(req)
            return "imds", "imds.instance", lambda: self.imds.instance(req)
        m = ENTRA_TOKEN.match(path)
        if m:
            return "entra", "entra.token", lambda: self.entra.token(req, m.group(1))
        if GRAPH.match(path):
            return "graph", "graph.resources", lambda: self.arm.graph(req)
        route, fn = self.arm.resolve(req)
        return "arm", route, fn

    def decorate(self, family, req, resp):
        """ARM puts request and correlation ids on every response (azure.md §6)."""
        if family not in ("arm", "graph") or resp.action:
            return resp
        rid = str(uuid.uuid4())
        corr = req.header("x-ms-correlation-request-id") or str(uuid.uuid4())
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        kind = "reads" if req.method == "GET" else "writes"
        resp.headers += [("x-ms-request-id", rid), ("x-ms-correlation-request-id", corr),
                         ("x-ms-routing-request-id", f"WESTEUROPE:{stamp}:{uuid.uuid4()}"),
                         (f"x-ms-ratelimit-remaining-subscription-{kind}", "11999"),
                         ("Cache-Control", "no-cache")]
        if req.header("x-ms-client-request-id"):
            resp.headers.append(("x-ms-client-request-id", req.header("x-ms-client-request-id")))
        return resp

    # ---- one request -----------------------------------------------------------------------
    def handle(self, handler, req):
        if req.path.startswith("/__emulator/"):
            send(handler, self.control(req))
            return
        family, route, fn = self.resolve(req)
        entry = {"time": now_iso_ms(), "listener": req.listener, "method": req.method,
                 "path": req.path, "query": self._log_query(req), "family": family,
                 "route": route, "headers": selected_headers(req.headers)}
        rule = self._faults.pick(req, family, route)
        if rule:
            entry.update(fault=rule.kind, fault_index=rule.index)
        if rule and rule.kind in faults.NO_HANDLER_KINDS:
            self._run_fault(handler, req, rule, family, None, entry)
            return
        resp = self.decorate(family, req, fn())
        if rule and not resp.action:  # no body to spoil when the service is absent
            self._run_fault(handler, req, rule, family, resp, entry)
            return
        self._log(entry, req, resp.status if not resp.action else None, resp.action)
        if resp.action == "hang":
            faults.hang(handler, {}, self.stop_event)
        else:
            send(handler, resp)

    def _log(self, entry, req, status, action=None):
        entry["status"] = status
        if action:
            entry["action"] = action
        if req.notes:
            entry["notes"] = req.notes
        entry.update(req.log_extra)
        self.log.append(entry)

    @staticmethod
    def _log_query(req):
        return {k: ("<redacted>" if SECRET_QUERY.search(k) and k.lower() != "$skiptoken" else v)
                for k, v in req.query_pairs}

    def _run_fault(self, handler, req, rule, family, resp, entry):
        spec, kind, stop = rule.spec, rule.kind, self.stop_event
        base_headers = self.decorate(family, req, Response(200)).headers
        if kind == "status":
            out = self.decorate(family, req, faults.status_response(spec, family, Response))
            self._log(entry, req, out.status)
            send(handler, out)
        elif kind == "reset":
            self._log(entry, req, None, "reset")
            faults.reset_connection(handler)
        elif kind == "hang":
            self._log(entry, req, None, "hang")
            faults.hang(handler, spec, stop)
        elif kind == "oversized_body":
            self._log(entry, req, int(spec.get("status_code", 200)))
            faults.oversized_body(handler, spec, stop, base_headers)
        elif kind == "never_ending_body":
            self._log(entry, req, 200)
            faults.never_ending_body(handler, spec, stop, base_headers)
        elif kind == "slow_body":
            self._log(entry, req, resp.status)
            faults.slow_body(handler, resp, spec, stop)
        elif kind == "truncated_body":
            self._log(entry, req, resp.status)
            faults.truncated_body(handler, resp, spec)
        elif kind == "malformed_json":
            status = int(spec.get("status_code", resp.status))
            headers = [(k, v) for k, v in resp.headers if k.lower() != "content-type"]
            out = Response(status, faults.malformed_body(spec, resp.body),
                           headers + [("Content-Type", "application/json; charset=utf-8")])
            self._log(entry, req, status)
            send(handler, out)

    # ---- control endpoints (loopback only, never logged, never faulted) ---------------------
    def control(self, req):
        if not ipaddress.ip_address(req.client_ip.split("%")[0]).is_loopback or \
                req.header("X-Forwarded-For") is not None:
            return Response.json(403, {"error": "control endpoints are loopback-only"})
        path, method = req.path.rstrip("/"), req.method
        if path == "/__emulator/health" and method == "GET":
            return Response.json(200, {"ok": True, "scenario": self.world.name})
        if path == "/__emulator/log" and method == "GET":
            return Response.json(200, {"entries": self.log.entries()})
        if path == "/__emulator/log" and method == "DELETE":
            self.log.clear()
            return Response.json(200, {"cleared": True})
        if path == "/__emulator/scenario" and method == "GET":
            w = self.world
            return Response.json(200, {"name": w.name, "environment": w.kind,
                                       "description": w.scenario.get("description", "")})
        if path == "/__emulator/scenario" and method == "POST":
            return self._switch_request(req)
        if path == "/__emulator/state" and method == "GET":
            w = self.world
            return Response.json(200, {"scenario": w.name, "tags": w.tags(),
                                       "outstanding_key_files": self.himds.outstanding(),
                                       "fault_counters": self._faults.counters(),
                                       "tokens_issued": len(self.tokens.all_tokens())})
        if path == "/__emulator/secrets" and method == "GET":
            # For tests that must prove no token or key-file content leaked into agent output.
            return Response.json(200, {"tokens": self.tokens.all_tokens(),
                                       "key_secrets": self.himds.issued_secrets()})
        return Response.json(404, {"error": f"no control endpoint {method} {path}"})

    def _switch_request(self, req):
        body = req.json_body()
        try:
            if isinstance(body, dict) and isinstance(body.get("name"), str):
                scenario = load_scenario(body["name"])
            elif isinstance(body, dict) and isinstance(body.get("scenario"), dict):
                scenario = resolve_scenario(body["scenario"], body.get("label", "inline"))
            else:
                return Response.json(400, {"error": 'body must be {"name": ...} or '
                                                    '{"scenario": {...}}'})
            self.switch(scenario)
        except (ScenarioError, ValueError, KeyError, TypeError) as e:
            return Response.json(400, {"error": str(e)})
        return Response.json(200, {"name": self.world.name, "environment": self.world.kind})

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self, bind, port, himds_port):
        for listener, p in (("main", port), ("himds", himds_port)):
            server = LoopbackServer(bind, p, listener, self)
            self.servers[listener] = server
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                             name=f"serve-{listener}", daemon=True).start()

    def stop(self):
        self.stop_event.set()
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
        self.himds.clear()
        for extra in (self.key_dir.rstrip("/") + ".outside", os.path.join(self.key_dir, "nested")):
            try:
                os.rmdir(extra)
            except OSError:
                pass
        self.log.close()

    def ready_line(self, log_path):
        main, himds = self.base_url("main"), self.base_url("himds")
        return {"ready": True, "pid": os.getpid(), "scenario": self.world.name,
                "environment": self.world.kind,
                "main_port": self.servers["main"].server_address[1],
                "himds_port": self.servers["himds"].server_address[1],
                "imds_endpoint": main, "arm_endpoint": main, "authority_host": main,
                "himds_endpoint": himds,
                "identity_endpoint": himds + "/metadata/identity/oauth2/token",
                "control": main + "/__emulator", "key_dir": self.key_dir, "log": log_path}


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="azure_emulator.py",
        description="Loopback-only Azure emulator (IMDS, Arc HIMDS, tokens, ARM, Resource "
                    "Graph) for mde-preflight tests. Prints one JSON line with its URLs when "
                    "ready; stops on SIGTERM/SIGINT.",
        epilog="Control endpoints on the main port: GET /__emulator/log, DELETE /__emulator/log, "
               "GET|POST /__emulator/scenario, GET /__emulator/state, GET /__emulator/secrets, "
               "GET /__emulator/health. See tests/emulator/README.md.")
    p.add_argument("--scenario", required=True,
                   help="scenario name (file in tests/emulator/scenarios/) or path to a .json")
    p.add_argument("--port", type=int, default=0,
                   help="main port: IMDS, Entra, ARM, Resource Graph, control (0 = ephemeral)")
    p.add_argument("--himds-port", type=int, default=0,
                   help="Arc HIMDS port (real HIMDS uses 40342; 0 = ephemeral)")
    p.add_argument("--bind", default="127.0.0.1",
                   help="loopback address to listen on: 127.0.0.1 (default) or ::1; "
                        "anything else is refused")
    p.add_argument("--key-dir", help="directory for HIMDS challenge key files (default: a new "
                                     "temporary directory, removed on exit)")
    p.add_argument("--log", help="append one JSON line per request to this file")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        require_loopback(args.bind)
        scenario = load_scenario(args.scenario)
    except (ValueError, ScenarioError) as e:
        print(f"azure_emulator: {e}", file=sys.stderr)
        return 2
    own_key_dir = args.key_dir is None
    key_dir = tempfile.mkdtemp(prefix="himds-tokens-") if own_key_dir else args.key_dir
    os.makedirs(key_dir, mode=0o700, exist_ok=True)
    try:
        emulator = Emulator(scenario, key_dir, args.log)
        emulator.start(args.bind, args.port, args.himds_port)
    except (OSError, ValueError, ScenarioError) as e:
        print(f"azure_emulator: {e}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(json.dumps(emulator.ready_line(args.log)), flush=True)
    while not stop.wait(1.0):
        pass
    emulator.stop()
    if own_key_dir:
        shutil.rmtree(key_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
