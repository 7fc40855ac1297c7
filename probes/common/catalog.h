#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "platform/result.h"
#include "probes/common/embedded_data.h"

namespace preflight {

// The catalogs under probes/data (fanotify products, Windows minifilters, the Linux support
// matrix) are JSON the build embeds. Each has a validator that turns the parsed document into its
// type and throws CatalogError (or lets nlohmann's json::exception escape) on anything it rejects;
// ParseCatalog turns either into an Error, so no exception leaves a parser.
struct CatalogError {
  std::string message;
};

// Validator helpers; `where` names the place in the document ("products[3]").
// Throws unless `object` is an object whose keys are all in `keys`.
void AllowKeys(const nlohmann::json& object, std::initializer_list<const char*> keys,
               const std::string& where);
// object[key] as a non-empty string; throws otherwise.
std::string RequiredString(const nlohmann::json& object, const char* key, const std::string& where);

namespace catalog_internal {
// Parses json_text and runs validate over it; the reason it failed, prefixed by `label`, or empty.
std::string Validate(std::string_view json_text, std::string_view label,
                     const std::function<void(const nlohmann::json&)>& validate);
}  // namespace catalog_internal

// `validate` maps the parsed document to a Catalog. Text that is not JSON, a CatalogError or a
// json::exception -> ErrorKind::kInvalid "<label>: <why>". Never throws.
template <class Catalog, class Validate>
Result<Catalog> ParseCatalog(std::string_view json_text, std::string_view label,
                             Validate&& validate) {
  Catalog catalog;
  const std::string error = catalog_internal::Validate(
      json_text, label, [&](const nlohmann::json& root) { catalog = validate(root); });
  if (!error.empty()) return MakeError(ErrorKind::kInvalid, error);
  return catalog;
}

// A catalog compiled into the binary. A broken one is a build-time bug (a unit test loads each);
// at run time it degrades to an empty catalog and `error` says why.
template <class Catalog>
struct BuiltInCatalog {
  Catalog catalog;
  std::string error;
};

// The embedded probes/data/<file>, parsed by Parse on first use and kept for the process; safe to
// call from several threads (a function-local static). Each Parse has exactly one file.
template <class Catalog, Result<Catalog> (*Parse)(std::string_view)>
const BuiltInCatalog<Catalog>& LoadBuiltInCatalog(std::string_view file) {
  static const BuiltInCatalog<Catalog> built_in = [file] {
    BuiltInCatalog<Catalog> result;
    Result<Catalog> parsed = Parse(EmbeddedData(file));
    if (parsed.Ok()) {
      result.catalog = std::move(parsed).Value();
    } else {
      result.error = parsed.Err().message;
    }
    return result;
  }();
  return built_in;
}

}  // namespace preflight
