#pragma once

#include <mutex>
#include <optional>
#include <utility>

#include "probes/common/local_extension.h"
#include "probes/common/local_extension_view.h"
#include "probes/common/mde_state.h"
#include "probes/common/os_release.h"

namespace preflight {

// A value computed once, on first use, by whichever check asks first; thread-safe.
template <class T>
class Memo {
 public:
  template <class Compute>
  const T& Get(Compute&& compute) {
    std::call_once(once_, [&] { value_.emplace(std::forward<Compute>(compute)()); });
    return *value_;
  }

 private:
  std::once_flag once_;
  std::optional<T> value_;
};

// Facts several checks need (the distro, MDE's state, its VM extension), gathered once per run.
struct HostFacts {
  Memo<OsRelease> os_release;
  Memo<MdeState> mde;
  Memo<LocalExtension> mde_extension;
  Memo<LocalExtensionView> local_extension;
};

}  // namespace preflight
