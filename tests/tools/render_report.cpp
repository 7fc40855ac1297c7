// render_report: renders a JSON report file as the agent's HTML page (agent/render_html.h), so a
// test can look at the page of any report: one the agent just wrote, or a fixture.
//
//   render_report REPORT.json OUTPUT.html
//
// Exit codes: 0 written, 1 unreadable or invalid JSON, 2 usage.

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/render_html.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: render_report REPORT.json OUTPUT.html\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const nlohmann::json report = nlohmann::json::parse(text, nullptr, false);
  if (!in || report.is_discarded()) {
    std::cerr << "render_report: cannot read a JSON report from " << argv[1] << "\n";
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out << preflight::RenderHtml(report);
  out.close();
  if (!out) {
    std::cerr << "render_report: cannot write " << argv[2] << "\n";
    return 1;
  }
  return 0;
}
