#pragma once

#include <string>

#include "probes/check.h"

namespace preflight {

// The machine architecture of an inspected tree, in uname(2) terms ("x86_64"), and where it was
// read; both empty when the tree does not say.
struct TreeMachine {
  std::string machine;
  std::string source;
};

// Under --root: /proc/sys/kernel/arch when the tree holds a /proc copy, then the package database
// (the Architecture of dpkg's own package, or of rpm's), then the ELF header of the tree's
// /usr/bin binaries. The package database states the image's architecture; the ELF header is the
// last resort for trees without one.
TreeMachine ReadTreeMachine(const Context& ctx);

}  // namespace preflight
