#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace preflight {

// A self-contained HTML page of a report (no scripts, no external resources), for attaching to a
// ticket or publishing from the service. Every value from the report is HTML-escaped.
std::string RenderHtml(const nlohmann::json& report);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace preflight
