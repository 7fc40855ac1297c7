// libFuzzer target for ParseRetryAfter / ParseHttpDate: arbitrary header values must never
// crash, throw or yield a wait outside [0, kMaxRetryAfter].

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/http_parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace std::chrono;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte picks the header names and a clock; the rest, split on '\n', are values.
  static constexpr std::string_view kNames[] = {"Retry-After", "retry-after-ms",
                                                "x-ms-retry-after-ms", "RETRY-AFTER", "Other"};
  const unsigned selector = input.empty() ? 0U : static_cast<unsigned char>(input[0]);
  const std::string_view rest = input.empty() ? input : input.substr(1);
  preflight::HttpHeaders headers;
  std::size_t start = 0;
  for (unsigned i = 0; start <= rest.size(); ++i) {
    const std::size_t end = std::min(rest.find('\n', start), rest.size());
    headers.emplace_back(std::string(kNames[(selector + i) % 5]),
                         std::string(rest.substr(start, end - start)));
    start = end + 1;
  }
  const system_clock::time_point now =
      sys_days{year{1970 + static_cast<int>(selector % 200)} / 1 / 1} + hours(selector % 24);

  const auto delay = preflight::ParseRetryAfter(headers, now);
  if (delay && (*delay < milliseconds(0) || *delay > preflight::kMaxRetryAfter)) __builtin_trap();
  (void)preflight::ParseHttpDate(rest, now);
  return 0;
}
