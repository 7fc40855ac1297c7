#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/result.h"
#include "probes/common/catalog.h"
#include "probes/common/classification.h"

namespace preflight {

// A configuration setting that turns a product's blocking (permission events) on.
struct BlockingSetting {
  std::vector<std::string> files;   // absolute paths, the first that exists is read
  std::string name;                 // "OnAccessPrevention"
  std::vector<std::string> values;  // values that turn blocking on, compared case-insensitively
};

// How a product is installed and started at boot, so that an image (or a host where the product
// is stopped) can be judged before anything runs.
struct CatalogInstall {
  std::vector<std::string> packages;  // dpkg or rpm package names
  std::vector<std::string> units;     // systemd unit names ("clamav-clamonacc.service")
  // Absent: the product blocks whenever it runs.
  std::optional<BlockingSetting> blocking_setting;
};

struct CatalogProduct {
  std::string id;
  std::string name;
  std::string vendor;
  std::vector<std::string> comm_names;  // /proc/<pid>/comm, at most 15 bytes (TASK_COMM_LEN)
  std::vector<std::string> exe_paths;   // exact /proc/<pid>/exe targets
  std::vector<std::string> exe_prefixes;
  // Only kMde (MDE's own wdavdaemon) or kAllowed (fapolicyd, supported alongside MDE by policy,
  // reference §1.3): a policy override.
  std::optional<Classification> classification;
  std::optional<CatalogInstall> install;
};

// A service mde_installer.sh refuses to install next to (reference §1.1: exit 5).
struct ConflictingService {
  std::string name;
  std::string product;
  std::string vendor;
};

struct FanotifyCatalog {
  std::vector<CatalogProduct> products;
  std::vector<ConflictingService> services;
};

// Parses and validates probes/data/fanotify_products.json: unknown keys, empty names, duplicate
// ids, relative paths, over-long comm names and overrides other than mde/allowed are errors.
// Never throws.
Result<FanotifyCatalog> ParseFanotifyCatalog(std::string_view json_text);

// The catalog compiled into the binary, parsed once (probes/common/catalog.h).
const BuiltInCatalog<FanotifyCatalog>& BuiltInFanotifyCatalog();

// The first product whose comm name, exe path or exe prefix matches; nullptr when none does.
const CatalogProduct* MatchProduct(const FanotifyCatalog& catalog, std::string_view comm,
                                   std::string_view exe);

// The policy: the catalog's override where it has one, otherwise conflict when the holder can
// block file access (any other program with a blocking group) and notify when it cannot.
Classification Classify(const CatalogProduct* product, bool blocking);

}  // namespace preflight
