#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "probes/check.h"

namespace preflight {

struct PackageAnswer {
  bool installed = false;
  std::string version;
  std::string arch;   // "amd64" (dpkg), "x86_64" (rpm)
  std::string state;  // dpkg's "<want> <state>" ("deinstall config-files"); "" when not recorded
};

// What the inspected tree's package database says about some packages.
struct PackageQuery {
  std::string manager;   // "dpkg", "rpm"; empty when the tree has no package database
  std::string database;  // "/var/lib/dpkg/status", "/var/lib/rpm"
  std::string error;     // why the database could not be read; then `packages` is empty
  std::map<std::string, PackageAnswer> packages;  // every name asked, when read

  bool Read() const { return !manager.empty() && error.empty(); }
  // Installed, with its answer; null when not installed or unknown.
  const PackageAnswer* Installed(const std::string& name) const;
};

// Asks dpkg's status file (parsed), else rpm: on the running machine the tree's own rpm, under
// --root the rpm program of the machine running the agent with `--root DIR --dbpath` the tree's
// database, so a RHEL-family image is read from a Debian build host (Debian's rpm package). A
// missing rpm program, a damaged database or a timeout leave `error` set.
PackageQuery QueryPackages(const Context& ctx, const std::vector<std::string>& names);

}  // namespace preflight
