#pragma once

// What the libcurl transports share: handle ownership, the one-time global init and an option
// setter that keeps the first failure.

#include <curl/curl.h>

#include <memory>

namespace preflight {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// curl_global_init once per process (https://curl.se/libcurl/c/threadsafe.html); the result of
// that one call.
CURLcode CurlGlobalInit();

// Records the first failing setopt so the caller checks once.
class CurlOptions {
 public:
  explicit CurlOptions(CURL* handle) : handle_(handle) {}
  template <class T>
  void Set(CURLoption option, T value) {
    if (code_ == CURLE_OK) code_ = curl_easy_setopt(handle_, option, value);
  }
  CURLcode Code() const { return code_; }

 private:
  CURL* handle_;
  CURLcode code_ = CURLE_OK;
};

}  // namespace preflight
