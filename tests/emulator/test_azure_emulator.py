"""Self-tests of the Azure emulator: a real emulator process on loopback, real HTTP.

Run from the repository root: /usr/bin/python3 -m unittest -v tests.emulator.test_azure_emulator
"""

import base64
import email.utils
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emulator_client import PYTHON, SCRIPT, EmulatorProcess, request  # noqa: E402

SUB = "8d10da13-8125-4ba9-a717-bf7490507b3d"
VM_ID = f"/subscriptions/{SUB}/resourceGroups/rg-preflight/providers/Microsoft.Compute/" \
        "virtualMachines/vm-preflight-01"
ARC_ID = f"/subscriptions/{SUB}/resourceGroups/rg-arc-servers/providers/Microsoft.HybridCompute/" \
         "machines/arc-preflight-01"
ARM_RESOURCE = "https://management.azure.com/"
MD = {"Metadata": "true"}
# The VM base scenario without the IMDS rate limit, so tests may call IMDS freely.
VM_UNLIMITED = {"extends": "azure_vm_onboarded_p2", "rate_limits": {"imds": 0, "identity": 0}}


def leaves(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from leaves(v)
    elif isinstance(node, list):
        for v in node:
            yield from leaves(v)
    else:
        yield node


SHARED = {}


def setUpModule():
    # One emulator for the whole module: each test switches to the scenario it needs.
    SHARED["emu"] = EmulatorProcess("azure_vm_onboarded_p2")


def tearDownModule():
    if "emu" in SHARED:
        SHARED.pop("emu").stop()


class EmulatorTestCase(unittest.TestCase):
    @property
    def emu(self):
        return SHARED["emu"]

    def imds(self, path, query="api-version=2021-02-01", headers=MD, method="GET"):
        return request(f"{self.emu.main}{path}?{query}", method, headers=headers)

    def mi_token(self, resource=ARM_RESOURCE):
        q = urllib.parse.urlencode({"api-version": "2018-02-01", "resource": resource})
        res = self.imds("/metadata/identity/oauth2/token", q)
        self.assertEqual(res.status, 200, res.body)
        return res.json()["access_token"]

    def arm(self, path, api, token=None, method="GET", body=None, extra=None, headers=None):
        sep = "&" if "?" in path else "?"
        url = f"{self.emu.main}{path}{sep}api-version={api}" + (f"&{extra}" if extra else "")
        hdrs = dict(headers or {})
        if token:
            hdrs["Authorization"] = "Bearer " + token
        return request(url, method, headers=hdrs, body=body)

    def follow(self, url, token):
        """Collects "value" over nextLink pages, checking each link stays on the emulator."""
        items, pages = [], 0
        while url:
            self.assertTrue(url.startswith(self.emu.main), url)
            res = request(url, headers={"Authorization": "Bearer " + token})
            self.assertEqual(res.status, 200, res.body)
            body = res.json()
            items += body["value"]
            url = body.get("nextLink")
            pages += 1
        return items, pages


class ImdsTests(EmulatorTestCase):
    def setUp(self):
        self.emu.use(VM_UNLIMITED)

    def test_instance_document_has_only_string_values(self):
        res = self.imds("/metadata/instance")
        self.assertEqual(res.status, 200)
        doc = res.json()
        self.assertTrue(all(isinstance(v, str) for v in leaves(doc)))
        self.assertEqual(doc["compute"]["resourceId"], VM_ID)
        self.assertEqual(doc["compute"]["azEnvironment"], "AZUREPUBLICCLOUD")
        self.assertEqual(doc["compute"]["platformFaultDomain"], "0")
        self.assertEqual(doc["compute"]["tags"], "env:test;owner:secops")
        self.assertEqual(doc["network"]["interface"][0]["ipv4"]["subnet"][0]["prefix"], "24")

    def test_route_filtering_and_text_leaves(self):
        self.assertEqual(self.imds("/metadata/instance/compute/vmId",
                                   "api-version=2021-02-01&format=text").body,
                         b"02aab8a4-74ef-476e-8182-f6d2ba4166a6")
        self.assertEqual(self.imds("/metadata/instance/compute/tagsList/1/value",
                                   "api-version=2021-02-01&format=text").body, b"secops")
        net = self.imds("/metadata/instance/network")
        self.assertEqual(net.status, 200)
        self.assertIn("interface", net.json())
        self.assertEqual(self.imds("/metadata/instance/compute/vmId").status, 400)
        self.assertEqual(self.imds("/metadata/instance/compute/nope").status, 404)

    def test_request_rules(self):
        res = self.imds("/metadata/instance", headers={})
        self.assertEqual((res.status, res.json()["error"]),
                         (400, "Bad request. Required metadata header not specified"))
        self.assertEqual(self.imds("/metadata/instance", headers={"Metadata": "True"}).status, 400)
        xff = self.imds("/metadata/instance", headers={"Metadata": "true",
                                                       "X-Forwarded-For": "10.0.0.1"})
        self.assertEqual(xff.status, 400)
        self.assertEqual(self.imds("/metadata/instance", method="POST").status, 405)
        self.assertEqual(self.imds("/metadata/nothing").status, 404)
        dup = self.imds("/metadata/instance", "api-version=2021-02-01&api-version=2021-02-01")
        self.assertEqual(dup.status, 400)

    def test_bad_api_version_lists_newest_versions(self):
        for query in ("api-version=2001-01-01", "format=json"):
            res = self.imds("/metadata/instance", query)
            self.assertEqual(res.status, 400)
            self.assertEqual(res.json()["newest-versions"], ["2025-04-07", "2024-07-17",
                                                             "2024-03-15"])
        self.assertEqual(request(self.emu.main + "/metadata/versions").status, 400)
        versions = request(self.emu.main + "/metadata/versions",
                           headers=MD).json()["apiVersions"]
        self.assertIn("2021-02-01", versions)

    def test_rate_limit_returns_429_above_five_per_second(self):
        self.emu.use("azure_vm_onboarded_p2")
        statuses = [self.imds("/metadata/instance").status for _ in range(7)]
        self.assertEqual(statuses[:5], [200] * 5)
        self.assertIn(429, statuses[5:])


class IdentityTokenTests(EmulatorTestCase):
    def setUp(self):
        self.emu.use(VM_UNLIMITED)

    def token_query(self, **extra):
        return urllib.parse.urlencode(dict({"api-version": "2018-02-01",
                                            "resource": ARM_RESOURCE}, **extra))

    def test_system_assigned_token_uses_string_numbers(self):
        res = self.imds("/metadata/identity/oauth2/token", self.token_query())
        self.assertEqual(res.status, 200)
        body = res.json()
        for field in ("expires_in", "expires_on", "not_before"):
            self.assertIsInstance(body[field], str)
            self.assertTrue(body[field].isdigit())
        self.assertEqual(int(body["expires_on"]) - int(body["not_before"]), 3599)
        self.assertEqual((body["token_type"], body["resource"]), ("Bearer", ARM_RESOURCE))
        claims = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[1] + "=="))
        self.assertEqual(claims["oid"], "5c2b1e4e-7f3a-4d52-9c1e-0a6b5c4d3e2f")

    def test_no_identity_is_400_identity_not_found(self):
        self.emu.use({"extends": "no_identity", "rate_limits": {"imds": 0, "identity": 0}})
        res = self.imds("/metadata/identity/oauth2/token", self.token_query())
        self.assertEqual(res.status, 400)
        self.assertEqual(res.json(), {"error": "invalid_request",
                                      "error_description": "Identity not found"})
        self.assertEqual(self.imds("/metadata/instance").status, 200)

    def test_user_assigned_selection(self):
        self.emu.use({"extends": "user_assigned_identity", "rate_limits": {"identity": 0}})
        cid = "1e7d2c3b-5a4f-4e6d-8c9b-0a1b2c3d4e5f"
        implicit = self.imds("/metadata/identity/oauth2/token", self.token_query())
        self.assertEqual((implicit.status, implicit.json()["client_id"]), (200, cid))
        self.assertEqual(self.imds("/metadata/identity/oauth2/token",
                                   self.token_query(client_id=cid)).status, 200)
        unknown = self.token_query(client_id="00000000-0000-0000-0000-000000000000")
        self.assertEqual(self.imds("/metadata/identity/oauth2/token", unknown).status, 400)
        both = self.token_query(client_id=cid, object_id="6f5e4d3c-2b1a-4098-8765-43210fedcba9")
        self.assertEqual(self.imds("/metadata/identity/oauth2/token", both).status, 400)

    def test_token_request_errors(self):
        res = self.imds("/metadata/identity/oauth2/token", self.token_query(), headers={})
        self.assertEqual((res.status, res.json()["error"]), (400, "bad_request_102"))
        no_resource = self.imds("/metadata/identity/oauth2/token", "api-version=2018-02-01")
        self.assertEqual(no_resource.status, 400)
        bad = self.imds("/metadata/identity/oauth2/token",
                        self.token_query(resource="https://vault.example.invalid"))
        self.assertEqual((bad.status, bad.json()["error"]), (400, "invalid_resource"))


class HimdsTests(EmulatorTestCase):
    def setUp(self):
        self.emu.use("arc_machine")

    def token(self, auth=None, **extra):
        q = urllib.parse.urlencode(dict({"api-version": "2020-06-01",
                                         "resource": "https://management.azure.com"}, **extra))
        headers = dict(MD, **({"Authorization": auth} if auth else {}))
        return request(f"{self.emu.himds}/metadata/identity/oauth2/token?{q}", headers=headers)

    def realm(self, res):
        header = res.header("www-authenticate")
        self.assertTrue(header and header.startswith("Basic realm="), header)
        return header[len("Basic realm="):]

    def test_instance_metadata_without_challenge(self):
        res = request(f"{self.emu.himds}/metadata/instance?api-version=2020-06-01", headers=MD)
        doc = res.json()
        self.assertEqual(doc["network"], {})
        self.assertIsNone(doc["compute"]["publicKeys"])
        self.assertEqual(doc["compute"]["resourceId"], ARC_ID)
        compute = request(f"{self.emu.himds}/metadata/instance/compute?api-version=2020-06-01",
                          headers=MD)
        self.assertEqual(compute.json()["storageProfile"], {})

    def test_challenge_flow_and_one_use_key_file(self):
        first = self.token()
        self.assertEqual(first.status, 401)
        path = self.realm(first)
        self.assertEqual(os.path.dirname(path), self.emu.key_dir)
        self.assertTrue(path.endswith(".key"))
        self.assertLessEqual(os.path.getsize(path), 4096)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        with open(path, encoding="utf-8") as f:
            secret = f.read()
        ok = self.token("Basic " + secret)
        self.assertEqual(ok.status, 200, ok.body)
        body = ok.json()
        self.assertEqual(body["expires_in"], "86399")
        self.assertFalse(os.path.exists(path), "key file must be deleted after one use")
        again = self.token("Basic " + secret)
        self.assertEqual(again.status, 401)
        arm = request(f"{self.emu.main}{ARC_ID}?api-version=2024-07-10",
                      headers={"Authorization": "Bearer " + body["access_token"]})
        self.assertEqual(arm.status, 200)
        self.assertEqual(arm.json()["properties"]["status"], "Connected")

    def test_himds_on_the_main_port(self):
        self.emu.use({"extends": "arc_machine", "himds": {"same_port": True}})
        res = request(f"{self.emu.main}/metadata/identity/oauth2/token?api-version=2020-06-01"
                      "&resource=https%3A%2F%2Fmanagement.azure.com", headers=MD)
        self.assertEqual(res.status, 401)
        self.assertTrue(self.realm(res).endswith(".key"))

    def test_user_assigned_is_refused_on_arc(self):
        self.assertEqual(self.token(client_id="1e7d2c3b-5a4f-4e6d-8c9b-0a1b2c3d4e5f").status, 400)

    def test_hostile_challenges(self):
        key_dir = os.path.realpath(self.emu.key_dir)
        checks = {
            "outside_dir": lambda p: os.path.dirname(os.path.realpath(p)) != key_dir,
            "dotdot": lambda p: ".." in p.split("/") and
            os.path.dirname(os.path.realpath(p)) != key_dir,
            "subdir": lambda p: os.path.dirname(os.path.realpath(p)) != key_dir,
            "wrong_suffix": lambda p: not p.endswith(".key"),
            "oversized": lambda p: os.path.getsize(p) > 4096,
            "symlink": lambda p: os.path.islink(p) and
            os.path.dirname(os.path.realpath(p)) != key_dir,
            "missing_file": lambda p: not os.path.exists(p),
        }
        for mode, check in checks.items():
            with self.subTest(mode=mode):
                self.emu.use(f"arc_challenge_{mode}")
                path = self.realm(self.token())
                self.assertTrue(check(path), path)
                if os.path.exists(path):
                    with open(path, encoding="utf-8") as f:
                        answered = self.token("Basic " + f.read())
                    self.assertEqual(answered.status, 401)
                    notes = self.emu.log()[-1].get("notes", [])
                    self.assertIn(f"hostile_challenge_answered:{mode}", notes)

    def test_broken_challenge_headers(self):
        self.emu.use("arc_challenge_no_header")
        res = self.token()
        self.assertEqual((res.status, res.header("www-authenticate")), (401, None))
        self.emu.use("arc_challenge_malformed_header")
        self.assertEqual(self.token().header("www-authenticate").count("="), 2)

    def test_listeners_absent_where_the_environment_has_none(self):
        self.emu.use("azure_vm_onboarded_p2")
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            request(f"{self.emu.himds}/metadata/instance?api-version=2020-06-01", headers=MD)
        self.emu.use("arc_machine")
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            request(f"{self.emu.main}/metadata/instance?api-version=2021-02-01", headers=MD)


class EntraTests(EmulatorTestCase):
    TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    FORM = {"client_id": "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9",
            "client_secret": "emulator-secret-0123456789abcdef",
            "scope": "https://management.azure.com/.default", "grant_type": "client_credentials"}

    def setUp(self):
        self.emu.use("outside_azure")

    def post(self, **overrides):
        form = dict(self.FORM, **overrides)
        return request(f"{self.emu.main}/{self.TENANT}/oauth2/v2.0/token", "POST",
                       headers={"Content-Type": "application/x-www-form-urlencoded"},
                       body=urllib.parse.urlencode(form).encode())

    def test_client_credentials_token_works_on_arm(self):
        res = self.post()
        self.assertEqual(res.status, 200, res.body)
        body = res.json()
        self.assertIsInstance(body["expires_in"], int)
        self.assertEqual(body["token_type"], "Bearer")
        pricing = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings/"
                           "VirtualMachines", "2024-01-01", body["access_token"])
        exts = {e["name"]: e["isEnabled"] for e in pricing.json()["properties"]["extensions"]}
        self.assertEqual(exts["MdeDesignatedSubscription"], "True")

    def test_client_credential_errors(self):
        wrong = self.post(client_secret="nope")
        self.assertEqual((wrong.status, wrong.json()["error"], wrong.json()["error_codes"]),
                         (401, "invalid_client", [7000215]))
        self.assertEqual(self.post(client_id="ffffffff-0000-0000-0000-000000000000").status, 400)
        self.assertEqual(self.post(grant_type="password").status, 400)
        self.assertEqual(self.post(scope="https://management.azure.com/").status, 400)
        other = request(f"{self.emu.main}/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token",
                        "POST", body=urllib.parse.urlencode(self.FORM).encode())
        self.assertEqual(other.status, 400)

    def test_no_imds_off_azure(self):
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.imds("/metadata/instance")


class ArmTests(EmulatorTestCase):
    def setUp(self):
        self.emu.use(VM_UNLIMITED)
        self.token = self.mi_token()

    def test_authentication_errors_carry_request_ids(self):
        path = f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings"
        cases = [(None, "AuthenticationFailed"), ("not-a-token", "InvalidAuthenticationToken"),
                 (self.mi_token("https://monitor.azure.com"), "InvalidAuthenticationTokenAudience")]
        for token, code in cases:
            res = self.arm(path, "2024-01-01", token)
            self.assertEqual((res.status, res.json()["error"]["code"]), (401, code))
            self.assertTrue(res.header("x-ms-request-id"))
            self.assertTrue(res.header("x-ms-correlation-request-id"))
            self.assertTrue(res.header("www-authenticate").startswith("Bearer "))

    def test_expired_token_is_refused(self):
        self.emu.use(dict(VM_UNLIMITED, tokens={"lifetime_seconds": 0}))
        res = self.arm(VM_ID, "2024-07-01", self.mi_token())
        self.assertEqual((res.status, res.json()["error"]["code"]),
                         (401, "ExpiredAuthenticationToken"))

    def test_next_link_host_and_null_variants(self):
        self.emu.use("hostile_next_link")
        url = f"/subscriptions/{SUB}/providers/Microsoft.Security/settings"
        body = self.arm(url, "2022-05-01", self.mi_token()).json()
        self.assertTrue(body["nextLink"].startswith("https://attacker.example.invalid/"))
        self.emu.use(dict(VM_UNLIMITED, paging={"page_size": 10, "null_next_link": True}))
        body = self.arm(url, "2022-05-01", self.mi_token()).json()
        self.assertIsNone(body["nextLink"])
        self.assertEqual(len(body["value"]), 5)

    def test_correlation_id_is_echoed_and_api_version_checked(self):
        path = f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings"
        corr = {"x-ms-correlation-request-id": "c0ffee00-0000-4000-8000-000000000001"}
        res = self.arm(path, "2024-01-01", self.token, headers=corr)
        self.assertEqual(res.header("x-ms-correlation-request-id"),
                         "c0ffee00-0000-4000-8000-000000000001")
        missing = request(self.emu.main + path, headers={"Authorization": "Bearer " + self.token})
        self.assertEqual(missing.json()["error"]["code"], "MissingApiVersionParameter")
        self.assertEqual(self.arm(path, "2017-08-01-preview", self.token).json()["error"]["code"],
                         "NoRegisteredProviderFound")

    def test_pricings_at_subscription_and_resource_scope(self):
        sub = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings/"
                       "VirtualMachines", "2024-01-01", self.token).json()
        self.assertEqual((sub["properties"]["pricingTier"], sub["properties"]["subPlan"]),
                         ("Standard", "P2"))
        self.assertEqual(sub["properties"]["enforce"], "False")
        self.assertNotIn("inherited", sub["properties"])
        self.assertTrue(all(isinstance(e["isEnabled"], str)
                            for e in sub["properties"]["extensions"]))
        res = self.arm(VM_ID.lower() + "/providers/microsoft.security/PRICINGS/virtualmachines",
                       "2024-01-01", self.token).json()
        self.assertEqual(res["id"],
                         VM_ID + "/providers/Microsoft.Security/pricings/VirtualMachines")
        self.assertEqual((res["properties"]["inherited"], res["properties"]["inheritedFrom"]),
                         ("True", f"/subscriptions/{SUB}"))
        listed = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings",
                          "2024-01-01", self.token, extra="$filter=name%20in%20(VirtualMachines)")
        self.assertEqual([p["name"] for p in listed.json()["value"]], ["VirtualMachines"])
        self.emu.use("plan_free")
        free = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings/"
                        "VirtualMachines", "2024-01-01", self.mi_token()).json()["properties"]
        self.assertEqual(free["pricingTier"], "Free")
        self.assertNotIn("subPlan", free)

    def test_settings_are_paged_and_enabled_is_a_boolean(self):
        url = f"{self.emu.main}/subscriptions/{SUB}/providers/Microsoft.Security/settings" \
              "?api-version=2022-05-01"
        items, pages = self.follow(url, self.token)
        self.assertEqual(pages, 3)  # page_size 2 over five settings
        by_name = {s["name"]: s for s in items}
        self.assertEqual(sorted(by_name), sorted(["MCAS", "WDATP", "Sentinel",
                                                  "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW",
                                                  "WDATP_UNIFIED_SOLUTION"]))
        self.assertIs(by_name["WDATP"]["properties"]["enabled"], True)
        self.assertEqual(by_name["WDATP"]["kind"], "DataExportSettings")
        self.assertEqual(by_name["Sentinel"]["kind"], "AlertSyncSettings")
        self.emu.use("integration_linux_excluded")
        one = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/settings/"
                       "wdatp_exclude_linux_public_preview", "2022-05-01", self.mi_token()).json()
        self.assertIs(one["properties"]["enabled"], True)

    def test_va_setting_and_onboarding_package(self):
        va = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/"
                      "serverVulnerabilityAssessmentsSettings/AzureServersSetting", "2023-05-01",
                      self.token).json()
        self.assertFalse(va["id"].startswith("/"))
        self.assertEqual(va["properties"]["selectedProvider"], "MdeTvm")
        pkg = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/mdeOnboardings/default",
                       "2021-10-01-preview", self.token).json()["properties"]
        self.assertIn(b"3f1c1c41-8a2d-4b5e-9f60-7a8b9c0d1e2f",
                      base64.b64decode(pkg["onboardingPackageLinux"]))
        self.emu.use("va_not_set")
        missing = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/"
                           "serverVulnerabilityAssessmentsSettings/azureServersSetting",
                           "2023-05-01", self.mi_token())
        self.assertEqual((missing.status, missing.json()["error"]["code"]), (404, "NotFound"))

    def test_assessments_and_sub_assessments_with_cves(self):
        base = f"{self.emu.main}{VM_ID}/providers/Microsoft.Security/assessments"
        assessments, _ = self.follow(base + "?api-version=2021-06-01", self.token)
        vuln = [a for a in assessments if a["name"] == "1195afff-c881-495e-9bc5-1486211ae03f"]
        self.assertEqual(vuln[0]["properties"]["status"]["code"], "Unhealthy")
        subs, pages = self.follow(base + "/1195afff-c881-495e-9bc5-1486211ae03f/subAssessments"
                                         "?api-version=2019-01-01-preview", self.token)
        self.assertEqual((len(subs), pages), (3, 2))
        cves = {c["title"] for s in subs for c in s["properties"]["additionalData"]["cve"]}
        self.assertIn("CVE-2023-4911", cves)
        self.assertTrue(all(s["properties"]["resourceDetails"]["id"] == VM_ID for s in subs))
        self.emu.use("no_findings_yet")
        none = self.arm(f"{VM_ID}/providers/Microsoft.Security/assessments/"
                        "1195afff-c881-495e-9bc5-1486211ae03f", "2021-06-01", self.mi_token())
        self.assertEqual(none.status, 404)

    def test_individual_recommendations_and_edr_shapes(self):
        """Individual SoftwareUpdate recommendations as the transition article's Resource Graph
        query reads them (defender-docs transition-grouped-individual-recommendations.md,
        ms.date 06/29/2026): CvesDetails is a STRING holding JSON with CveId entries; the
        EDR-health recommendations by their keys."""
        self.emu.use("findings_individual_only")
        base = f"{self.emu.main}{VM_ID}/providers/Microsoft.Security/assessments"
        items, pages = self.follow(base + "?api-version=2021-06-01", self.token)
        self.assertGreater(pages, 1)
        software = [a for a in items
                    if a["properties"].get("metadata", {}).get("recommendationCategory")
                    == "SoftwareUpdate"]
        self.assertEqual(len(software), 4)
        self.assertNotIn("1195afff-c881-495e-9bc5-1486211ae03f", [a["name"] for a in items])
        glibc = next(a for a in software if "glibc" in a["properties"]["displayName"])
        details = glibc["properties"]["additionalData"]["CvesDetails"]
        self.assertIsInstance(details, str)
        self.assertEqual(json.loads(details)[0]["CveId"], "CVE-2023-4911")
        self.assertEqual(glibc["properties"]["metadata"]["severity"], "High")
        self.emu.use("edr_health_issues")
        items, _ = self.follow(base + "?api-version=2021-06-01", self.token)
        codes = {a["name"]: a["properties"]["status"]["code"] for a in items}
        for key in ("506d18a1-d571-4341-aad5-a7d363c5bbd4", "aafa7d27-01ae-40c6-a56c-1d0ef04b1d71",
                    "d44de051-1862-48f8-8476-192aee854699"):
            self.assertEqual(codes[key], "Unhealthy")
        installed = next(a for a in items if a["name"] == "06e3a6db-6c0c-4ad9-943f-31d9d73ecf6c")
        self.assertEqual(installed["properties"]["additionalData"]["DiscoveredEdrs"],
                         "Microsoft Defender for Endpoint")

    def test_vm_instance_view_and_extension(self):
        plain = self.arm(VM_ID, "2024-07-01", self.token).json()
        self.assertNotIn("instanceView", plain["properties"])
        vm = self.arm(VM_ID, "2024-07-01", self.token, extra="$expand=instanceView").json()
        ext = vm["properties"]["instanceView"]["extensions"][0]
        self.assertEqual((ext["name"], ext["statuses"][0]["level"]), ("MDE.Linux", "Info"))
        self.emu.use("extension_failed_exit5")
        res = self.arm(VM_ID + "/extensions/mde.linux", "2024-07-01", self.mi_token(),
                       extra="$expand=instanceView").json()
        self.assertEqual(res["properties"]["provisioningState"], "Failed")
        status = res["properties"]["instanceView"]["statuses"][0]
        self.assertEqual(status["level"], "Error")
        # MDEExtErrorReport.ps1 reads the installer code as word 16 of the message.
        self.assertEqual(status["message"].split(" ")[16], "5")
        self.assertEqual(self.arm(VM_ID + "/extensions/Other", "2024-07-01",
                                  self.mi_token()).json()["error"]["code"], "ResourceNotFound")

    def test_not_found_scopes(self):
        other_sub = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/" \
                    "Microsoft.Security/pricings"
        self.assertEqual(self.arm(other_sub, "2024-01-01", self.token).json()["error"]["code"],
                         "SubscriptionNotFound")
        other_vm = VM_ID.replace("vm-preflight-01", "vm-other")
        self.assertEqual(self.arm(other_vm, "2024-07-01", self.token).json()["error"]["code"],
                         "ResourceNotFound")
        self.assertEqual(self.arm(ARC_ID, "2024-07-10", self.token).status, 404)

    def test_authorization_failed_names_the_action(self):
        self.emu.use("authorization_failed")
        token = self.mi_token()
        res = self.arm(f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings/"
                       "VirtualMachines", "2024-01-01", token)
        self.assertEqual(res.status, 403)
        err = res.json()["error"]
        self.assertEqual(err["code"], "AuthorizationFailed")
        self.assertIn("'Microsoft.Security/pricings/read'", err["message"])
        self.assertIn("5c2b1e4e-7f3a-4d52-9c1e-0a6b5c4d3e2f", err["message"])
        self.assertEqual(self.arm(VM_ID, "2024-07-01", token).status, 200)

    def test_arc_machine_and_extension_shapes(self):
        self.emu.use("arc_machine")
        # The VM identity is not in this world's IMDS, so take a client-credentials route:
        # the HIMDS tests cover the challenge; here a token from the store is enough.
        self.emu.use({"extends": "arc_machine", "service_principals": [
            {"client_id": "c1", "client_secret": "s1", "object_id": "o1"}]})
        tok = request(f"{self.emu.main}/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
                      "POST", body=b"client_id=c1&client_secret=s1&grant_type=client_credentials"
                                   b"&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
                      ).json()["access_token"]
        ext = self.arm(ARC_ID + "/extensions/MDE.Linux", "2024-07-10", tok).json()
        self.assertIn("/Machines/arc-preflight-01/Extensions/MDE.Linux", ext["id"])
        self.assertIsInstance(ext["properties"]["instanceView"]["status"], dict)
        self.assertEqual(ext["properties"]["instanceView"]["status"]["level"], "Information")
        listed = self.arm(ARC_ID + "/extensions", "2024-07-10", tok).json()["value"]
        self.assertEqual(len(listed), 1)


class TagTests(EmulatorTestCase):
    def setUp(self):
        self.emu.use(VM_UNLIMITED)
        self.token = self.mi_token()
        self.path = VM_ID + "/providers/Microsoft.Resources/tags/default"

    def patch(self, tags, operation="Merge"):
        return self.arm(self.path, "2021-04-01", self.token, "PATCH",
                        {"operation": operation, "properties": {"tags": tags}})

    def test_merge_is_recorded_and_case_insensitive(self):
        res = self.patch({"mdeReadiness": "ready", "ENV": "prod"})
        self.assertEqual(res.status, 200, res.body)
        self.assertEqual(res.json()["properties"]["tags"],
                         {"owner": "secops", "ENV": "prod", "mdeReadiness": "ready"})
        self.assertEqual(res.json()["type"], "Microsoft.Resources/tags")
        state = self.emu.control("GET", "state").json()
        self.assertEqual(state["tags"]["mdeReadiness"], "ready")
        self.assertEqual(self.emu.log()[-1]["tags_after"]["mdeReadiness"], "ready")
        imds = self.imds("/metadata/instance/compute/tags", "api-version=2021-02-01&format=text")
        self.assertIn(b"mdeReadiness:ready", imds.body)
        self.assertEqual(self.patch({"ENV": "other"}, "Delete").json()["properties"]["tags"],
                         {"owner": "secops", "ENV": "prod", "mdeReadiness": "ready"})
        self.assertEqual(self.patch({"env": ""}, "Delete").json()["properties"]["tags"],
                         {"owner": "secops", "mdeReadiness": "ready"})
        self.assertEqual(self.patch({"a": "b"}, "Replace").json()["properties"]["tags"],
                         {"a": "b"})

    def test_limits(self):
        self.assertEqual(self.patch({"n" * 513: "v"}).status, 400)
        self.assertEqual(self.patch({"n": "v" * 257}).status, 400)
        self.assertEqual(self.patch({"a/b": "v"}).json()["error"]["code"],
                         "InvalidTagNameCharacters")
        self.assertEqual(self.patch({"x": "y"}, "Upsert").status, 400)
        self.emu.use({"extends": "tags_limit", "rate_limits": {"imds": 0, "identity": 0}})
        self.token = self.mi_token()
        self.assertEqual(self.patch({"t50": "v"}).status, 200)
        too_many = self.patch({"t51": "v"})
        self.assertEqual(too_many.status, 400)
        self.assertEqual(len(self.emu.control("GET", "state").json()["tags"]), 50)

    def test_refused_write(self):
        self.emu.use({"extends": "authorization_failed", "rate_limits": {"identity": 0}})
        self.token = self.mi_token()
        res = self.patch({"mdeReadiness": "ready"})
        self.assertEqual(res.status, 403)
        self.assertIn("Microsoft.Resources/tags/write", res.json()["error"]["message"])


class ResourceGraphTests(EmulatorTestCase):
    QUERY = ("securityresources | where type =~ 'microsoft.security/assessments/subassessments' "
             f"| where tolower(tostring(properties.resourceDetails.id)) == tolower('{VM_ID}') "
             "| mv-expand cve = properties.additionalData.cve "
             "| project id, cveId = tostring(cve.title), status = tostring(properties.status.code)")

    def setUp(self):
        self.emu.use(VM_UNLIMITED)
        self.token = self.mi_token()

    def query(self, body):
        return self.arm("/providers/Microsoft.ResourceGraph/resources", "2021-03-01", self.token,
                        "POST", body)

    def test_query_with_skip_token_paging(self):
        body = {"subscriptions": [SUB], "query": self.QUERY}
        rows, pages = [], 0
        while True:
            res = self.query(body).json()
            self.assertEqual(res["resultTruncated"], "false")
            rows += res["data"]
            pages += 1
            if "$skipToken" not in res:
                break
            body["options"] = {"$skipToken": res["$skipToken"]}
        self.assertEqual((len(rows), pages, res["totalRecords"]), (4, 2, 4))
        self.assertEqual({r["cveId"] for r in rows},
                         {"CVE-2023-4911", "CVE-2024-6387", "CVE-2023-51385", "CVE-2023-38545"})

    def test_table_format_and_errors(self):
        res = self.query({"query": "resources | project id, name",
                          "options": {"resultFormat": "table"}}).json()
        self.assertEqual([c["name"] for c in res["data"]["columns"]], ["id", "name"])
        self.assertEqual(res["data"]["rows"], [[VM_ID, "vm-preflight-01"]])
        bad = self.query({"query": "resources | summarize count() by type"})
        self.assertEqual(bad.status, 400)
        self.assertEqual(bad.json()["error"]["details"][0]["code"], "InvalidQuery")
        token = self.query({"query": self.QUERY}).json()["$skipToken"]
        other = self.query({"query": "resources", "options": {"$skipToken": token}})
        self.assertEqual(other.status, 400)
        self.assertEqual(self.arm("/providers/Microsoft.ResourceGraph/resources", "2021-03-01",
                                  None, "POST", {"query": "resources"}).status, 401)


class FaultTests(EmulatorTestCase):
    PRICING = f"/subscriptions/{SUB}/providers/Microsoft.Security/pricings/VirtualMachines"

    def use_faults(self, *faults):
        self.emu.use(dict(VM_UNLIMITED, faults=list(faults)))
        self.token = self.mi_token()

    def get_pricing(self, **kw):
        return self.arm(self.PRICING, "2024-01-01", self.token, **kw)

    def test_throttle_with_retry_after_seconds_then_success(self):
        self.emu.use({"extends": "throttled_retry_after_2",
                      "rate_limits": {"imds": 0, "identity": 0}})
        self.token = self.mi_token()
        first = self.get_pricing()
        self.assertEqual((first.status, first.header("retry-after")), (429, "2"))
        self.assertEqual(first.json()["error"]["code"], "SubscriptionRequestsThrottled")
        self.assertTrue(first.header("x-ms-request-id"))
        self.assertEqual(self.get_pricing().status, 200)
        log = [e for e in self.emu.log() if e["family"] == "arm"]
        self.assertEqual([(e["status"], e.get("fault")) for e in log],
                         [(429, "status"), (200, None)])

    def test_retry_after_http_date_and_ms_headers(self):
        self.use_faults({"match": {"family": "arm"}, "kind": "status", "status": 429,
                         "retry_after_date": 2, "retry_after_ms": 1500,
                         "x_ms_retry_after_ms": 1500})
        res = self.get_pricing()
        when = email.utils.parsedate_to_datetime(res.header("retry-after")).timestamp()
        self.assertGreaterEqual(when, time.time() + 1)
        self.assertEqual((res.header("retry-after-ms"), res.header("x-ms-retry-after-ms")),
                         ("1500", "1500"))

    def test_flapping_and_n_times(self):
        self.emu.use({"extends": "flapping_5xx", "rate_limits": {"imds": 0, "identity": 0}})
        q = "api-version=2018-02-01&resource=" + urllib.parse.quote(ARM_RESOURCE)
        self.assertEqual(self.imds("/metadata/identity/oauth2/token", q).status, 500)
        self.token = self.mi_token()
        self.assertEqual([self.get_pricing().status for _ in range(4)], [503, 200, 503, 200])
        self.use_faults({"match": {"route": "arm.security.*"}, "kind": "status", "status": 500,
                         "times": 2, "skip": 1})
        self.assertEqual([self.get_pricing().status for _ in range(4)], [200, 500, 500, 200])

    def test_imds_410(self):
        self.emu.use({"extends": "imds_gone_410", "rate_limits": {"imds": 0}})
        self.assertEqual([self.imds("/metadata/instance").status for _ in range(3)],
                         [410, 410, 200])

    def test_connection_reset(self):
        self.use_faults({"match": {"family": "arm"}, "kind": "reset"})
        with self.assertRaises((ConnectionError, http.client.HTTPException)):
            self.get_pricing()

    def test_hang_needs_a_client_timeout(self):
        self.use_faults({"match": {"family": "arm"}, "kind": "hang"})
        start = time.monotonic()
        with self.assertRaises((TimeoutError, socket.timeout)):
            request(self.emu.main + self.PRICING + "?api-version=2024-01-01",
                    headers={"Authorization": "Bearer " + self.token}, timeout=0.5)
        self.assertLess(time.monotonic() - start, 3)

    def test_slow_body_trickles(self):
        self.use_faults({"match": {"family": "arm"}, "kind": "slow_body", "chunk_bytes": 250,
                         "interval": 0.15})
        start = time.monotonic()
        res = self.get_pricing()
        self.assertGreaterEqual(time.monotonic() - start, 0.3)
        self.assertEqual(res.json()["name"], "VirtualMachines")

    def test_truncated_body(self):
        self.use_faults({"match": {"family": "arm"}, "kind": "truncated_body"})
        with self.assertRaises(http.client.IncompleteRead):
            self.get_pricing()

    def test_malformed_variants(self):
        for variant in ("cut", "html", "wrong_types", "binary", "empty", "deep"):
            with self.subTest(variant=variant):
                self.use_faults({"match": {"family": "arm"}, "kind": "malformed_json",
                                 "variant": variant})
                res = self.get_pricing()
                self.assertEqual(res.status, 200)
                if variant == "wrong_types":
                    self.assertIsInstance(res.json()["properties"], list)
                else:
                    with self.assertRaises((ValueError, RecursionError)):
                        json.loads(res.body.decode("utf-8"))

    def test_oversized_body_is_announced_and_can_be_abandoned(self):
        self.use_faults({"match": {"family": "arm"}, "kind": "oversized_body"})
        res = self.arm(self.PRICING, "2024-01-01", self.token)  # reads at most 4 MiB
        self.assertEqual(res.header("content-length"), str(20 * 1024 * 1024))
        self.assertEqual(len(res.body), 4 * 1024 * 1024)
        self.assertTrue(res.body.startswith(b'{"value":['))
        self.assertEqual(self.emu.control("GET", "health").status, 200)

    def test_never_ending_body_can_be_abandoned(self):
        self.use_faults({"match": {"family": "arm"}, "kind": "never_ending_body"})
        res = request(self.emu.main + self.PRICING + "?api-version=2024-01-01",
                      headers={"Authorization": "Bearer " + self.token}, limit=1024 * 1024)
        self.assertEqual(res.header("transfer-encoding"), "chunked")
        self.assertEqual(len(res.body), 1024 * 1024)
        self.assertEqual(self.emu.control("GET", "health").status, 200)

    def test_faults_per_route(self):
        self.emu.use({"extends": "malformed_bodies", "rate_limits": {"imds": 0, "identity": 0}})
        self.token = self.mi_token()
        with self.assertRaises(http.client.IncompleteRead):
            self.get_pricing()
        self.assertEqual(self.arm(VM_ID, "2024-07-01", self.token).status, 200)


class LogTests(EmulatorTestCase):
    def test_log_lines_and_no_secrets(self):
        self.emu.use({"extends": "outside_azure", "environment": "azure_vm",
                      "identity": {"system_assigned": True},
                      "rate_limits": {"imds": 0, "identity": 0}})
        token = self.mi_token()
        self.arm(VM_ID, "2024-07-01", token, headers={"x-ms-client-request-id": "abc"})
        form = "client_id=0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9&client_secret=emulator-secret-" \
               "0123456789abcdef&grant_type=client_credentials&scope=https%3A%2F%2F" \
               "management.azure.com%2F.default"
        sp = request(f"{self.emu.main}/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
                     "POST", body=form.encode()).json()["access_token"]
        self.arm(VM_ID, "2024-07-01", sp, extra="client_secret=leak")
        entries = self.emu.log()
        self.assertEqual([e["route"] for e in entries],
                         ["imds.token", "arm.compute.vm.get", "entra.token", "arm.compute.vm.get"])
        arm = entries[1]
        self.assertRegex(arm["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(arm["query"], {"api-version": "2024-07-01"})
        self.assertEqual(arm["headers"]["x-ms-client-request-id"], "abc")
        self.assertRegex(arm["headers"]["authorization"], r"^Bearer <redacted sha256:[0-9a-f]{8}>$")
        self.assertEqual(entries[2]["form_keys"], ["client_id", "client_secret", "grant_type",
                                                   "scope"])
        self.assertEqual(entries[3]["query"]["client_secret"], "<redacted>")
        with open(self.emu.log_path, encoding="utf-8") as f:
            text = f.read()
        lines = [json.loads(line) for line in text.splitlines()]
        self.assertGreaterEqual(len(lines), 4)
        secrets = self.emu.control("GET", "secrets").json()
        self.assertIn(token, secrets["tokens"])
        for secret in secrets["tokens"] + secrets["key_secrets"] + ["emulator-secret-0123456789"]:
            self.assertNotIn(secret, text)
            self.assertNotIn(secret, json.dumps(entries))
        self.assertFalse(any(e["path"].startswith("/__emulator") for e in lines))

    def test_himds_secret_never_logged(self):
        self.emu.use("arc_machine")
        q = "api-version=2020-06-01&resource=https%3A%2F%2Fmanagement.azure.com"
        url = f"{self.emu.himds}/metadata/identity/oauth2/token?{q}"
        realm = request(url, headers=MD).header("www-authenticate").split("=", 1)[1]
        with open(realm, encoding="utf-8") as f:
            secret = f.read()
        res = request(url, headers=dict(MD, Authorization="Basic " + secret))
        with open(self.emu.log_path, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn(secret, text)
        self.assertNotIn(res.json()["access_token"], text)

    def test_control_endpoints(self):
        self.assertEqual(self.emu.control("POST", "scenario", {"name": "no_such"}).status, 400)
        self.assertEqual(self.emu.control("POST", "scenario", {"x": 1}).status, 400)
        for bad in ({"faults": [{"kind": "explode"}]}, {"himds": {"challenge": "nice"}},
                    {"imds": {"absent": "404"}}, {"environment": "gcp"}, {"colour": "red"}):
            body = {"scenario": dict(bad, extends="azure_vm_onboarded_p2")}
            self.assertEqual(self.emu.control("POST", "scenario", body).status, 400, bad)
        self.emu.use("plan_free")
        self.assertEqual(self.emu.control("GET", "scenario").json()["name"], "plan_free")
        forwarded = request(self.emu.main + "/__emulator/log",
                            headers={"X-Forwarded-For": "203.0.113.9"})
        self.assertEqual(forwarded.status, 403)


class CliTests(unittest.TestCase):
    def run_cli(self, *args):
        return subprocess.run([PYTHON, SCRIPT, *args], capture_output=True, timeout=20)

    def test_help_documents_the_options(self):
        out = self.run_cli("--help")
        self.assertEqual(out.returncode, 0)
        for word in (b"--scenario", b"--port", b"--himds-port", b"--key-dir", b"--log",
                     b"--bind"):
            self.assertIn(word, out.stdout)

    def test_refuses_non_loopback_and_unknown_scenarios(self):
        for args in (("--scenario", "azure_vm_onboarded_p2", "--bind", "0.0.0.0"),
                     ("--scenario", "azure_vm_onboarded_p2", "--bind", "localhost"),
                     ("--scenario", "no_such_scenario")):
            with self.subTest(args=args):
                out = self.run_cli(*args)
                self.assertEqual(out.returncode, 2)
                self.assertEqual(out.stdout, b"")

    def test_ready_line_sigterm_and_cleanup(self):
        emu = EmulatorProcess("arc_machine")
        info = emu.info
        self.assertTrue(info["ready"])
        for key in ("imds_endpoint", "arm_endpoint", "himds_endpoint", "identity_endpoint"):
            self.assertTrue(info[key].startswith("http://127.0.0.1:"), info[key])
        self.assertNotEqual(info["main_port"], info["himds_port"])
        first = request(info["identity_endpoint"] + "?api-version=2020-06-01&resource="
                        "https%3A%2F%2Fmanagement.azure.com", headers=MD)
        leftover = first.header("www-authenticate").split("=", 1)[1]
        self.assertTrue(os.path.exists(leftover))
        self.assertEqual(emu.stop(), 0)
        self.assertFalse(os.path.exists(leftover), "key files are removed on exit")

    def test_ipv6_loopback(self):
        try:
            with socket.socket(socket.AF_INET6) as probe:
                probe.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback here")
        emu = EmulatorProcess("azure_vm_onboarded_p2", ["--bind", "::1"])
        try:
            self.assertTrue(emu.main.startswith("http://[::1]:"))
            self.assertEqual(request(emu.main + "/__emulator/health").status, 200)
        finally:
            self.assertEqual(emu.stop(), 0)


if __name__ == "__main__":
    unittest.main()
