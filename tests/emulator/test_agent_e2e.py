"""End-to-end: the built mde-preflight binary against the Azure emulator, over real HTTP on
loopback (issue 3, must-show 1 and 2).

Each test starts the emulator with a scenario, runs `mde-preflight check --format json` against
it as a separate process with a clean environment, and asserts on the report, the exit code, the
emulator's request log and the absence of every secret the emulator issued.

Run: MDE_PREFLIGHT_BIN=build/agent/mde-preflight python3 -m unittest -v tests.emulator.test_agent_e2e
"""

import atexit
import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from tests.emulator.emulator_client import EmulatorProcess

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SCHEMA = os.path.join(REPO, "agent", "schema", "report.schema.json")
VALIDATOR = os.path.join(REPO, "tests", "tools", "validate_report.py")
AGENT = os.environ.get("MDE_PREFLIGHT_BIN", os.path.join(REPO, "build", "agent", "mde-preflight"))
# The agent takes an Arc key file only from this directory when the variable is set and the
# identity endpoint is on loopback (platform/azure, test hook); the emulator writes its key
# files there.
ARC_TOKEN_DIR_ENV = "MDE_PREFLIGHT_TEST_ARC_TOKEN_DIR"

CLOUD_CHECKS = ["azure.plan", "azure.integration", "azure.vulnerability_assessment",
                "azure.extension", "azure.direct_onboarding", "azure.vulnerability_findings",
                "azure.org_match", "azure.edr"]
CLOUD_FIELDS = ["pricing_tier", "sub_plan", "mde_integration_enabled",
                "vulnerability_assessment_provider", "direct_onboarding_designated",
                "extension_provisioning_state", "vulnerability_findings", "edr", "errors"]
SUBSCRIPTION = "8d10da13-8125-4ba9-a717-bf7490507b3d"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SP_CLIENT = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9"
SP_SECRET = "emulator-secret-0123456789abcdef"

# Variables that would point the agent somewhere else, or through a proxy.
SCRUBBED = ("IDENTITY_ENDPOINT", "IMDS_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET",
            "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST",
            ARC_TOKEN_DIR_ENV)


class AgentRun:
    def __init__(self, code, out, err, seconds):
        self.code, self.out, self.err, self.seconds = code, out, err, seconds
        try:
            self.report = json.loads(out)
        except ValueError:
            self.report = None

    def check(self, check_id):
        for check in self.report["checks"]:
            if check["id"] == check_id:
                return check
        raise AssertionError(f"no check {check_id} in {[c['id'] for c in self.report['checks']]}")

    def text(self):
        return self.out + "\n" + self.err


def _no_endpoints():
    f = tempfile.NamedTemporaryFile("w", prefix="no-endpoints-", suffix=".txt", delete=False)
    f.write("# network.mde probes nothing in these tests\n")
    f.close()
    atexit.register(os.unlink, f.name)
    return f.name


NO_ENDPOINTS = _no_endpoints()


def agent_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in SCRUBBED and not k.startswith("MDE_PREFLIGHT_") and "proxy" not in k.lower()}
    # network.mde probes nothing here: its own tests are tests/network (an empty endpoint list).
    env["MDE_PREFLIGHT_NETWORK_ENDPOINTS"] = NO_ENDPOINTS
    env.update(extra or {})
    return env


def run_agent(args, env=None, timeout=20, wrapper=()):
    cmd = [*wrapper, AGENT, "check", "--format", "json", "-v", "--timeout", str(timeout), *args]
    started = time.monotonic()
    proc = subprocess.run(cmd, env=agent_env(env), capture_output=True, timeout=timeout + 60)
    return AgentRun(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                    proc.stderr.decode("utf-8", "replace"), time.monotonic() - started)


def log_time(entry):
    return datetime.datetime.fromisoformat(entry["time"].replace("Z", "+00:00"))


class AgentE2E(unittest.TestCase):
    emu = None

    def start(self, scenario, key_dir=None):
        self.emu = EmulatorProcess(scenario, key_dir=key_dir)
        self.addCleanup(self.emu.stop)
        return self.emu

    def vm_args(self, only=CLOUD_CHECKS):
        args = ["--imds-endpoint", self.emu.main, "--arm-endpoint", self.emu.main]
        if only:
            args += ["--only", ",".join(only)]
        return args

    def assert_complete(self, run, timeout):
        """The report is whole, valid against the schema, on time, and without secrets."""
        self.assertIn(run.code, (0, 1), run.err[-3000:])
        self.assertIsNotNone(run.report, run.out[-2000:])
        valid = subprocess.run(["/usr/bin/python3", VALIDATOR, SCHEMA, "-"],
                               input=run.out.encode(), capture_output=True)
        self.assertEqual(valid.returncode, 0, valid.stderr.decode()[-3000:])
        # The deadline bounds the whole run; a few seconds of slack for process start and exit.
        self.assertLess(run.seconds, timeout + 10, "the agent overran its deadline")
        cloud = run.report["cloud"]
        if cloud is not None:
            for field in CLOUD_FIELDS:
                self.assertIn(field, cloud)
        for check in run.report["checks"]:
            self.assertTrue(check["summary"], check)
            if check["status"] in ("warn", "fail", "skip"):
                self.assertTrue(check["summary"].strip(), check)
        self.assert_no_secrets(run)

    def assert_no_secrets(self, run):
        secrets = self.emu.control("GET", "secrets").json() if self.emu else {}
        values = set()

        def collect(node):
            if isinstance(node, dict):
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)
            elif isinstance(node, str) and len(node) >= 12:
                values.add(node)

        collect(secrets)
        values.add(SP_SECRET)
        text = run.text()
        for value in values:
            self.assertNotIn(value, text, "a token or key-file secret leaked into output")

    def cloud_error_codes(self, run):
        return {e.get("code") for e in (run.report["cloud"] or {}).get("errors", [])}

    # --- the happy paths ---------------------------------------------------------------------

    def test_azure_vm_onboarded_p2(self):
        self.start("azure_vm_onboarded_p2")
        run = run_agent(self.vm_args())
        self.assert_complete(run, 20)
        env = run.report["environment"]
        self.assertEqual(env["kind"], "azure_vm")
        self.assertEqual(env["subscription_id"], SUBSCRIPTION)
        self.assertEqual(env["resource_group"], "rg-preflight")
        self.assertIn("/providers/Microsoft.Compute/virtualMachines/vm-preflight-01",
                      env["resource_id"])
        cloud = run.report["cloud"]
        self.assertEqual(cloud["pricing_tier"], "Standard")
        self.assertEqual(cloud["sub_plan"], "P2")
        self.assertIs(cloud["mde_integration_enabled"], True)
        self.assertEqual(cloud["vulnerability_assessment_provider"], "MdeTvm")
        self.assertEqual(cloud["extension_provisioning_state"], "Succeeded")
        self.assertEqual(cloud["vulnerability_findings"]["status"], "Unhealthy")
        self.assertGreaterEqual(cloud["vulnerability_findings"]["count"], 1)
        self.assertTrue(all(c.startswith("CVE-") for c in cloud["vulnerability_findings"]["cves"]))
        for check_id in ("azure.plan", "azure.integration", "azure.vulnerability_assessment",
                         "azure.extension"):
            self.assertEqual(run.check(check_id)["status"], "pass", run.check(check_id))
        self.assertEqual(run.check("azure.direct_onboarding")["status"], "skip")
        # One token for the whole run, and the IMDS probe and token went without a proxy.
        tokens = [e for e in self.emu.log() if e["family"] == "imds_identity"]
        self.assertEqual(len(tokens), 1, tokens)

    def test_arc_machine_through_the_challenge(self):
        key_dir = tempfile.mkdtemp(prefix="arc-tokens-")
        self.addCleanup(shutil.rmtree, key_dir, True)
        emu = self.start("arc_machine", key_dir=key_dir)
        run = run_agent(["--arm-endpoint", emu.main, "--only", ",".join(CLOUD_CHECKS)],
                        env={"IDENTITY_ENDPOINT": emu.info["identity_endpoint"],
                             "IMDS_ENDPOINT": emu.himds, ARC_TOKEN_DIR_ENV: key_dir})
        self.assert_complete(run, 20)
        env = run.report["environment"]
        self.assertEqual(env["kind"], "azure_arc")
        self.assertIn("/providers/Microsoft.HybridCompute/machines/arc-preflight-01",
                      env["resource_id"])
        self.assertEqual(run.check("azure.plan")["status"], "pass")
        self.assertEqual(run.report["cloud"]["extension_provisioning_state"], "Succeeded")
        log = self.emu.log()
        notes = [n for e in log for n in e.get("notes", [])]
        self.assertIn("himds_challenge_issued:normal", notes)
        answered = [e for e in log if e["family"] == "himds_identity" and e["status"] == 200]
        self.assertEqual(len(answered), 1, log)
        self.assertFalse([e for e in log if e["family"] == "imds"], "IMDS asked on an Arc machine")

    def test_hostile_arc_challenges_are_refused(self):
        for mode in ("outside_dir", "dotdot", "subdir", "wrong_suffix", "oversized", "symlink"):
            with self.subTest(mode=mode):
                key_dir = tempfile.mkdtemp(prefix="arc-tokens-")
                self.addCleanup(shutil.rmtree, key_dir, True)
                emu = EmulatorProcess("arc_challenge_" + mode, key_dir=key_dir)
                self.emu = emu
                try:
                    run = run_agent(["--arm-endpoint", emu.main, "--only", "azure.plan"],
                                    env={"IDENTITY_ENDPOINT": emu.info["identity_endpoint"],
                                         "IMDS_ENDPOINT": emu.himds, ARC_TOKEN_DIR_ENV: key_dir})
                    self.assert_complete(run, 20)
                    notes = [n for e in emu.log() for n in e.get("notes", [])]
                    self.assertFalse([n for n in notes if n.startswith("hostile_challenge_answered")],
                                     notes)
                    self.assertIn("NoIdentity", self.cloud_error_codes(run))
                    self.assertNotEqual(run.check("azure.plan")["status"], "pass")
                finally:
                    emu.stop()
                    self.emu = None

    def test_outside_azure_touches_no_network(self):
        """No Azure sign and no credentials: `environment.kind: other`, and not one connect()
        to an IP address (strace sees every connect of the agent and its children)."""
        trace = tempfile.NamedTemporaryFile(prefix="agent-connects-", delete=False)
        trace.close()
        self.addCleanup(os.unlink, trace.name)
        run = run_agent([], timeout=30,
                        wrapper=("strace", "-f", "-qq", "-e", "trace=connect", "-o", trace.name))
        self.assert_complete(run, 30)
        self.assertEqual(run.report["environment"]["kind"], "other")
        with open(trace.name, encoding="utf-8", errors="replace") as f:
            connects = [line for line in f if "AF_INET" in line]
        self.assertEqual(connects, [])
        for check_id in CLOUD_CHECKS:
            self.assertIn(run.check(check_id)["status"], ("skip", "warn"), run.check(check_id))

    def test_outside_azure_with_a_service_principal_and_designated_subscription(self):
        emu = self.start("outside_azure")
        config = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump({"designated_subscription": SUBSCRIPTION}, config)
        config.close()
        self.addCleanup(os.unlink, config.name)
        run = run_agent(["--arm-endpoint", emu.main, "--config", config.name,
                         "--only", ",".join(CLOUD_CHECKS)],
                        env={"AZURE_AUTHORITY_HOST": emu.info["authority_host"],
                             "AZURE_TENANT_ID": TENANT, "AZURE_CLIENT_ID": SP_CLIENT,
                             "AZURE_CLIENT_SECRET": SP_SECRET})
        self.assert_complete(run, 20)
        self.assertEqual(run.report["environment"]["kind"], "other")
        self.assertIs(run.report["cloud"]["direct_onboarding_designated"], True)
        self.assertEqual(run.check("azure.direct_onboarding")["status"], "pass")
        log = emu.log()
        self.assertTrue([e for e in log if e["family"] == "entra"], log)
        self.assertFalse([e for e in log if e["family"].startswith("imds")])

    # --- what the cloud says ----------------------------------------------------------------

    def test_no_identity_says_which_role_to_grant(self):
        self.start("no_identity")
        run = run_agent(self.vm_args())
        self.assert_complete(run, 20)
        self.assertEqual(run.report["environment"]["kind"], "azure_vm", run.report["environment"])
        self.assertIn("NoIdentity", self.cloud_error_codes(run))
        plan = run.check("azure.plan")
        self.assertIn(plan["status"], ("warn", "skip"))
        self.assertIn("identity", (plan["summary"] + plan["remediation"]).lower())
        self.assertIn("Security Reader", plan["summary"] + plan["remediation"])

    def test_authorization_failed_names_the_missing_permission(self):
        self.start("authorization_failed")
        run = run_agent(self.vm_args())
        self.assert_complete(run, 20)
        self.assertIn("AuthorizationFailed", self.cloud_error_codes(run))
        plan = run.check("azure.plan")
        self.assertEqual(plan["status"], "warn")
        self.assertIn("Microsoft.Security/pricings/read", plan["summary"] + plan["remediation"])

    def test_plan_free_fails(self):
        self.start("plan_free")
        run = run_agent(self.vm_args())
        self.assert_complete(run, 20)
        self.assertEqual(run.report["cloud"]["pricing_tier"], "Free")
        self.assertEqual(run.check("azure.plan")["status"], "fail")
        self.assertEqual(run.code, 1)

    def test_integration_off_fails(self):
        self.start("integration_off")
        run = run_agent(self.vm_args())
        self.assert_complete(run, 20)
        self.assertIs(run.report["cloud"]["mde_integration_enabled"], False)
        self.assertEqual(run.check("azure.integration")["status"], "fail")
        self.assertEqual(run.code, 1)

    def test_extension_failed_with_installer_exit_code_5(self):
        self.start("extension_failed_exit5")
        run = run_agent(self.vm_args())
        self.assert_complete(run, 20)
        self.assertEqual(run.report["cloud"]["extension_provisioning_state"], "Failed")
        ext = run.check("azure.extension")
        self.assertEqual(ext["status"], "fail")
        said = json.dumps(ext)
        self.assertIn("ERR_CONFLICTING_APPS", said)

    # --- vulnerability findings: individual and grouped recommendations ---------------------
    # Body shapes: the individual SoftwareUpdate recommendations follow the fields of the
    # Resource Graph query in defender-docs articles/defender-for-cloud/
    # transition-grouped-individual-recommendations.md (ms.date 06/29/2026); the grouped ones
    # the spec's GetSubAssessment_example.json (2019-01-01-preview) with the CVE Dashboard
    # workbook's MDVM fields (tests/emulator/arm_shapes.py).

    def findings_run(self, scenario):
        self.start(scenario)
        run = run_agent(self.vm_args(only=["azure.vulnerability_findings"]))
        self.assert_complete(run, 20)
        paths = [e["path"].lower() for e in self.emu.log() if e["family"] == "arm"]
        return run, run.check("azure.vulnerability_findings"), paths

    def test_findings_individual_only_per_transition_article(self):
        run, check, paths = self.findings_run("findings_individual_only")
        vf = run.report["cloud"]["vulnerability_findings"]
        self.assertEqual(vf["model"], "individual")
        self.assertEqual(vf["status"], "Unhealthy")
        # Three unresolved findings, the one with malformed CvesDetails included; the resolved
        # (Healthy) one is not counted.
        self.assertEqual(check["evidence"]["findings_count"], 3)
        self.assertEqual(vf["by_severity"], {"Critical": 1, "High": 1, "Medium": 1, "Low": 0,
                                             "Other": 0})
        self.assertEqual(vf["cves"], ["CVE-2023-38545", "CVE-2023-4911", "CVE-2023-38546"])
        self.assertEqual(vf["count"], 3)
        self.assertEqual(check["evidence"]["cves_malformed"], 1)
        self.assertIn("not a JSON list of CVEs", check["summary"])
        vulns = {v["title"]: v for v in check["evidence"]["vulnerabilities"]}
        curl = vulns["Update curl to version 7.81.0-1ubuntu1.14"]
        self.assertEqual(curl["fixed_version"], "7.81.0-1ubuntu1.14")
        self.assertEqual(curl["detected_versions"], "7.81.0-1ubuntu1.13, 7.81.0-1ubuntu1.10")
        self.assertTrue(vulns["Update openssh"]["cves_malformed"])
        self.assertNotIn("fixed_version", vulns["Update openssh"])  # no fix yet
        self.assertFalse([p for p in paths if "subassessments" in p], paths)

    def test_findings_grouped_only_falls_back_to_sub_assessments(self):
        run, check, paths = self.findings_run("azure_vm_onboarded_p2")
        vf = run.report["cloud"]["vulnerability_findings"]
        self.assertEqual(vf["model"], "grouped")
        self.assertEqual(vf["count"], 4)
        self.assertEqual(vf["by_severity"]["High"], 2)
        self.assertIn("grouped recommendation's sub-assessments", check["summary"])
        self.assertTrue([p for p in paths if p.endswith("/subassessments")], paths)

    def test_findings_transition_both_models_count_once(self):
        run, check, paths = self.findings_run("findings_transition_both")
        vf = run.report["cloud"]["vulnerability_findings"]
        self.assertEqual(vf["model"], "individual")
        self.assertEqual(check["evidence"]["findings_count"], 2)  # not 2 + 3 grouped
        self.assertEqual(vf["count"], 3)
        self.assertIs(check["evidence"]["grouped_also_listed"], True)
        self.assertIn("counted once", check["summary"])
        self.assertFalse([p for p in paths if "subassessments" in p], paths)

    def test_findings_none_keeps_the_12_hours(self):
        run, check, _ = self.findings_run("no_findings_yet")
        vf = run.report["cloud"]["vulnerability_findings"]
        self.assertEqual(vf["model"], "none")
        self.assertEqual(vf["status"], "NotYetAvailable")
        self.assertEqual(check["status"], "warn")
        self.assertIn("up to 12 hours", check["summary"])

    # --- azure.edr: agentless EDR discovery and the EDR-health recommendations ----------------
    # Body shapes: "EDR solution should be installed on Virtual Machines" with the discovered EDR
    # (portal "Discovered EDRs": defender-docs endpoint-detection-response-solution-
    # recommendations.md, ms.date 06/02/2026; additionalData key "DiscoveredEdrs" is the
    # emulator's, the docs name none) and the individual EDR-health recommendations of defender-docs
    # transition-grouped-individual-recommendations.md (ms.date 06/29/2026), in the item shape of
    # the spec's ListAssessments_example.json (2021-06-01). This host has no MDE: its local view is
    # "not onboarded" (tests/integration/cloud_checks_emulator_test.cpp runs the onboarded side).

    def edr_run(self, scenario):
        self.start(scenario)
        run = run_agent(self.vm_args(only=["azure.edr"]))
        self.assert_complete(run, 20)
        return run, run.check("azure.edr")

    def test_edr_mde_discovered_but_not_onboarded_here_names_both_sides(self):
        run, check = self.edr_run("azure_vm_onboarded_p2")
        edr = run.report["cloud"]["edr"]
        self.assertEqual(edr["discovered"], ["Microsoft Defender for Endpoint"])
        self.assertIs(edr["mde_discovered"], True)
        self.assertEqual(check["status"], "warn")
        self.assertIn("discovered Microsoft Defender for Endpoint on this machine, but MDE is not "
                      "onboarded here (mde.install)", check["summary"])

    def test_edr_another_edr_discovered_warns_naming_it(self):
        run, check = self.edr_run("edr_other_discovered")
        self.assertEqual(check["status"], "warn")
        self.assertIn("discovered CrowdStrike (Falcon) on this machine, not Microsoft Defender for "
                      "Endpoint", check["summary"])
        self.assertIs(run.report["cloud"]["edr"]["mde_discovered"], False)

    def test_edr_none_discovered_on_plan_2_fails_with_the_remediation(self):
        run, check = self.edr_run("edr_none_discovered")
        self.assertEqual(check["status"], "fail")
        self.assertEqual(run.code, 1)
        self.assertIn("discovered no EDR", check["summary"])
        self.assertIn("Plan 2 (P2)", check["summary"])
        self.assertIn("azure.integration", check["remediation"])

    def test_edr_health_recommendations_warn_each(self):
        run, check = self.edr_run("edr_health_issues")
        self.assertEqual(check["status"], "warn")
        for title in ("Anti-Virus component in your EDR is off or partially configured",
                      "Anti-Virus component of your EDR uses outdated signatures",
                      "Anti-Virus scans of your EDR are out of 7 days"):
            self.assertIn(title, check["summary"])
        for command in ("real-time-protection", "mdatp definitions update", "mdatp scan quick"):
            self.assertIn(command, check["remediation"])
        self.assertEqual(len(run.report["cloud"]["edr"]["issues"]), 3)

    def test_edr_plan_1_without_cspm_is_explained(self):
        run, check = self.edr_run("plan_p1")
        self.assertEqual(check["status"], "skip")
        self.assertIn("Plan 2 or Defender CSPM", check["summary"])
        self.assertIn("Plan 1 (P1)", check["summary"])

    # --- publishing the verdict ---------------------------------------------------------------

    def test_publish_tags_merges_the_verdict_into_the_machine_tags(self):
        self.start("plan_free")
        run = run_agent(self.vm_args() + ["--publish-tags"])
        self.assert_complete(run, 20)
        self.assertEqual(run.code, 1)  # azure.plan fails on Free
        self.assertEqual(run.report["publish"]["status"], "published", run.report["publish"])
        tags = self.emu.control("GET", "state").json()["tags"]
        self.assertEqual(tags["mdeReadiness"], run.report["verdict"])
        self.assertEqual(tags["mdeReadinessAt"], run.report["generated_at"])
        self.assertIn("azure.plan", tags["mdeReadinessBlocking"])
        self.assertEqual(tags["owner"], "secops")  # a merge keeps the tags already there
        patches = [e for e in self.emu.log() if e["method"] == "PATCH"]
        self.assertEqual(len(patches), 1, patches)

    def test_publish_tags_respects_the_50_tag_limit(self):
        self.start("tags_limit")
        run = run_agent(self.vm_args() + ["--publish-tags"])
        self.assert_complete(run, 20)
        publish = run.report["publish"]
        self.assertEqual(publish["status"], "partial", publish)
        self.assertTrue(publish["skipped_tags"], publish)
        self.assertLessEqual(len(self.emu.control("GET", "state").json()["tags"]), 50)

    def test_publish_refused_is_a_warning_not_a_broken_report(self):
        self.start("authorization_failed")
        plain = run_agent(self.vm_args())
        run = run_agent(self.vm_args() + ["--publish-tags"])
        self.assert_complete(run, 20)
        self.assertEqual(run.report["publish"]["status"], "failed")
        self.assertEqual(run.report["publish"]["error"]["code"], "AuthorizationFailed")
        self.assertIn("Tag Contributor", run.report["publish"]["reason"])
        self.assertEqual(run.code, plain.code)

    # --- faults -----------------------------------------------------------------------------

    def test_429_retry_after_2_is_honoured(self):
        self.start("throttled_retry_after_2")
        run = run_agent(self.vm_args(only=["azure.plan"]))
        self.assert_complete(run, 20)
        self.assertEqual(run.check("azure.plan")["status"], "pass")
        log = [e for e in self.emu.log() if e["family"] == "arm"]
        throttled = [i for i, e in enumerate(log) if e["status"] == 429]
        self.assertEqual(len(throttled), 1, log)
        first = log[throttled[0]]
        retry = next(e for e in log[throttled[0] + 1:]
                     if e["path"].lower() == first["path"].lower())
        waited = (log_time(retry) - log_time(first)).total_seconds()
        self.assertGreaterEqual(waited, 2.0, (first, retry))

    def test_flapping_5xx_still_gives_the_answers(self):
        self.start("flapping_5xx")
        run = run_agent(self.vm_args())
        self.assert_complete(run, 30)
        self.assertEqual(run.report["cloud"]["pricing_tier"], "Standard")
        statuses = [e["status"] for e in self.emu.log() if e["family"] == "arm"]
        self.assertIn(503, statuses)

    def test_bad_bodies_end_on_time_and_say_why(self):
        for scenario in ("malformed_json", "truncated_body", "oversized_body", "never_ending_body",
                         "malformed_bodies", "hang"):
            with self.subTest(scenario=scenario):
                emu = EmulatorProcess(scenario)
                self.emu = emu
                try:
                    timeout = 12
                    run = run_agent(self.vm_args(), timeout=timeout)
                    self.assert_complete(run, timeout)
                    self.assertEqual(run.report["environment"]["kind"], "azure_vm",
                                     run.report["environment"])
                    cloud = run.report["cloud"]
                    self.assertIsNotNone(cloud)
                    self.assertTrue(cloud["errors"], cloud)
                    for error in cloud["errors"]:
                        self.assertTrue(error.get("message"), error)
                    self.assertNotEqual(run.check("azure.plan")["status"], "pass")
                    self.assertIsNone(cloud["pricing_tier"])
                finally:
                    emu.stop()
                    self.emu = None

    def test_imds_unreachable_is_not_a_wait(self):
        """An --imds-endpoint that refuses: the probe is one try with a short connect timeout."""
        run = run_agent(["--imds-endpoint", "http://127.0.0.1:9", "--only", "azure.plan"])
        self.assert_complete(run, 20)
        self.assertEqual(run.report["environment"]["kind"], "other")


if __name__ == "__main__":
    unittest.main()
