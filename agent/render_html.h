#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace preflight {

// A self-contained HTML page of a report (no scripts, no external resources), for attaching to a
// ticket or publishing from the service. It opens with the verdict and the one sentence that
// matters (ChooseHeadline, agent/report_outline.h), then the checks by section with what to do
// beside each problem, evidence folded, and tables of fanotify holders and minifilters; it prints
// with the evidence unfolded. Every value from the report is HTML-escaped; any JSON value renders
// (a field of an unexpected type shows as unknown).
std::string RenderHtml(const nlohmann::json& report);

// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace preflight
