#include <memory>
#include <utility>

#include "platform/retry_http_client.h"

namespace preflight {

// In its own file so that code using only RetryHttpClient (its unit tests) does not pull in the
// platform's transport: a static library links an object, and everything it references, whole.
std::unique_ptr<HttpClient> MakeRetryingHttpClient(RetryOptions options) {
  return std::make_unique<RetryHttpClient>(MakeHttpClient(), std::move(options));
}

}  // namespace preflight
