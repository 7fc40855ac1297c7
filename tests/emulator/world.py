"""Scenario loading and the emulated world built from it.

A scenario is a JSON file in scenarios/ (see README.md). It may name a base scenario in
"extends"; objects are merged key by key, except "tags", "extension", "findings" and "edr",
which a derived scenario states whole; any other value (lists included) replaces the base.
The World turns the few ids a scenario gives into the resource shapes the endpoints serve.
Reference: /work/shared/docs/reference/azure.md (section numbers cited below as "azure.md §n").
"""

import copy
import json
import os
import threading

SCENARIO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")

KNOWN_KEYS = {
    "description", "extends", "environment", "tenant_id", "subscription_id", "resource_group",
    "machine_name", "location", "vm_id", "os_type", "az_environment", "tags", "identity",
    "service_principals", "pricing", "settings", "va_provider", "mde_org_id", "extension",
    "findings", "edr", "rbac", "paging", "rate_limits", "himds", "imds", "tokens", "faults",
    "api_versions",
}
ENVIRONMENTS = ("azure_vm", "azure_arc", "none")
CHALLENGE_MODES = ("normal", "outside_dir", "dotdot", "subdir", "wrong_suffix", "oversized",
                   "symlink", "missing_file", "no_header", "malformed_header")
IMDS_ABSENT = ("reset", "hang")  # how IMDS looks where there is none

# Assessment keys, azure.md §4f (recommendations-reference-compute.md).
KEY_VULN_FINDINGS = "1195afff-c881-495e-9bc5-1486211ae03f"
KEY_VA_SOLUTION = "ffff0522-1e88-47fc-8382-2a80ba848f5d"
KEY_EDR_INSTALLED = "06e3a6db-6c0c-4ad9-943f-31d9d73ecf6c"
KEY_EDR_CONFIG = "dc5357d0-3858-4d17-a1a3-072840bff5be"
# The individual EDR-health recommendations that replace KEY_EDR_CONFIG (defender-docs
# transition-grouped-individual-recommendations.md, ms.date 06/29/2026, "New individual
# recommendations").
KEY_EDR_SCANS = "d44de051-1862-48f8-8476-192aee854699"
KEY_EDR_SIGNATURES = "aafa7d27-01ae-40c6-a56c-1d0ef04b1d71"
KEY_EDR_AV_OFF = "506d18a1-d571-4341-aad5-a7d363c5bbd4"
EDR_HEALTH_KEYS = (KEY_EDR_AV_OFF, KEY_EDR_SIGNATURES, KEY_EDR_SCANS)
ASSESSMENT_NAMES = {
    KEY_VULN_FINDINGS: "Machines should have vulnerability findings resolved",
    KEY_VA_SOLUTION: "Machines should have a vulnerability assessment solution",
    KEY_EDR_INSTALLED: "EDR solution should be installed on Virtual Machines",
    KEY_EDR_CONFIG: "EDR configuration issues should be resolved on virtual machines",
    KEY_EDR_SCANS: "Anti-Virus scans of your EDR are out of 7 days",
    KEY_EDR_SIGNATURES: "Anti-Virus component of your EDR uses outdated signatures",
    KEY_EDR_AV_OFF: "Anti-Virus component in your EDR is off or partially configured",
}

# Setting names and kinds, azure.md §4b (settings.json 2022-05-01 enum + example list).
SETTING_NAMES = ("MCAS", "WDATP", "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", "WDATP_UNIFIED_SOLUTION",
                 "Sentinel")


class ScenarioError(Exception):
    pass


# Whole values a derived scenario states afresh rather than patches key by key.
REPLACED_KEYS = {"tags", "extension", "findings", "edr"}


def deep_merge(base, override, replace=()):
    out = copy.deepcopy(base)
    for key, value in override.items():
        if key not in replace and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def scenario_path(name_or_path):
    if name_or_path.endswith(".json") or os.sep in name_or_path:
        return os.path.abspath(name_or_path)
    return os.path.join(SCENARIO_DIR, name_or_path + ".json")


def load_scenario(name_or_path, _seen=None):
    """Returns the merged scenario dict (with "name" set) or raises ScenarioError."""
    seen = _seen or []
    path = scenario_path(name_or_path)
    if path in seen:
        raise ScenarioError("scenario 'extends' cycle: " + " -> ".join(seen + [path]))
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ScenarioError(f"cannot load scenario {name_or_path!r}: {e}") from e
    return resolve_scenario(data, os.path.splitext(os.path.basename(path))[0], seen + [path])


def resolve_scenario(data, name, _seen=None):
    if not isinstance(data, dict):
        raise ScenarioError("a scenario must be a JSON object")
    unknown = set(data) - KNOWN_KEYS - {"name"}
    if unknown:
        raise ScenarioError(f"scenario {name}: unknown keys {sorted(unknown)}")
    if "extends" in data:
        base = load_scenario(data["extends"], _seen or [])
        data = deep_merge(base, {k: v for k, v in data.items() if k != "extends"},
                          REPLACED_KEYS)
    data = dict(data)
    data["name"] = name
    if data.get("environment", "azure_vm") not in ENVIRONMENTS:
        raise ScenarioError(f"scenario {name}: environment must be one of {ENVIRONMENTS}")
    if data.get("himds", {}).get("challenge", "normal") not in CHALLENGE_MODES:
        raise ScenarioError(f"scenario {name}: himds.challenge must be one of {CHALLENGE_MODES}")
    if data.get("imds", {}).get("absent", "reset") not in IMDS_ABSENT:
        raise ScenarioError(f"scenario {name}: imds.absent must be one of {IMDS_ABSENT}")
    return data


def imds_strings(value):
    """IMDS JSON has only string primitives; missing values are "" (azure.md §1.3)."""
    if isinstance(value, dict):
        return {k: imds_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [imds_strings(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class World:
    """Read-mostly view of one scenario. Tags are the only state that requests change."""

    def __init__(self, scenario):
        s = scenario
        self.scenario = s
        self.name = s["name"]
        self.kind = s.get("environment", "azure_vm")
        self.tenant_id = s.get("tenant_id", "72f988bf-0000-4000-8000-000000000001")
        self.subscription_id = s.get("subscription_id", "8d10da13-8125-4ba9-a717-bf7490507b3d")
        self.resource_group = s.get("resource_group", "rg-preflight")
        self.machine_name = s.get("machine_name", "vm-preflight-01")
        self.location = s.get("location", "westeurope")
        self.vm_id = s.get("vm_id", "02aab8a4-74ef-476e-8182-f6d2ba4166a6")
        self.os_type = s.get("os_type", "Linux")
        self.az_environment = s.get("az_environment", "AzurePublicCloud")
        self.identity = s.get("identity", {"system_assigned": True})
        self.service_principals = s.get("service_principals", [])
        self.pricing = s.get("pricing", {"tier": "Standard", "sub_plan": "P2"})
        self.settings = s.get("settings", {"WDATP": True})
        self.va_provider = s.get("va_provider", "MdeTvm")
        self.mde_org_id = s.get("mde_org_id", "3f1c1c41-0000-4000-8000-00000000a0a0")
        self.extension = s.get("extension")
        self.findings = s.get("findings", {"status": "Healthy", "sub_assessments": []})
        # "EDR solution should be installed" and the EDR-health recommendations (arm_shapes.py).
        self.edr = s.get("edr", {"installed": "Healthy",
                                 "discovered": "Microsoft Defender for Endpoint", "health": {}})
        self.rbac = s.get("rbac", {})
        self.paging = s.get("paging", {})
        self.rate_limits = s.get("rate_limits", {})
        self.himds = s.get("himds", {})
        self.imds = s.get("imds", {})
        self.tokens = s.get("tokens", {})
        self.faults = s.get("faults", [])
        self.api_versions = s.get("api_versions", {})
        self._tags_lock = threading.Lock()
        self._tags = dict(s.get("tags", {}))

    # ---- identity of the machine -------------------------------------------------------
    @property
    def is_arc(self):
        return self.kind == "azure_arc"

    @property
    def has_machine(self):
        return self.kind in ("azure_vm", "azure_arc")

    @property
    def machine_type(self):
        if self.is_arc:
            return "Microsoft.HybridCompute/machines"
        return "Microsoft.Compute/virtualMachines"

    @property
    def rg_id(self):
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"

    @property
    def machine_id(self):
        return f"{self.rg_id}/providers/{self.machine_type}/{self.machine_name}"

    @property
    def system_principal_id(self):
        return self.identity.get("principal_id", "5c2b1e4e-0000-4000-8000-0000000000aa")

    def tags(self):
        with self._tags_lock:
            return dict(self._tags)

    def update_tags(self, fn):
        """Runs fn(current_tags) -> new_tags (or raises) under the lock; returns the result."""
        with self._tags_lock:
            new = fn(dict(self._tags))
            self._tags = new
            return dict(new)

    def rbac_denies(self, action, principal_id):
        for rule in self.rbac.get("deny", []):
            if isinstance(rule, str):
                rule = {"action": rule}
            if rule.get("action", "").lower() != action.lower():
                continue
            if rule.get("principal") in (None, principal_id):
                return True
        return False

    # ---- IMDS / HIMDS documents ----------------------------------------------------------
    def tags_string(self):
        # "k1:v1;k2:v2" (azure.md §1.6).
        return ";".join(f"{k}:{v}" for k, v in self.tags().items())

    def tags_list(self):
        return [{"name": k, "value": v} for k, v in self.tags().items()]

    def imds_document(self):
        """VM instance metadata, trimmed to the fields in azure.md §1.6, all primitives strings."""
        compute = {
            "azEnvironment": self.az_environment.upper(),  # JSON uses upper case, azure.md §1.6
            "location": self.location, "name": self.machine_name,
            "offer": "0001-com-ubuntu-server-jammy",
            "osType": self.os_type, "placementGroupId": "", "platformFaultDomain": 0,
            "platformUpdateDomain": 0, "priority": "", "provider": "Microsoft.Compute",
            "publisher": "canonical", "resourceGroupName": self.resource_group,
            "resourceId": self.machine_id, "sku": "22_04-lts-gen2",
            "subscriptionId": self.subscription_id, "tags": self.tags_string(),
            "tagsList": self.tags_list(), "version": "22.04.202401010", "vmId": self.vm_id,
            "vmScaleSetName": "", "vmSize": "Standard_D2s_v5", "zone": "",
            "osProfile": {"adminUsername": "azureuser", "computerName": self.machine_name,
                          "disablePasswordAuthentication": True},
            "securityProfile": {"secureBootEnabled": True, "virtualTpmEnabled": True},
        }
        network = {"interface": [{
            "ipv4": {"ipAddress": [{"privateIpAddress": "10.1.0.4", "publicIpAddress": ""}],
                     "subnet": [{"address": "10.1.0.0", "prefix": 24}]},
            "ipv6": {"ipAddress": []}, "macAddress": "000D3AF806EC"}]}
        compute = deep_merge(compute, self.imds.get("compute", {}))
        network = deep_merge(network, self.imds.get("network", {}))
        return imds_strings({"compute": compute, "network": network})

    def himds_document(self):
        """Arc HIMDS metadata: network {}, publicKeys null, storageProfile {} (azure.md §2.5)."""
        compute = {
            "azEnvironment": self.az_environment, "isHostCompatibilityLayerVm": "",
            "location": self.location, "name": self.machine_name, "offer": "",
            "osType": self.os_type.lower(),
            "placementGroupId": "", "plan": {"name": "", "product": "", "publisher": ""},
            "platformFaultDomain": "", "platformUpdateDomain": "", "provider": "",
            "publicKeys": None,
            "publisher": "", "resourceGroupName": self.resource_group, "customData": "",
            "resourceId": self.machine_id,
            "securityProfile": {"secureBootEnabled": "", "virtualTpmEnabled": ""},
            "sku": "Ubuntu 22.04.4 LTS", "storageProfile": {},
            "subscriptionId": self.subscription_id,
            "tags": self.tags_string(), "tagsList": self.tags_list(), "version": "22.04",
            "vmId": self.vm_id, "vmScaleSetName": "", "vmSize": "", "zone": "",
        }
        compute = deep_merge(compute, self.imds.get("compute", {}))
        return {"compute": compute, "network": {}}
