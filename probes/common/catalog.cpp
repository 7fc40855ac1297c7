#include "probes/common/catalog.h"

#include <algorithm>

namespace preflight {

using nlohmann::json;

void AllowKeys(const json& object, std::initializer_list<const char*> keys,
               const std::string& where) {
  if (!object.is_object()) throw CatalogError{where + " is not an object"};
  for (const auto& item : object.items()) {
    if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return item.key() == k; })) {
      throw CatalogError{where + " has unknown key \"" + item.key() + "\""};
    }
  }
}

std::string RequiredString(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw CatalogError{where + "." + key + " must be a non-empty string"};
  }
  return it->get<std::string>();
}

namespace catalog_internal {

std::string Validate(std::string_view json_text, std::string_view label,
                     const std::function<void(const json&)>& validate) {
  const json root = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return std::string(label) + " is not valid JSON";
  try {
    validate(root);
    return {};
  } catch (const CatalogError& e) {
    return std::string(label) + ": " + e.message;
  } catch (const json::exception& e) {
    return std::string(label) + ": " + e.what();
  }
}

}  // namespace catalog_internal

}  // namespace preflight
