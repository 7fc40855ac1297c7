"""Azure Resource Manager routes: Defender for Cloud (Microsoft.Security), the VM or Arc
machine and its MDE extension, and tags on the machine (azure.md §4, §5, §6).

Paths match case-insensitively (ARM is case-insensitive). Each route names the RBAC action it
needs, so a scenario can deny it and get ARM's AuthorizationFailed body.
"""

import base64
import json
import re
import time
import urllib.parse

import arm_shapes as shapes
import resource_graph
from tokens import ARM_AUDIENCES
from transport import Response
from world import SETTING_NAMES

# api-versions azure.md names per API (§4, §5, §6); a scenario may add more in "api_versions".
API_VERSIONS = {
    "pricings": ("2024-01-01",), "settings": ("2022-05-01",),
    "va_settings": ("2023-05-01", "2022-01-01-preview"),
    "mde_onboardings": ("2021-10-01-preview",), "assessments": ("2021-06-01",),
    "sub_assessments": ("2019-01-01-preview",), "compute": ("2024-07-01", "2024-11-01"),
    "hybridcompute": ("2024-07-10", "2025-01-13"), "tags": ("2021-04-01",),
    "graph": ("2021-03-01",),
}
TAG_MAX_COUNT, TAG_NAME_MAX, TAG_VALUE_MAX = 50, 512, 256  # ARM tag limits (tag-resources doc)
TAG_NAME_FORBIDDEN = set('<>%&\\?/')  # characters ARM refuses in tag names (tag-resources doc)

SCOPE = r"(?P<scope>/subscriptions/[^/]+(?:/resourcegroups/[^/]+/providers/[^/]+/[^/]+/[^/]+)?)"
SUB = r"(?P<scope>/subscriptions/[^/]+)"
MACHINE = r"(?P<scope>/subscriptions/[^/]+/resourcegroups/[^/]+/providers/[^/]+/[^/]+/[^/]+)"
RG_PROVIDERS = r"/subscriptions/[^/]+/resourcegroups/[^/]+/providers"
VM = r"(?P<scope>" + RG_PROVIDERS + r"/microsoft\.compute/virtualmachines/[^/]+)"
ARC = r"(?P<scope>" + RG_PROVIDERS + r"/microsoft\.hybridcompute/machines/[^/]+)"
SEC = r"/providers/microsoft\.security"
ITEM = r"/(?P<item>[^/]+)"


class Route:
    def __init__(self, name, method, pattern, action, api, handler):
        self.name, self.method, self.action = name, method, action
        self.api, self.handler = api, handler
        self.regex = re.compile("^" + pattern + "$", re.I)


def _routes():
    r = Route
    pricing, setting = "Microsoft.Security/pricings/read", "Microsoft.Security/settings/read"
    va = "Microsoft.Security/serverVulnerabilityAssessmentsSettings/read"
    mde, assess = "Microsoft.Security/mdeOnboardings/read", "Microsoft.Security/assessments/read"
    subassess = "Microsoft.Security/assessments/subAssessments/read"
    vm_read, vm_ext = "Microsoft.Compute/virtualMachines/read", \
        "Microsoft.Compute/virtualMachines/extensions/read"
    arc_read, arc_ext = "Microsoft.HybridCompute/machines/read", \
        "Microsoft.HybridCompute/machines/extensions/read"
    tags_path = MACHINE + r"/providers/microsoft\.resources/tags/default"
    return [
        r("arm.security.pricings.list", "GET", SCOPE + SEC + "/pricings", pricing, "pricings",
          "pricings_list"),
        r("arm.security.pricings.get", "GET", SCOPE + SEC + "/pricings" + ITEM, pricing,
          "pricings", "pricings_get"),
        r("arm.security.settings.list", "GET", SUB + SEC + "/settings", setting, "settings",
          "settings_list"),
        r("arm.security.settings.get", "GET", SUB + SEC + "/settings" + ITEM, setting,
          "settings", "settings_get"),
        r("arm.security.va_settings.list", "GET",
          SUB + SEC + "/serverVulnerabilityAssessmentsSettings", va, "va_settings", "va_list"),
        r("arm.security.va_settings.get", "GET",
          SUB + SEC + "/serverVulnerabilityAssessmentsSettings" + ITEM, va, "va_settings",
          "va_get"),
        r("arm.security.mde_onboardings.list", "GET", SUB + SEC + "/mdeOnboardings", mde,
          "mde_onboardings", "mde_list"),
        r("arm.security.mde_onboardings.get", "GET", SUB + SEC + "/mdeOnboardings" + ITEM, mde,
          "mde_onboardings", "mde_get"),
        r("arm.security.assessments.list", "GET", MACHINE + SEC + "/assessments", assess,
          "assessments", "assessments_list"),
        r("arm.security.assessments.get", "GET", MACHINE + SEC + "/assessments" + ITEM, assess,
          "assessments", "assessments_get"),
        r("arm.security.sub_assessments.list", "GET",
          MACHINE + SEC + "/assessments" + ITEM + "/subAssessments", subassess,
          "sub_assessments", "sub_assessments_list"),
        r("arm.security.sub_assessments.get", "GET",
          MACHINE + SEC + "/assessments" + ITEM + r"/subAssessments/(?P<sub_item>[^/]+)",
          subassess, "sub_assessments", "sub_assessments_get"),
        r("arm.compute.vm.get", "GET", VM, vm_read, "compute", "vm_get"),
        r("arm.compute.vm.instance_view", "GET", VM + "/instanceView",
          "Microsoft.Compute/virtualMachines/instanceView/read", "compute", "vm_instance_view"),
        r("arm.compute.extensions.list", "GET", VM + "/extensions", vm_ext, "compute",
          "vm_extensions_list"),
        r("arm.compute.extensions.get", "GET", VM + "/extensions" + ITEM, vm_ext, "compute",
          "vm_extensions_get"),
        r("arm.hybridcompute.machine.get", "GET", ARC, arc_read, "hybridcompute", "arc_get"),
        r("arm.hybridcompute.extensions.list", "GET", ARC + "/extensions", arc_ext,
          "hybridcompute", "arc_extensions_list"),
        r("arm.hybridcompute.extensions.get", "GET", ARC + "/extensions" + ITEM, arc_ext,
          "hybridcompute", "arc_extensions_get"),
        r("arm.tags.get", "GET", tags_path, "Microsoft.Resources/tags/read", "tags", "tags_get"),
        r("arm.tags.patch", "PATCH", tags_path, "Microsoft.Resources/tags/write", "tags",
          "tags_patch"),
        r("arm.tags.put", "PUT", tags_path, "Microsoft.Resources/tags/write", "tags", "tags_put"),
    ]


ROUTES = _routes()


def arm_error(status, code, message, headers=None, **extra):
    """Common-types ErrorResponse / CloudError: {"error":{"code","message",...}} (azure.md §6)."""
    return Response.json(status, {"error": dict({"code": code, "message": message}, **extra)},
                         headers)


def not_found(world, ns_type, name):
    return arm_error(404, "ResourceNotFound",
                     f"The Resource '{ns_type}/{name}' under resource group "
                     f"'{world.resource_group}' was not found. For more details please go to "
                     "https://aka.ms/ARMResourceNotFoundFix")


class ArmService:
    def __init__(self, app):
        self.app = app

    def resolve(self, req):
        """Returns (route name, callable) for the fault matcher and the dispatcher."""
        path = req.path.rstrip("/") or "/"
        by_path = [(rt, rt.regex.match(path)) for rt in ROUTES]
        by_path = [(rt, m) for rt, m in by_path if m]
        for rt, m in by_path:
            if rt.method == req.method:
                return rt.name, lambda: self.dispatch(req, rt, m)
        if by_path:
            return "arm.method_not_allowed", lambda: arm_error(
                405, "MethodNotAllowed",
                f"The requested resource does not support http method '{req.method}'.")
        return "arm.unknown", lambda: self._unknown(req)

    def _unknown(self, req):
        err = self.authenticate(req)
        if isinstance(err, Response):
            return err
        return arm_error(404, "NotFound", f"No route for '{req.path}' in the emulator; only the "
                                          "APIs in reference/azure.md are served.")

    # ---- the pipeline: authenticate, api-version, scope, RBAC, handler ---------------------
    def authenticate(self, req):
        """Returns the token info, or a 401 Response with ARM's error shape [C]."""
        base = self.app.base_url("main")
        challenge = f'Bearer authorization_uri="{base}/", error="invalid_token", ' \
                    'error_description="The authentication failed."'
        hdr = [("WWW-Authenticate", challenge)]
        auth = req.header("Authorization")
        if not auth:
            return arm_error(401, "AuthenticationFailed",
                             "Authentication failed. The 'Authorization' header is missing.", hdr)
        scheme, _, token = auth.partition(" ")
        info = self.app.tokens.lookup(token) if scheme.lower() == "bearer" else None
        if info is None:
            return arm_error(401, "InvalidAuthenticationToken", "The access token is invalid.", hdr)
        now = int(time.time())
        if info["expires_on"] <= now:
            exp = time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(info["expires_on"]))
            cur = time.strftime("%m/%d/%Y %H:%M:%S", time.gmtime(now))
            return arm_error(401, "ExpiredAuthenticationToken",
                             f"The access token expiry UTC time '{exp}' is earlier than current "
                             f"UTC time '{cur}'.", hdr)
        if info["audience"] not in ARM_AUDIENCES:
            return arm_error(401, "InvalidAuthenticationTokenAudience",
                             "The access token has been obtained for wrong audience or resource "
                             f"'{info['audience']}'. It should exactly match with one of the "
                             "allowed audiences " + ",".join(f"'{a}'" for a in ARM_AUDIENCES) + ".",
                             hdr)
        return info

    def dispatch(self, req, route, match):
        world = self.app.world
        info = self.authenticate(req)
        if isinstance(info, Response):
            return info
        scope = match.group("scope")
        err = self._check_version(req, route.api) or self._check_subscription(world, scope) or \
            self._check_rbac(req, info, route.action) or self._check_machine(world, scope)
        return err or getattr(self, route.handler)(req, match)

    def graph(self, req):
        """POST /providers/Microsoft.ResourceGraph/resources (azure.md §4g)."""
        info = self.authenticate(req)
        if isinstance(info, Response):
            return info
        if req.method != "POST":
            return arm_error(405, "MethodNotAllowed",
                             f"The requested resource does not support http method "
                             f"'{req.method}'.")
        err = self._check_version(req, "graph") or \
            self._check_rbac(req, info, "Microsoft.ResourceGraph/resources/read")
        return err or resource_graph.query_resources(self.app, req)

    def _check_version(self, req, api):
        world = self.app.world
        version = req.q("api-version")
        if not version:
            return arm_error(400, "MissingApiVersionParameter",
                             "The api-version query parameter (?api-version=) is required for "
                             "all requests.")
        allowed = API_VERSIONS[api] + tuple(world.api_versions.get(api, ()))
        if version not in allowed:
            return arm_error(400, "NoRegisteredProviderFound",
                             f"No registered resource provider found for location "
                             f"'{world.location}' and API version '{version}' for type "
                             f"'{api}'. The supported api-versions are '{', '.join(allowed)}'.")
        return None

    def _check_rbac(self, req, info, action):
        if not self.app.world.rbac_denies(action, info["principal_id"]):
            return None
        # Message format [C] (azure.md §6).
        return arm_error(403, "AuthorizationFailed",
                         f"The client '{info['principal_id']}' does not have authorization to "
                         f"perform action '{action}' over scope '{req.path}' or the scope is "
                         "invalid. If access was recently granted, please refresh your "
                         "credentials.")

    @staticmethod
    def _check_subscription(world, scope):
        sub = scope.split("/")[2]
        if sub.lower() != world.subscription_id.lower():
            return arm_error(404, "SubscriptionNotFound", f"The subscription '{sub}' could not "
                                                          "be found.")
        return None

    @staticmethod
    def _check_machine(world, scope):
        parts = scope.split("/")
        if len(parts) <= 3:
            return None
        rg, ns, rtype, name = parts[4], parts[6], parts[7], parts[8]
        if rg.lower() != world.resource_group.lower():
            return arm_error(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be "
                                                           "found.")
        if not world.has_machine or f"{ns}/{rtype}".lower() != world.machine_type.lower() or \
                name.lower() != world.machine_name.lower():
            return not_found(world, f"{ns}/{rtype}", name)
        return None

    # ---- paging (nextLink, azure.md §6) ----------------------------------------------------
    def page(self, req, items):
        world = self.app.world
        size = int(world.paging.get("page_size", 100))
        try:
            offset = int(json.loads(base64.urlsafe_b64decode(req.q("$skiptoken", "") + "==")
                                    )["o"]) if req.q("$skiptoken") else 0
        except (ValueError, KeyError, TypeError):
            return arm_error(400, "InvalidSkipToken", "The skip token is invalid.")  # [U]
        body = {"value": items[offset:offset + size]}
        if offset + size < len(items):
            token = base64.urlsafe_b64encode(json.dumps({"o": offset + size}).encode()).decode()
            query = [(k, v) for k, v in req.query_pairs if k.lower() != "$skiptoken"]
            query.append(("$skiptoken", token.rstrip("=")))
            base = world.paging.get("next_link_base") or req.base_url
            body["nextLink"] = base + urllib.parse.quote(req.path) + "?" + \
                urllib.parse.urlencode(query, safe="$")
        elif world.paging.get("null_next_link"):
            body["nextLink"] = None
        return Response.json(200, body)

    # ---- Microsoft.Security ----------------------------------------------------------------
    @staticmethod
    def _canonical(name, names):
        return next((n for n in names if n.lower() == name.lower()), None)

    def _scope_id(self, scope):
        world = self.app.world
        resource_scope = len(scope.split("/")) > 3
        return (world.machine_id if resource_scope else f"/subscriptions/{world.subscription_id}",
                resource_scope)

    def pricings_list(self, req, m):
        world = self.app.world
        scope_id, resource_scope = self._scope_id(m.group("scope"))
        names = shapes.pricing_names(world, resource_scope)
        flt = re.match(r"^\s*name\s+in\s*\((.*)\)\s*$", req.q("$filter", ""), re.I)
        if flt:
            wanted = {n.strip().strip("'\"").lower() for n in flt.group(1).split(",")}
            names = [n for n in names if n.lower() in wanted]
        return Response.json(200, {"value": [shapes.pricing(world, scope_id, n, resource_scope)
                                             for n in names]})

    def pricings_get(self, req, m):
        world = self.app.world
        scope_id, resource_scope = self._scope_id(m.group("scope"))
        name = self._canonical(m.group("item"), shapes.pricing_names(world, resource_scope))
        if not name:
            return arm_error(404, "NotFound", f"Pricing '{m.group('item')}' was not found.")  # [U]
        return Response.json(200, shapes.pricing(world, scope_id, name, resource_scope))

    def settings_list(self, req, m):
        return self.page(req, shapes.settings_list(self.app.world))

    def settings_get(self, req, m):
        name = self._canonical(m.group("item"), SETTING_NAMES)
        if not name:
            return arm_error(404, "NotFound", f"Setting '{m.group('item')}' was not found.")  # [U]
        return Response.json(200, shapes.setting(self.app.world, name))

    def va_list(self, req, m):
        body = shapes.va_setting(self.app.world)
        return self.page(req, [body] if body else [])

    def va_get(self, req, m):
        world = self.app.world
        body = shapes.va_setting(world)
        if body is None or m.group("item").lower() != "azureserverssetting":
            # Body from a Microsoft TSG mirror [C] (azure.md §4c).
            return arm_error(404, "NotFound", "A ServerVulnerabilityAssessmentsSettings resource "
                                              "of the kind: AzureServersSetting was not found for "
                                              f"the subscription: {world.subscription_id}")
        return Response.json(200, body)

    def mde_list(self, req, m):
        return Response.json(200, {"value": [shapes.mde_onboarding(self.app.world)]})

    def mde_get(self, req, m):
        if m.group("item").lower() != "default":
            return arm_error(404, "NotFound", f"MdeOnboarding '{m.group('item')}' was not found.")
        return Response.json(200, shapes.mde_onboarding(self.app.world))

    def assessments_list(self, req, m):
        world = self.app.world
        expand = req.q("$expand", "")
        return self.page(req, [shapes.assessment(world, k, expand)
                               for k in shapes.assessment_keys(world)])

    def _assessment_key(self, m):
        return self._canonical(m.group("item"), shapes.assessment_keys(self.app.world))

    def assessments_get(self, req, m):
        key = self._assessment_key(m)
        if not key:
            return arm_error(404, "NotFound", "The assessment was not found.")  # text [U]
        return Response.json(200, shapes.assessment(self.app.world, key, req.q("$expand", "")))

    def sub_assessments_list(self, req, m):
        key = self._assessment_key(m)
        if not key:
            return arm_error(404, "NotFound", "The assessment was not found.")
        return self.page(req, shapes.sub_assessments(self.app.world, key))

    def sub_assessments_get(self, req, m):
        key = self._assessment_key(m)
        items = shapes.sub_assessments(self.app.world, key) if key else []
        found = [s for s in items if s["name"].lower() == m.group("sub_item").lower()]
        if not found:
            return arm_error(404, "NotFound", "The sub-assessment was not found.")
        return Response.json(200, found[0])

    # ---- Compute and HybridCompute ---------------------------------------------------------
    def _expand_instance_view(self, req):
        return req.q("$expand", "").lower() == "instanceview"

    def vm_get(self, req, m):
        return Response.json(200, shapes.virtual_machine(self.app.world,
                                                         self._expand_instance_view(req)))

    def vm_instance_view(self, req, m):
        return Response.json(200, shapes.vm_instance_view(self.app.world))

    def vm_extensions_list(self, req, m):
        world = self.app.world
        exts = [shapes.vm_extension(world, self._expand_instance_view(req))] \
            if world.extension else []
        return Response.json(200, {"value": exts})

    def _extension_missing(self, m, parent):
        world = self.app.world
        if world.extension and m.group("item").lower() == shapes.extension_name(world).lower():
            return None
        return not_found(world, parent, f"{world.machine_name}/extensions/{m.group('item')}")

    def vm_extensions_get(self, req, m):
        err = self._extension_missing(m, "Microsoft.Compute/virtualMachines")
        return err or Response.json(200, shapes.vm_extension(self.app.world,
                                                             self._expand_instance_view(req)))

    def arc_get(self, req, m):
        return Response.json(200, shapes.arc_machine(self.app.world))

    def arc_extensions_list(self, req, m):
        world = self.app.world
        return Response.json(200, {"value": [shapes.arc_extension(world)] if world.extension
                                   else []})

    def arc_extensions_get(self, req, m):
        err = self._extension_missing(m, "Microsoft.HybridCompute/machines")
        return err or Response.json(200, shapes.arc_extension(self.app.world))

    # ---- tags at scope, 2021-04-01 (azure.md §6 "Readiness tag") ---------------------------
    def _tags_resource(self, tags):
        world = self.app.world
        return {"id": f"{world.machine_id}/providers/Microsoft.Resources/tags/default",
                "name": "default", "type": "Microsoft.Resources/tags",
                "properties": {"tags": tags}}

    def tags_get(self, req, m):
        return Response.json(200, self._tags_resource(self.app.world.tags()))

    def tags_put(self, req, m):
        return self._change_tags(req, "Replace")

    def tags_patch(self, req, m):
        return self._change_tags(req, None)

    def _change_tags(self, req, forced_op):
        world = self.app.world
        body = req.json_body()
        tags = body.get("properties", {}).get("tags") if isinstance(body, dict) else None
        op = forced_op or (body.get("operation") if isinstance(body, dict) else None)
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            return arm_error(400, "InvalidRequestContent",
                             "The request content was invalid: properties.tags must be an "
                             "object of string values.")
        op = self._canonical(op or "", ("Replace", "Merge", "Delete"))
        if not op:
            return arm_error(400, "InvalidRequestContent",
                             "The request content was invalid: operation must be Replace, Merge "
                             "or Delete.")
        err = self._tag_input_error(world, tags)
        if err:
            return err

        def apply(current):
            # Tag names are case-insensitive; values are case-sensitive (tag-resources doc).
            if op == "Replace":
                new = dict(tags)
            elif op == "Merge":
                new = {k: v for k, v in current.items()
                       if k.lower() not in {t.lower() for t in tags}}
                new.update(tags)
            else:
                drop = {k.lower(): v for k, v in tags.items()}
                new = {k: v for k, v in current.items()
                       if not (k.lower() in drop and drop[k.lower()] in ("", v))}
            if len(new) > TAG_MAX_COUNT:
                raise ValueError(f"the resource would have {len(new)} tags; at most "
                                 f"{TAG_MAX_COUNT} are allowed")
            return new

        try:
            new = world.update_tags(apply)
        except ValueError as e:
            return self._tag_limit_error(world, str(e))
        req.log_extra["tags_after"] = new  # the published verdict, for tests to read back
        return Response.json(200, self._tags_resource(new))

    def _tag_input_error(self, world, tags):
        for name, value in tags.items():
            if not name or len(name) > TAG_NAME_MAX:
                return self._tag_limit_error(world, f"tag name '{name[:40]}' must be 1 to "
                                                    f"{TAG_NAME_MAX} characters")
            if len(value) > TAG_VALUE_MAX:
                return self._tag_limit_error(world, f"the value of tag '{name}' exceeds "
                                                    f"{TAG_VALUE_MAX} characters")
            if TAG_NAME_FORBIDDEN & set(name):
                return arm_error(400, "InvalidTagNameCharacters",
                                 f"The tag names '{name}' have reserved characters "
                                 "'<,>,%,&,\\,?,/' or control characters.")  # [C]
        return None

    @staticmethod
    def _tag_limit_error(world, detail):
        if world.is_arc:
            # Text the Arc resource provider was seen returning (Azure/azure-policy#1101) [C].
            return arm_error(400, "HCRP400", "Invalid Tag values. Tag keys must be between 1 and "
                                             "512 characters and tag values must be between 1 and "
                                             "256 characters. Tags cannot contain # : < > % & \\ "
                                             "? / . Also cannot have more than 50 tag pairs.")
        return arm_error(400, "InvalidParameter", f"Invalid tags: {detail}.",
                         target="tags")  # code and text [U]; clients must not branch on them
