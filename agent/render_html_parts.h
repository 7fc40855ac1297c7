#pragma once

// The pieces of the HTML report (agent/render_html.cpp): its style, the top (verdict and the one
// sentence that matters) and the tables of file-system hooks. Every value from the report is
// HTML-escaped.

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/report.h"
#include "agent/report_outline.h"

namespace preflight {

// Inline only: the page is a single file with no external resources.
extern const char* const kReportStyle;

// "✖ Fail" with the status in words, so colour is never the only sign of it.
std::string StatusBadge(const std::string& status, bool ignored);

// The header: host, verdict, the one sentence that matters with what to do, the facts.
void RenderTop(std::ostringstream& out, const nlohmann::json& report,
               const std::vector<CheckGroup>& groups, const Headline& headline);

// report.fanotify_users (linux.fanotify) and report.minifilters (windows.minifilters) as tables;
// nothing when the report has none.
void RenderFanotifyTable(std::ostringstream& out, const nlohmann::json& report);
void RenderMinifilterTable(std::ostringstream& out, const nlohmann::json& report);

}  // namespace preflight
