// libFuzzer target for ParseUrl / IsLoopbackHost / BearerAllowed / RedactUrl. Besides not
// crashing, checks the one property that matters: a bearer is allowed only over https or to a
// host that is loopback.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/http_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  const auto parsed = preflight::ParseUrl(url);
  const bool loopback = preflight::IsLoopbackHost(url);
  const bool bearer = preflight::BearerAllowed(url);
  const std::string redacted = preflight::RedactUrl(url);
  if (redacted.size() > url.size()) __builtin_trap();
  if (bearer) {
    if (!parsed) __builtin_trap();
    if (parsed->scheme != "https" &&
        !(parsed->scheme == "http" && preflight::IsLoopbackHost(parsed->host))) {
      __builtin_trap();
    }
  }
  if (parsed && (parsed->path.empty() || parsed->path[0] != '/')) __builtin_trap();
  (void)loopback;
  return 0;
}
