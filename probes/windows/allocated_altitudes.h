#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace preflight {

// Microsoft's list of allocated file-system filter altitudes (MicrosoftDocs/windows-driver-docs
// windows-driver-docs-pr/ifs/allocated-altitudes.md), compiled into the agent at build time by
// probes/data/allocated_altitudes.py from the copy in probes/data (its commit in
// probes/data/allocated-altitudes.source).
struct AltitudeAllocation {
  std::string_view filter;    // as listed: "csagent.sys"
  std::string_view note;      // what the list says beside the name ("retired"), or empty
  std::string_view altitude;  // "321410", "329355.5"
  std::string_view company;   // "CrowdStrike Ltd."; empty for the few rows without one
  std::string_view group;     // the list's section: "FSFilter Anti-Virus"
  bool retired;               // the list marks the allocation retired, old or renamed
};

// One section of the list: a load order group, its altitude range and how many allocations the
// list gives it.
struct AltitudeSection {
  std::uint32_t low;
  std::uint32_t high;
  std::string_view group;
  std::size_t count;
};

struct AllocatedAltitudes {
  std::span<const AltitudeAllocation> allocations;
  std::span<const AltitudeSection> sections;
  std::string_view url;     // the page at the commit it was copied from
  std::string_view commit;  // MicrosoftDocs/windows-driver-docs commit
  std::string_view date;    // the page's ms.date
};

// The built-in list (generated source).
const AllocatedAltitudes& OfficialAltitudes();

// "Microsoft" as the list writes Microsoft's own allocations.
bool IsMicrosoftAllocation(const AltitudeAllocation& allocation);

// The allocation of a filter, by its name without ".sys" compared case-insensitively: the one at
// the filter's altitude, else a current one, else a retired one; null when the list has no such
// name. Never by altitude alone: any driver can register at a Microsoft altitude (minispy.sys, a
// sample, holds 370000), and the name "Microsoft" must not be lent to it. Pure.
const AltitudeAllocation* FindAllocation(std::span<const AltitudeAllocation> allocations,
                                         std::string_view name, std::string_view altitude);

}  // namespace preflight
