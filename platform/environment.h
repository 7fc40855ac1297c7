#pragma once

#include <memory>
#include <optional>
#include <string>

namespace preflight {

// Environment variables of the agent's own process.
class Environment {
 public:
  virtual ~Environment() = default;
  virtual std::optional<std::string> Get(const std::string& name) const = 0;
};

std::unique_ptr<Environment> MakeEnvironment();

}  // namespace preflight
