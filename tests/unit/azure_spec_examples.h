#pragma once

// Azure's published example bodies (Azure/azure-rest-api-specs), kept unchanged under
// tests/data/azure-specs/<their path in that repository> (see the README there).

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace preflight::testing {

// The whole example file at `repo_path` ("specification/security/..."); a discarded value (and a
// test failure) when it cannot be read.
inline nlohmann::json SpecExample(const std::string& repo_path) {
  std::ifstream in(std::string(PREFLIGHT_TEST_DATA) + "/azure-specs/" + repo_path,
                   std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json example = nlohmann::json::parse(text.str(), nullptr, false);
  EXPECT_FALSE(example.is_discarded()) << "cannot read the spec example " << repo_path;
  return example;
}

// The body of one of its responses.
inline nlohmann::json SpecResponse(const std::string& repo_path,
                                   const std::string& status = "200") {
  const nlohmann::json example = SpecExample(repo_path);
  if (example.is_discarded()) return example;
  return example.at("responses").at(status).at("body");
}

}  // namespace preflight::testing
