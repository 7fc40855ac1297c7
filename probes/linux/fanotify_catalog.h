#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/result.h"

namespace preflight {

// How a fanotify holder relates to MDE (DESIGN.md report contract, `fanotify_users[]`).
enum class HolderClass {
  kMde,       // MDE's own wdavdaemon
  kAllowed,   // supported alongside MDE by policy (fapolicyd, reference §1.3)
  kConflict,  // any other program with a blocking group
  kNotify,    // any other program whose groups only notify
};

const char* HolderClassName(HolderClass value);

struct CatalogProduct {
  std::string id;
  std::string name;
  std::string vendor;
  std::vector<std::string> comm_names;  // /proc/<pid>/comm, at most 15 bytes (TASK_COMM_LEN)
  std::vector<std::string> exe_paths;   // exact /proc/<pid>/exe targets
  std::vector<std::string> exe_prefixes;
  std::optional<HolderClass> classification;  // only kMde or kAllowed: a policy override
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

// The catalog compiled into the binary, parsed once. A broken catalog is a build-time bug (a unit
// test loads it); at run time it degrades to an empty catalog and `error` says why.
struct BuiltInCatalog {
  FanotifyCatalog catalog;
  std::string error;
};
const BuiltInCatalog& BuiltInFanotifyCatalog();

// The first product whose comm name, exe path or exe prefix matches; nullptr when none does.
const CatalogProduct* MatchProduct(const FanotifyCatalog& catalog, std::string_view comm,
                                   std::string_view exe);

// The policy: the catalog's override where it has one, otherwise conflict when the holder can
// block file access and notify when it cannot.
HolderClass Classify(const CatalogProduct* product, bool blocking);

}  // namespace preflight
