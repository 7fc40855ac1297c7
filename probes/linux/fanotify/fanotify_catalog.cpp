#include "probes/linux/fanotify/fanotify_catalog.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

namespace preflight {
namespace {

using nlohmann::json;

// TASK_COMM_LEN is 16 including the NUL (include/linux/sched.h), so a longer name never matches.
constexpr std::size_t kMaxCommName = 15;

std::vector<std::string> StringList(const json& object, const char* key, const std::string& where) {
  std::vector<std::string> values;
  const auto it = object.find(key);
  if (it == object.end()) return values;
  if (!it->is_array()) throw CatalogError{where + "." + key + " must be an array"};
  for (const json& value : *it) {
    if (!value.is_string() || value.get<std::string>().empty()) {
      throw CatalogError{where + "." + key + " holds a value that is not a non-empty string"};
    }
    values.push_back(value.get<std::string>());
  }
  return values;
}

void RequireAbsolute(const std::vector<std::string>& paths, const std::string& where) {
  for (const std::string& path : paths) {
    if (path.front() != '/') {
      throw CatalogError{
          std::string(where).append(" path \"").append(path).append("\" is relative")};
    }
  }
}

BlockingSetting ParseBlockingSetting(const json& entry, const std::string& where) {
  AllowKeys(entry, {"files", "name", "values"}, where);
  BlockingSetting setting;
  setting.files = StringList(entry, "files", where);
  setting.name = RequiredString(entry, "name", where);
  setting.values = StringList(entry, "values", where);
  if (setting.files.empty() || setting.values.empty()) {
    throw CatalogError{where + " needs files and values"};
  }
  RequireAbsolute(setting.files, where);
  return setting;
}

CatalogInstall ParseInstall(const json& entry, const std::string& where) {
  AllowKeys(entry, {"packages", "units", "blocking_setting"}, where);
  CatalogInstall install;
  install.packages = StringList(entry, "packages", where);
  install.units = StringList(entry, "units", where);
  if (install.packages.empty() && install.units.empty()) {
    throw CatalogError{where + " names neither packages nor units"};
  }
  for (const std::string& unit : install.units) {
    if (unit.find('/') != std::string::npos || unit.find('.') == std::string::npos) {
      throw CatalogError{
          std::string(where).append(" unit \"").append(unit).append("\" is not a unit file name")};
    }
  }
  if (entry.contains("blocking_setting")) {
    install.blocking_setting = ParseBlockingSetting(entry["blocking_setting"], where + ".blocking");
  }
  return install;
}

CatalogProduct ParseProduct(const json& entry, std::size_t index) {
  const std::string where = "products[" + std::to_string(index) + "]";
  AllowKeys(entry, {"id", "name", "vendor", "match", "classification", "install", "sources"},
            where);
  CatalogProduct product;
  product.id = RequiredString(entry, "id", where);
  product.name = RequiredString(entry, "name", where);
  product.vendor = RequiredString(entry, "vendor", where);
  if (StringList(entry, "sources", where).empty()) {
    throw CatalogError{where + " names no public source"};
  }
  const auto match = entry.find("match");
  if (match == entry.end()) throw CatalogError{where + " has no match rules"};
  AllowKeys(*match, {"comm", "exe_paths", "exe_prefixes"}, where + ".match");
  product.comm_names = StringList(*match, "comm", where + ".match");
  product.exe_paths = StringList(*match, "exe_paths", where + ".match");
  product.exe_prefixes = StringList(*match, "exe_prefixes", where + ".match");
  if (product.comm_names.empty() && product.exe_paths.empty() && product.exe_prefixes.empty()) {
    throw CatalogError{where + " has no match rules"};
  }
  for (const std::string& comm : product.comm_names) {
    if (comm.size() > kMaxCommName) {
      throw CatalogError{
          std::string(where).append(" comm \"").append(comm).append("\" > 15 bytes")};
    }
  }
  RequireAbsolute(product.exe_paths, where);
  RequireAbsolute(product.exe_prefixes, where);
  if (entry.contains("classification")) {
    const std::string value = RequiredString(entry, "classification", where);
    if (value == "mde") {
      product.classification = Classification::kMde;
    } else if (value == "allowed") {
      product.classification = Classification::kAllowed;
    } else {
      throw CatalogError{where + ".classification must be \"mde\" or \"allowed\""};
    }
  }
  if (entry.contains("install"))
    product.install = ParseInstall(entry["install"], where + ".install");
  return product;
}

ConflictingService ParseService(const json& entry, std::size_t index) {
  const std::string where = "conflicting_services[" + std::to_string(index) + "]";
  AllowKeys(entry, {"name", "product", "vendor", "sources"}, where);
  if (StringList(entry, "sources", where).empty()) {
    throw CatalogError{where + " names no public source"};
  }
  return ConflictingService{RequiredString(entry, "name", where),
                            RequiredString(entry, "product", where),
                            RequiredString(entry, "vendor", where)};
}

FanotifyCatalog ParseValidated(const json& root) {
  AllowKeys(root, {"schema", "comment", "products", "conflicting_services"}, "catalog");
  if (!root.contains("schema") || root["schema"] != 1) throw CatalogError{"schema must be 1"};
  FanotifyCatalog catalog;
  std::set<std::string> ids;
  const json products = root.value("products", json::array());
  if (!products.is_array()) throw CatalogError{"products must be an array"};
  for (std::size_t i = 0; i < products.size(); ++i) {
    CatalogProduct product = ParseProduct(products[i], i);
    if (!ids.insert(product.id).second) throw CatalogError{"duplicate id " + product.id};
    catalog.products.push_back(std::move(product));
  }
  const json services = root.value("conflicting_services", json::array());
  if (!services.is_array()) throw CatalogError{"conflicting_services must be an array"};
  for (std::size_t i = 0; i < services.size(); ++i) {
    catalog.services.push_back(ParseService(services[i], i));
  }
  return catalog;
}

}  // namespace

Result<FanotifyCatalog> ParseFanotifyCatalog(std::string_view json_text) {
  return ParseCatalog<FanotifyCatalog>(json_text, "catalog", ParseValidated);
}

const BuiltInCatalog<FanotifyCatalog>& BuiltInFanotifyCatalog() {
  return LoadBuiltInCatalog<FanotifyCatalog, ParseFanotifyCatalog>("fanotify_products.json");
}

const CatalogProduct* MatchProduct(const FanotifyCatalog& catalog, std::string_view comm,
                                   std::string_view exe) {
  for (const CatalogProduct& product : catalog.products) {
    const auto equals = [](std::string_view value) {
      return [value](const std::string& candidate) { return !value.empty() && candidate == value; };
    };
    if (std::any_of(product.comm_names.begin(), product.comm_names.end(), equals(comm)) ||
        std::any_of(product.exe_paths.begin(), product.exe_paths.end(), equals(exe)) ||
        std::any_of(
            product.exe_prefixes.begin(), product.exe_prefixes.end(),
            [&](const std::string& prefix) { return exe.substr(0, prefix.size()) == prefix; })) {
      return &product;
    }
  }
  return nullptr;
}

Classification Classify(const CatalogProduct* product, bool blocking) {
  if (product != nullptr && product->classification) return *product->classification;
  return blocking ? Classification::kConflict : Classification::kNotify;
}

}  // namespace preflight
