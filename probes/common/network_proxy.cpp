#include "probes/common/network_proxy.h"

#include <algorithm>

#include "platform/text.h"

namespace preflight {
namespace {

// "http=a:80;https=b:443" -> "b:443"; a plain value is returned as is.
std::string HttpsEntry(std::string_view value) {
  if (value.find('=') == std::string_view::npos) return std::string(value);
  std::string fallback;
  while (!value.empty()) {
    const std::size_t end = std::min(value.find_first_of("; "), value.size());
    const std::string_view entry = value.substr(0, end);
    value.remove_prefix(std::min(end + 1, value.size()));
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string scheme = ToLower(entry.substr(0, eq));
    if (scheme == "https") return std::string(entry.substr(eq + 1));
    if (scheme == "http" && fallback.empty()) fallback = std::string(entry.substr(eq + 1));
  }
  return fallback;
}

bool IsPacOrWpad(const std::string& lower) {
  return lower.ends_with(".pac") || lower.ends_with(".dat") ||
         lower.find("wpad") != std::string::npos || lower.find("pac+") == 0;
}

}  // namespace

ProxyChoice ChooseProxy(const std::vector<ProxyCandidate>& candidates) {
  ProxyChoice choice;
  choice.source = "none";
  const auto first = std::find_if(candidates.begin(), candidates.end(),
                                  [](const auto& c) { return !Trim(c.value).empty(); });
  if (first == candidates.end()) return choice;
  for (auto later = first + 1; later != candidates.end(); ++later) {
    if (!Trim(later->value).empty()) choice.ignored.push_back(later->source);
  }
  choice.source = first->source;
  choice.bypass = first->bypass;
  std::string value = HttpsEntry(Trim(first->value));
  const std::string lower = ToLower(value);
  if (IsPacOrWpad(lower)) {
    choice.unsupported =
        first->source + " names a PAC/WPAD script (" + value + "); MDE does not follow PAC or WPAD";
    return choice;  // probes go direct: a PAC file is not a proxy
  }
  if (lower.find("://") == std::string::npos) value = "http://" + value;
  if (lower.find("https://") == 0) {
    choice.unsupported = first->source + " names an https:// proxy (" + value +
                         "); MDE's static proxy is plain http://host:port";
  }
  if (first->has_credentials) {
    choice.unsupported =
        first->source + " carries credentials; MDE does not support authenticating proxies";
    // Probe through it without them: what the proxy does for MDE's unauthenticated requests.
    const std::size_t at = value.rfind('@');
    if (at != std::string::npos) value = "http://" + value.substr(at + 1);
  }
  choice.url = value;
  return choice;
}

bool BypassesProxy(std::string_view host, std::string_view bypass) {
  const std::string name = ToLower(host);
  while (!bypass.empty()) {
    const std::size_t end = std::min(bypass.find_first_of(",;"), bypass.size());
    std::string entry = ToLower(Trim(bypass.substr(0, end)));
    bypass.remove_prefix(std::min(end + 1, bypass.size()));
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (entry == "<local>") {
      if (name.find('.') == std::string::npos) return true;
      continue;
    }
    if (entry.rfind("*.", 0) == 0) entry.erase(0, 1);
    if (entry.front() == '.') entry.erase(0, 1);
    if (name == entry || name.ends_with("." + entry)) return true;
  }
  return false;
}

}  // namespace preflight
