#pragma once

// A Context for the cloud-side checks: the local platform faked (or a fixture tree), a
// CloudAccess for an Azure VM, an Arc machine or a server outside Azure, and a FakeArmClient
// that answers with the emulator's ARM shapes (tests/fakes/arm_shapes.h).

#include <memory>
#include <string>

#include "platform/azure/cloud.h"
#include "platform/file_system.h"
#include "tests/fakes/arm_shapes.h"
#include "tests/fakes/fake_arm_client.h"
#include "tests/fakes/fake_platform.h"

namespace preflight::testing {

struct CloudWorld : FakePlatform {
  explicit CloudWorld(azure::EnvironmentKind kind = azure::EnvironmentKind::kAzureVm) {
    access.machine.kind = kind;
    access.machine.confirmed = kind != azure::EnvironmentKind::kOther;
    access.machine.os_type = "Linux";
    if (kind != azure::EnvironmentKind::kOther) {
      access.machine.subscription_id = arm_shapes::kSub;
      access.machine.resource_group = "rg-preflight";
      access.machine.resource_id =
          kind == azure::EnvironmentKind::kAzureArc ? arm_shapes::kArcId : arm_shapes::kVmId;
    }
    access.arm = &arm;
    access.identity_description = "system-assigned managed identity";
  }

  // The local file system: a fixture tree instead of the empty fake.
  void UseTree(const std::string& root) { tree = MakeFileSystem(root); }

  Context Ctx(bool offline = false) {
    ContextParts parts = Parts(tree ? *tree : static_cast<const FileSystem&>(fs), !tree);
    parts.offline = offline;
    parts.cloud = &access;
    return MakeContext(parts);
  }

  // The emulator's azure_vm_onboarded_p2 answers for the subscription- and resource-scope plan.
  void PlanP2() {
    arm.OnGet(arm_shapes::SubScope() + "/providers/Microsoft.Security/pricings/VirtualMachines",
              "2024-01-01", ArmOk(arm_shapes::PricingBody(arm_shapes::SubScope(), {}, false)));
    if (!access.machine.resource_id.empty()) {
      arm.OnGet(
          access.machine.resource_id + "/providers/Microsoft.Security/pricings/VirtualMachines",
          "2024-01-01", ArmOk(arm_shapes::PricingBody(access.machine.resource_id, {}, true)));
    }
  }
  void Plan(const arm_shapes::Pricing& sub, const arm_shapes::Pricing& resource) {
    arm.OnGet(arm_shapes::SubScope() + "/providers/Microsoft.Security/pricings/VirtualMachines",
              "2024-01-01", ArmOk(arm_shapes::PricingBody(arm_shapes::SubScope(), sub, false)));
    if (!access.machine.resource_id.empty()) {
      arm.OnGet(
          access.machine.resource_id + "/providers/Microsoft.Security/pricings/VirtualMachines",
          "2024-01-01", ArmOk(arm_shapes::PricingBody(access.machine.resource_id, resource, true)));
    }
  }

  // The machine's recommendations (Assessments_List, 2021-06-01) hold no individual
  // SoftwareUpdate recommendation, as on a tenant before the grouped -> individual transition:
  // azure.vulnerability_findings falls back to the grouped model.
  void NoIndividualRecommendations() {
    arm.OnList(access.machine.resource_id + "/providers/Microsoft.Security/assessments",
               "2021-06-01", ArmOk({{"value", nlohmann::json::array()}}));
  }

  FakeFileSystem fs;
  std::unique_ptr<FileSystem> tree;
  FakeArmClient arm;
  azure::CloudAccess access;
};

inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace preflight::testing
