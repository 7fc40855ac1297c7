#include <windows.h>

#include <memory>
#include <string>

#include "platform/environment.h"
#include "platform/windows/win32_util.h"

namespace preflight {
namespace {

// The process environment block through the wide API: getenv would see the ANSI code page's
// rendering of a value, not its UTF-8.
class ProcessEnvironment final : public Environment {
 public:
  std::optional<std::string> Get(const std::string& name) const override {
    auto wide_name = win32::Wide(name, "the variable name");
    if (!wide_name.Ok()) return std::nullopt;
    std::wstring value(256, L'\0');
    // Another thread may grow the variable between the calls, hence the loop; a value holds at
    // most 32767 characters (GetEnvironmentVariableW documentation), so it ends.
    for (int attempt = 0; attempt < 4; ++attempt) {
      ::SetLastError(ERROR_SUCCESS);
      const DWORD n = ::GetEnvironmentVariableW(wide_name.Value().c_str(), value.data(),
                                                static_cast<DWORD>(value.size()));
      if (n == 0) {
        // 0 is both "not set" and "set to the empty string".
        if (::GetLastError() == ERROR_ENVVAR_NOT_FOUND) return std::nullopt;
        return std::string();
      }
      if (n < value.size()) {
        value.resize(n);
        return win32::Narrow(value);
      }
      value.assign(n, L'\0');  // n is the size needed, with the terminating NUL
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Environment> MakeEnvironment() { return std::make_unique<ProcessEnvironment>(); }

}  // namespace preflight
