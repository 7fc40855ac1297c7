#pragma once

#include <string_view>

namespace preflight {

// The contents of a file from probes/data/ compiled into the binary ("linux_support.json");
// empty when there is no such file.
std::string_view EmbeddedData(std::string_view name);

}  // namespace preflight
