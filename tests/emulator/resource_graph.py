"""Azure Resource Graph: POST /providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01
(azure.md §4g) over the rows of this machine, with $skipToken paging.

KQL is not emulated. A small, documented subset runs for real: the table (resources |
securityresources), then any of `where` (and-ed comparisons ==, =~, !=, !~, in, in~, contains,
has, startswith over dotted paths, optionally wrapped in tostring/tolower/toupper), `project`,
`extend` (alias = path), `mv-expand`, `order by`/`sort by`, `take`/`limit`. Anything else is a
400 InvalidQuery, so a query the emulator cannot run fails loudly instead of lying.
"""

import base64
import hashlib
import json
import re

import arm_shapes as shapes
from request_log import now_iso_ms
from transport import Response

MAX_TOP = 1000  # ARG returns at most 1000 rows per page (paging-results doc)
OPS = ("!in~", "in~", "!in", "==", "=~", "!=", "!~", "contains", "has", "startswith", "in")
OP_RE = re.compile(r"^(?P<lhs>.+?)\s*(?P<op>" + "|".join(
    re.escape(o) if not o[0].isalpha() else r"\b" + o + r"\b" for o in OPS) + r")\s*(?P<rhs>.+)$",
    re.I | re.S)
FUNC_RE = re.compile(r"^(tostring|tolower|toupper)\s*\((.*)\)$", re.I | re.S)


class QueryError(Exception):
    pass


def graph_error(status, message, detail_code="InvalidQuery", detail_message=None):
    return Response.json(status, {"error": {
        "code": "BadRequest", "message": message,
        "details": [{"code": detail_code, "message": detail_message or message}]}})


def split_outside_quotes(text, sep):
    parts, buf, quote, depth = [], [], None, 0
    for ch in text:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts]


def lookup(row, path):
    node = row
    for seg in re.findall(r"[^.\[\]'\"]+", path):
        if isinstance(node, dict):
            node = next((v for k, v in node.items() if k.lower() == seg.lower()), None)
        elif isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        else:
            return None
    return node


def evaluate(row, expr):
    expr = expr.strip()
    m = FUNC_RE.match(expr)
    if m:
        value = evaluate(row, m.group(2))
        if m.group(1).lower() == "tostring":
            return stringify(value)
        text = stringify(value)
        return text.lower() if m.group(1).lower() == "tolower" else text.upper()
    if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "'\"":
        return expr[1:-1]
    if re.fullmatch(r"-?\d+(\.\d+)?", expr):
        return float(expr) if "." in expr else int(expr)
    if not re.fullmatch(r"[A-Za-z_][\w.\[\]'\"]*", expr):
        raise QueryError(f"unsupported expression: {expr}")
    return lookup(row, expr)


def stringify(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def compare(row, cond):
    m = OP_RE.match(cond)
    if not m:
        raise QueryError(f"unsupported condition: {cond}")
    lhs, op, rhs = stringify(evaluate(row, m.group("lhs"))), m.group("op").lower(), m.group("rhs")
    if op.lstrip("!") in ("in", "in~"):
        inner = rhs.strip()
        if not (inner.startswith("(") and inner.endswith(")")):
            raise QueryError(f"'in' needs a list: {cond}")
        values = [stringify(evaluate(row, v)) for v in split_outside_quotes(inner[1:-1], ",")]
        hit = lhs.lower() in [v.lower() for v in values] if op.endswith("~") else lhs in values
        return not hit if op.startswith("!") else hit
    value = stringify(evaluate(row, rhs))
    return {"==": lhs == value, "=~": lhs.lower() == value.lower(), "!=": lhs != value,
            "!~": lhs.lower() != value.lower(), "contains": value.lower() in lhs.lower(),
            "has": value.lower() in lhs.lower(),
            "startswith": lhs.lower().startswith(value.lower())}[op]


def assignments(text):
    out = []
    for part in split_outside_quotes(text, ","):
        name, eq, expr = part.partition("=")
        if eq and not expr.startswith("=") and not name.rstrip().endswith(("!", "=")):
            out.append((name.strip(), expr.strip()))
        else:
            out.append((re.findall(r"[\w]+", part)[-1], part))
    return out


def run_query(query, tables):
    """Returns (rows, truncated)."""
    stages = split_outside_quotes(query, "|")
    table = stages[0].strip().lower()
    if table not in tables:
        raise QueryError(f"unknown table '{stages[0].strip()}'")
    rows, truncated = [dict(r) for r in tables[table]], False
    for stage in stages[1:]:
        verb, _, rest = stage.partition(" ")
        verb = verb.lower()
        if verb == "where":
            conds = re.split(r"\s+and\s+", rest, flags=re.I)
            if any(re.search(r"\sor\s", c, re.I) for c in conds):
                raise QueryError("'or' is not supported by the emulator")
            rows = [r for r in rows if all(compare(r, c) for c in conds)]
        elif verb in ("project", "extend"):
            pairs = assignments(rest)
            new_rows = []
            for r in rows:
                base = {} if verb == "project" else dict(r)
                base.update({name: evaluate(r, expr) for name, expr in pairs})
                new_rows.append(base)
            rows = new_rows
        elif verb == "mv-expand":
            spec = re.sub(r"\s+to\s+typeof\(.*\)\s*$", "", rest, flags=re.I)
            (name, expr), = assignments(spec)
            rows = [dict(r, **{name: item}) for r in rows for item in (evaluate(r, expr) or [])]
        elif verb in ("order", "sort"):
            m = re.match(r"by\s+(\S+)(?:\s+(asc|desc))?\s*$", rest, re.I)
            if not m:
                raise QueryError(f"unsupported {verb}: {rest}")
            rows.sort(key=lambda r: stringify(lookup(r, m.group(1))),
                      reverse=(m.group(2) or "desc").lower() == "desc")
        elif verb in ("take", "limit"):
            n = int(rest.strip())
            truncated = truncated or len(rows) > n
            rows = rows[:n]
        else:
            raise QueryError(f"operator '{verb}' is not supported by the emulator")
    return rows, truncated


def arg_row(world, resource):
    """A row as ARG returns it: the resource plus tenantId, resourceGroup, subscriptionId and
    a lower-cased type."""
    rg = world.resource_group.lower() if resource["id"].lower().startswith(
        world.rg_id.lower() + "/") else ""
    return {"id": resource["id"], "name": resource["name"], "type": resource["type"].lower(),
            "tenantId": world.tenant_id, "kind": resource.get("kind") or "",
            "location": resource.get("location", ""), "resourceGroup": rg,
            "subscriptionId": world.subscription_id, "managedBy": "", "sku": None, "plan": None,
            "properties": resource.get("properties", {}), "tags": resource.get("tags"),
            "identity": resource.get("identity"), "zones": None, "extendedLocation": None}


def tables(world):
    resources, security = [], []
    sub_scope = f"/subscriptions/{world.subscription_id}"
    for name in shapes.pricing_names(world, False):
        security.append(arg_row(world, shapes.pricing(world, sub_scope, name, False)))
    if world.has_machine:
        machine = shapes.arc_machine(world) if world.is_arc else \
            shapes.virtual_machine(world, False)
        resources.append(arg_row(world, machine))
        for key in shapes.assessment_keys(world):
            security.append(arg_row(world, shapes.assessment(world, key)))
            security.extend(arg_row(world, s) for s in shapes.sub_assessments(world, key))
    return {"resources": resources, "securityresources": security}


def _token(query, offset):
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "q": digest}).encode()).decode()


def _offset(token, query):
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        return None
    if data.get("q") != hashlib.sha256(query.encode()).hexdigest()[:16]:
        return None  # the same query must be resent with the token (paging-results doc)
    return int(data.get("o", 0))


def table_format(rows):
    names = []
    for r in rows:
        names += [k for k in r if k not in names]
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string"}

    def kind(name):
        for r in rows:
            if r.get(name) is not None:
                return kinds.get(type(r[name]), "object")
        return "object"
    return {"columns": [{"name": n, "type": kind(n)} for n in names],
            "rows": [[r.get(n) for n in names] for r in rows]}


def query_resources(app, req):
    world = app.world
    body = req.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return graph_error(400, "The request content was invalid: 'query' is required.",
                           "InvalidRequestContent")
    subs = body.get("subscriptions")
    options = body.get("options") or {}
    top = int(options.get("$top", MAX_TOP))
    if not 1 <= top <= MAX_TOP:
        return graph_error(400, "$top must be between 1 and 1000.", "InvalidRequestContent")
    try:
        rows, truncated = run_query(body["query"], tables(world))
    except QueryError as e:
        # Top message is ARG's; the detail says what the emulator could not run.
        return graph_error(400, "Please provide below info when asking for support: "
                                f"timestamp = {now_iso_ms()}.",
                           detail_message=f"Query is invalid. Please refer to the documentation "
                                          f"for the Azure Resource Graph service and fix the "
                                          f"query before trying again. ({e})")
    if subs is not None:
        subs_l = {s.lower() for s in subs}
        rows = [r for r in rows if str(r.get("subscriptionId", world.subscription_id)).lower()
                in subs_l]
    start = int(options.get("$skip", 0))
    if options.get("$skipToken"):
        start = _offset(options["$skipToken"], body["query"])
        if start is None:
            return graph_error(400, "The skip token is invalid for this query.",
                               "InvalidSkipToken")  # [U]
    size = min(top, int(world.paging.get("graph_page_size", MAX_TOP)))
    page = rows[start:start + size]
    out = {"totalRecords": len(rows), "count": len(page),
           "resultTruncated": "true" if truncated else "false",  # a STRING (azure.md §4g)
           "facets": []}
    if not truncated and start + size < len(rows):
        out["$skipToken"] = _token(body["query"], start + size)
    fmt = options.get("resultFormat", "objectArray")
    out["data"] = table_format(page) if fmt == "table" else page
    # Per-user quota headers (guidance-for-throttled-requests doc).
    return Response.json(200, out, [("x-ms-user-quota-remaining", "14"),
                                    ("x-ms-user-quota-resets-after", "00:00:05")])
