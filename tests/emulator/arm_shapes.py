"""ARM resource bodies built from a World, with the exact shapes of azure.md §4 and §5.

Only structure comes from the public specs; values are scenario data. Where azure.md marks a
value unverified ([U]/[C]) the comment says so.
"""

import base64
import json

from world import (ASSESSMENT_NAMES, EDR_HEALTH_KEYS, KEY_EDR_CONFIG, KEY_EDR_INSTALLED,
                   KEY_VA_SOLUTION, KEY_VULN_FINDINGS, SETTING_NAMES)

SECURITY = "providers/Microsoft.Security"
PORTAL_BLADE = "https://portal.azure.com/#blade/Microsoft_Azure_Security/RecommendationsBlade/" \
               "assessmentKey/"


# ---- pricings: 2024-01-01, azure.md §4a (GetPricingByNameVirtualMachines_example.json) ------
def _pricing_extensions(p):
    if "extensions" in p:
        return p["extensions"]
    # isEnabled is the STRING "True"/"False" (pricings.json 2024-01-01), unlike settings.enabled.
    exts = [{"name": "MdeDesignatedSubscription",
             "isEnabled": "True" if p.get("designated") else "False"}]
    if p.get("sub_plan") == "P2":
        exts.append({"name": "AgentlessVmScanning", "isEnabled": "True",
                     "additionalExtensionProperties": {"ExclusionTags": "[]"}})
        exts.append({"name": "FileIntegrityMonitoring", "isEnabled": "False"})
    return exts


def _pricing_properties(p, resource_scope, world):
    props = {"pricingTier": p.get("tier", "Free")}
    if props["pricingTier"] == "Standard" and p.get("sub_plan"):
        props["subPlan"] = p["sub_plan"]
    props["freeTrialRemainingTime"] = p.get("free_trial_remaining", "PT0S")
    if props["pricingTier"] == "Standard":
        props["enablementTime"] = p.get("enablement_time", "2024-03-01T12:42:42.1921106Z")
    if resource_scope:
        props["inherited"] = "True" if p.get("inherited", True) else "False"
        if p.get("inherited", True):
            props["inheritedFrom"] = f"/subscriptions/{world.subscription_id}"
    else:
        props["enforce"] = p.get("enforce", "False")
        props["resourcesCoverageStatus"] = p.get("coverage", "FullyCovered")
    if props["pricingTier"] == "Standard":
        props["extensions"] = _pricing_extensions(p)
    return props


def pricing(world, scope_id, name, resource_scope):
    """scope_id is "/subscriptions/{s}" or the machine id; name already canonical."""
    if name == "VirtualMachines":
        p = dict(world.pricing)
        if resource_scope and world.pricing.get("resource_override"):
            p.update(world.pricing["resource_override"])
            p["inherited"] = False
    else:
        p = dict(world.pricing.get("others", {}).get(name, {"tier": "Free"}))
    return {"id": f"{scope_id}/{SECURITY}/pricings/{name}", "name": name,
            "type": "Microsoft.Security/pricings",
            "properties": _pricing_properties(p, resource_scope, world)}


def pricing_names(world, resource_scope):
    if resource_scope:  # only VirtualMachines is supported at resource scope (azure.md §4a)
        return ["VirtualMachines"]
    return ["VirtualMachines"] + sorted(world.pricing.get("others", {"SqlServers": {},
                                                                     "StorageAccounts": {}}))


# ---- settings: 2022-05-01, azure.md §4b --------------------------------------------------
def setting(world, name):
    kind = "AlertSyncSettings" if name == "Sentinel" else "DataExportSettings"
    default = name in ("MCAS", "WDATP", "WDATP_UNIFIED_SOLUTION")
    # properties.enabled is a real JSON boolean here (settings.json 2022-05-01).
    return {"id": f"/subscriptions/{world.subscription_id}/{SECURITY}/settings/{name}",
            "name": name, "kind": kind, "type": "Microsoft.Security/settings",
            "properties": {"enabled": bool(world.settings.get(name, default))}}


def settings_list(world):
    return [setting(world, n) for n in SETTING_NAMES]


# ---- server VA settings: 2023-05-01, azure.md §4c ----------------------------------------
def va_setting(world):
    if not world.va_provider:
        return None
    # The spec example id has NO leading slash; reproduce it (azure.md §4c, §7).
    return {"id": f"subscriptions/{world.subscription_id}/{SECURITY}/"
                  "serverVulnerabilityAssessmentsSettings/azureServersSetting",
            "name": "azureServersSetting",
            "type": "Microsoft.Security/serverVulnerabilityAssessmentsSettings",
            "kind": "AzureServersSetting", "properties": {"selectedProvider": world.va_provider},
            "systemData": {"createdBy": "admin@contoso.com", "createdByType": "User",
                           "createdAt": "2024-03-01T13:47:50.328Z",
                           "lastModifiedBy": "admin@contoso.com", "lastModifiedByType": "User",
                           "lastModifiedAt": "2024-03-01T13:47:50.328Z"}}


# ---- mdeOnboardings: 2021-10-01-preview, azure.md §4e -------------------------------------
def mde_onboarding(world):
    # The real packages' content is [U]; ours are text carrying the org id the way the MDE
    # onboarding blob does ("orgId"), so the agent can compare it with the local org id.
    blob = '{"body":"{\\"orgId\\":\\"%s\\",\\"geoLocationUrl\\":\\"https://example.invalid/\\"}"}' \
        % world.mde_org_id
    linux = "#!/usr/bin/env python3\n# emulator onboarding package\nONBOARDING = '%s'\n" % blob
    windows = "@echo off\r\nREM emulator onboarding package\r\nset ONBOARDING=%s\r\n" % blob
    return {"id": f"/subscriptions/{world.subscription_id}/{SECURITY}/mdeOnboardings/default",
            "name": "default", "type": "Microsoft.Security/mdeOnboardings",
            "properties": {"onboardingPackageWindows": base64.b64encode(windows.encode()).decode(),
                           "onboardingPackageLinux": base64.b64encode(linux.encode()).decode()}}


# ---- extensions, azure.md §5 --------------------------------------------------------------
def extension_name(world):
    ext = world.extension or {}
    return ext.get("name", "MDE.Windows" if world.os_type.lower() == "windows" else "MDE.Linux")


def _status(st):
    out = {"code": st.get("code", "ProvisioningState/succeeded"), "level": st.get("level", "Info"),
           "displayStatus": st.get("display_status", "Provisioning succeeded")}
    if "message" in st:
        out["message"] = st["message"]
    if "time" in st:
        out["time"] = st["time"]
    return out


def _ext_common(world):
    ext = world.extension
    return {"autoUpgradeMinorVersion": True,
            "provisioningState": ext.get("provisioning_state", "Succeeded"),
            "publisher": "Microsoft.Azure.AzureDefenderForServers", "type": extension_name(world),
            "typeHandlerVersion": "1.0",
            "settings": {"azureResourceId": world.machine_id, "vNextEnabled": "true"}}


def vm_extension_instance_view(world):
    ext = world.extension
    return {"name": extension_name(world),
            "type": f"Microsoft.Azure.AzureDefenderForServers.{extension_name(world)}",
            "typeHandlerVersion": ext.get("handler_version", "1.0.5.0"),
            "statuses": [_status(ext.get("status", {}))],
            "substatuses": [_status(s) for s in ext.get("substatuses", [])]}


def vm_extension(world, expand_instance_view):
    """Compute 2024-07-01 VirtualMachineExtension_Get_MaximumSet_Gen.json shape."""
    name = extension_name(world)
    props = _ext_common(world)
    if expand_instance_view:  # only returned with $expand=instanceView (azure.md §5)
        props["instanceView"] = vm_extension_instance_view(world)
    return {"name": name, "type": "Microsoft.Compute/virtualMachines/extensions",
            "id": f"{world.machine_id}/extensions/{name}", "location": world.location,
            "properties": props}


def arc_extension(world):
    """HybridCompute 2024-07-10 Extension_Get.json shape: instanceView.status is ONE object and
    ids use capitalised Machines/Extensions segments (azure.md §5)."""
    ext = world.extension
    name = extension_name(world)
    st = _status(ext.get("status", {}))
    ok = st["level"] == "Info"
    st["code"] = ext.get("arc_code", "success" if ok else "failed")
    st["level"] = "Information" if ok else st["level"]  # the example says "Information"
    props = _ext_common(world)
    props["protectedSettings"] = {}
    props["instanceView"] = {"name": name, "type": name,
                             "typeHandlerVersion": ext.get("handler_version", "1.0.5.0"),
                             "status": st}
    arc_id = world.machine_id.replace("/machines/", "/Machines/")
    return {"id": f"{arc_id}/Extensions/{name}", "name": name,
            "type": "Microsoft.HybridCompute/machines/extensions", "location": world.location,
            "properties": props}


# ---- the machine --------------------------------------------------------------------------
def virtual_machine(world, expand_instance_view):
    """Compute 2024-07-01 VirtualMachine_Get.json, trimmed; instanceView per
    VirtualMachine_Get_InstanceView.json."""
    props = {"vmId": world.vm_id, "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
             "storageProfile": {"imageReference": {"publisher": "canonical",
                                                   "offer": "0001-com-ubuntu-server-jammy",
                                                   "sku": "22_04-lts-gen2", "version": "latest"},
                                "osDisk": {"osType": world.os_type, "name": "osdisk",
                                           "createOption": "FromImage"}},
             "osProfile": {"computerName": world.machine_name, "adminUsername": "azureuser"},
             "provisioningState": "Succeeded", "timeCreated": "2024-03-01T10:00:00.0000000+00:00"}
    if expand_instance_view:
        props["instanceView"] = vm_instance_view(world)
    body = {"name": world.machine_name, "id": world.machine_id,
            "type": "Microsoft.Compute/virtualMachines", "location": world.location,
            "tags": world.tags(), "properties": props}
    identity = _arm_identity(world)
    if identity:
        body["identity"] = identity
    if world.extension:
        body["resources"] = [vm_extension(world, False)]
    return body


def vm_instance_view(world):
    view = {"computerName": world.machine_name, "osName": "ubuntu", "osVersion": "22.04",
            "vmAgent": {"vmAgentVersion": "2.10.0.8",
                        "statuses": [{"code": "ProvisioningState/succeeded", "level": "Info",
                                      "displayStatus": "Ready",
                                      "message": "Guest Agent is running",
                                      "time": "2024-03-01T11:00:00+00:00"}],
                        "extensionHandlers": []},
            "extensions": [],
            "statuses": [{"code": "ProvisioningState/succeeded", "level": "Info",
                          "displayStatus": "Provisioning succeeded"},
                         {"code": "PowerState/running", "level": "Info",
                          "displayStatus": "VM running"}]}
    if world.extension:
        iv = vm_extension_instance_view(world)
        view["extensions"].append(iv)
        view["vmAgent"]["extensionHandlers"].append(
            {"type": iv["type"], "typeHandlerVersion": iv["typeHandlerVersion"],
             "status": {"code": "ProvisioningState/succeeded", "level": "Info",
                        "displayStatus": "Ready"}})
    return view


def _arm_identity(world):
    ident = world.identity
    if not ident.get("system_assigned") and not ident.get("user_assigned"):
        return None
    out = {"type": "SystemAssigned" if ident.get("system_assigned") else "UserAssigned"}
    if ident.get("system_assigned"):
        out.update(principalId=world.system_principal_id, tenantId=world.tenant_id)
    if ident.get("user_assigned"):
        if ident.get("system_assigned"):
            out["type"] = "SystemAssigned, UserAssigned"
        out["userAssignedIdentities"] = {
            u["msi_res_id"]: {"principalId": u["object_id"], "clientId": u["client_id"]}
            for u in ident["user_assigned"]}
    return out


def arc_machine(world):
    """HybridCompute 2024-07-10 Machines_Get.json, trimmed; status Connected|Disconnected|Error."""
    body = {"id": world.machine_id, "name": world.machine_name, "location": world.location,
            "tags": world.tags(), "type": "Microsoft.HybridCompute/machines", "kind": None,
            "properties": {"provisioningState": "Succeeded", "agentVersion": "1.40.02664.1629",
                           "status": world.himds.get("machine_status", "Connected"),
                           "lastStatusChange": "2024-03-01T11:00:00.000Z",
                           "displayName": world.machine_name, "machineFqdn": world.machine_name,
                           "osName": world.os_type.lower(), "osType": world.os_type.lower(),
                           "osVersion": "5.15.0-1057-azure", "vmId": world.vm_id,
                           "osProfile": {"computerName": world.machine_name},
                           "detectedProperties": {"cloudprovider": "N/A"}},
            "resources": []}
    if world.identity.get("system_assigned", True):
        body["identity"] = {"type": "SystemAssigned", "principalId": world.system_principal_id,
                            "tenantId": world.tenant_id}
    if world.extension:
        body["resources"] = [arc_extension(world)]
    return body


# ---- assessments (2021-06-01) and sub-assessments (2019-01-01-preview), azure.md §4f --------
def _findings_status(world):
    return world.findings.get("status", "Healthy")


def _individual(world):
    """The individual SoftwareUpdate recommendations, by key (findings.individual)."""
    return {f["id"]: f for f in world.findings.get("individual", [])}


def assessment_keys(world):
    keys = [KEY_VA_SOLUTION, KEY_EDR_CONFIG]
    if world.edr.get("installed", "Healthy") != "absent":  # "absent": no agentless discovery
        keys.append(KEY_EDR_INSTALLED)
    keys.extend(k for k in EDR_HEALTH_KEYS if k in world.edr.get("health", {}))
    if _findings_status(world) != "absent":  # "absent": no MDVM results yet (up to 12 h)
        keys.append(KEY_VULN_FINDINGS)
    keys.extend(_individual(world))
    return keys


def _status_code(world, key):
    if key == KEY_VULN_FINDINGS:
        return _findings_status(world)
    if key == KEY_EDR_INSTALLED:
        return world.edr.get("installed", "Healthy")
    if key in EDR_HEALTH_KEYS:
        return world.edr["health"][key]
    return world.findings.get("assessments", {}).get(key, "Healthy")


def assessment(world, key, expand=""):
    if key not in assessment_keys(world):
        return None
    if key in _individual(world):
        return _individual_assessment(world, _individual(world)[key])
    code = _status_code(world, key)
    status = {"code": code, "firstEvaluationDate": world.findings.get(
        "first_evaluation", "2024-03-02T08:00:00.0000000Z"),
        "statusChangeDate": world.findings.get("status_change", "2024-03-02T08:00:00.0000000Z")}
    if code == "Unhealthy":
        status["description"] = "The resource is unhealthy"
    if code == "NotApplicable":
        # The cause and description of the spec's GetAssessment_example.json (2021-06-01).
        status.update({"cause": "OffByPolicy", "description": "The effective policy for the "
                       "assessment was evaluated to off - use Microsoft.Authorization/"
                       "policyAssignments to turn this assessment on"})
    body = {"id": f"{world.machine_id}/{SECURITY}/assessments/{key}", "name": key,
            "type": "Microsoft.Security/assessments",
            "properties": {"resourceDetails": {"source": "Azure", "id": world.machine_id},
                           "displayName": ASSESSMENT_NAMES[key], "status": status,
                           "additionalData": _additional_data(world, key, code),
                           "links": {"azurePortalUri": PORTAL_BLADE + key}}}
    if "metadata" in expand.lower() or key in EDR_HEALTH_KEYS:
        body["properties"]["metadata"] = {
            "displayName": ASSESSMENT_NAMES[key], "assessmentType": "BuiltIn",
            "severity": "High" if key in (KEY_EDR_INSTALLED, KEY_EDR_CONFIG) else "Low"}
    if key in EDR_HEALTH_KEYS:
        # Individual recommendations with a fixed key: category Unknown (defender-docs
        # transition-grouped-individual-recommendations.md, ms.date 06/29/2026).
        body["properties"]["metadata"].update({
            "recommendationCategory": "Unknown", "severity": "Medium",
            "remediationDescription": world.edr.get("remediation", {}).get(key, "")})
    return body


def _additional_data(world, key, code):
    # The portal shows the EDR found on a healthy machine as "Discovered EDRs"
    # (endpoint-detection-response-solution-recommendations.md, ms.date 06/02/2026); the
    # additionalData key that carries it is not documented ([U]): "DiscoveredEdrs" here.
    if key == KEY_EDR_INSTALLED and code == "Healthy" and world.edr.get("discovered"):
        return {"DiscoveredEdrs": world.edr["discovered"]}
    return {}


def _individual_assessment(world, f):
    """One individual recommendation of category SoftwareUpdate, shaped as the fields the
    transition article's Resource Graph query reads (defender-docs
    transition-grouped-individual-recommendations.md, ms.date 06/29/2026): metadata.severity,
    metadata.recommendationCategory, additionalData.CvesDetails as a STRING holding JSON with
    CveId entries, DetectedSoftwareVersions, FixedVersion. "cves_details_raw" puts any text in
    CvesDetails (malformed-body tests)."""
    sw = f.get("software", {})
    details = f["cves_details_raw"] if "cves_details_raw" in f else json.dumps(f.get("cves", []))
    data = {"CvesDetails": details, "SoftwareVendor": sw.get("vendor", ""),
            "SoftwareName": sw.get("name", ""),
            "DetectedSoftwareVersions": f.get("detected_versions", sw.get("version", "")),
            "FixedVersion": f.get("fixed_version", "")}
    return {"id": f"{world.machine_id}/{SECURITY}/assessments/{f['id']}", "name": f["id"],
            "type": "Microsoft.Security/assessments",
            "properties": {
                "resourceDetails": {"source": "Azure", "id": world.machine_id,
                                    "ResourceType": world.machine_type.lower()},
                "displayName": f.get("display_name", ""),
                "status": {"code": f.get("status", "Unhealthy"),
                           "firstEvaluationDate": "2026-08-01T08:00:00.0000000Z",
                           "statusChangeDate": "2026-08-01T08:00:00.0000000Z"},
                "metadata": {"displayName": f.get("display_name", ""), "assessmentType": "BuiltIn",
                             "severity": f.get("severity", "High"),
                             "recommendationCategory": "SoftwareUpdate"},
                "additionalData": data,
                "links": {"azurePortalUri": PORTAL_BLADE + f["id"]}}}


def sub_assessments(world, key):
    if key != KEY_VULN_FINDINGS or _findings_status(world) == "absent":
        return []
    return [_sub_assessment(world, key, f) for f in world.findings.get("sub_assessments", [])]


def _sub_assessment(world, key, f):
    sw = f.get("software", {})
    # Field names as the CVE Dashboard workbook reads them (azure.md §4f; the MDVM
    # "ServerVulnerabilityTvm" type and the cve element field types are [C]).
    return {"id": f"{world.machine_id}/{SECURITY}/assessments/{key}/subAssessments/{f['id']}",
            "name": f["id"], "type": "Microsoft.Security/assessments/subAssessments",
            "properties": {
                "id": f.get("finding_id", f["id"]), "displayName": f.get("display_name", ""),
                "status": {"code": f.get("status", "Unhealthy"), "cause": "",
                           "severity": f.get("severity", "High"),
                           "description": "The resource is unhealthy"},
                "resourceDetails": {"source": "Azure", "id": world.machine_id},
                "remediation": f.get("remediation", "Update the affected software."),
                "impact": "", "category": "", "description": f.get("display_name", ""),
                "timeGenerated": f.get("time_generated", "2024-03-02T08:00:00.0000000Z"),
                "additionalData": {
                    "assessedResourceType": "ServerVulnerabilityTvm",
                    "source": f.get("source", "Microsoft Defender vulnerability management"),
                    "softwareVendor": sw.get("vendor", ""), "softwareName": sw.get("name", ""),
                    "softwareVersion": sw.get("version", ""), "cve": f.get("cves", [])}}}
