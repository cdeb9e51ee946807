#include "nnlab/report/html_report.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/report/embedded_chart_js.h"
#include "nnlab/report/html_assets.h"
#include "nnlab/report/html_charts.h"
#include "nnlab/report/html_escape.h"
#include "nnlab/report/html_sections.h"
#include "nnlab/report/html_tables.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::report {
namespace {

struct Section {
  const char* id;
  const char* title;
  std::string body;  // empty: the section is left out (and out of the table of contents)
};

// The run's name: summary.json's "name", else config.toml's top-level `name = "..."` (read by a
// line match: the page shows any config, even one that no longer parses), else the folder's.
std::string run_name(const ReportInputs& inputs) {
  if (inputs.summary.value && inputs.summary.value->contains("name") && (*inputs.summary.value)["name"].is_string()) {
    return (*inputs.summary.value)["name"].get<std::string>();
  }
  static const std::regex kName(R"re(^\s*name\s*=\s*"([^"\\]*)"\s*(#.*)?$)re");
  std::istringstream config(inputs.config_text);
  for (std::string line; std::getline(config, line) && !line.starts_with("[");) {
    if (std::smatch match; std::regex_match(line, match, kName)) return match[1].str();
  }
  return inputs.folder_name;
}

// Chart.js goes into a <script> element as it is, so it must not hold the text that ends one.
std::string_view checked_chart_js() {
  const std::string_view source = chart_js_source();
  std::string lower(source);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  NNLAB_CHECK(lower.find("</script") == std::string::npos, InternalError,
              "report: the embedded Chart.js holds \"</script\", which would end its <script> element early");
  return source;
}

std::string page(const std::string& name, const ReportInputs& inputs, const std::vector<Section>& sections,
                 const ReportCharts& charts) {
  std::string toc, body;
  for (const Section& s : sections) {
    if (s.body.empty()) continue;
    toc += fmt::format("<li><a href=\"#{}\">{}</a></li>", s.id, s.title);
    body += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", s.id, s.title, s.body);
  }
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"nnlab\">\n<title>{0} \u2014 nnlab report</title>\n"
      "<style>{1}</style>\n<script>{2}</script>\n</head>\n<body>\n<main>\n"
      "<header><h1>{0} {3}</h1><div class=\"folder\">{4}</div></header>\n"
      "<nav class=\"toc\"><ol>{5}</ol></nav>\n{6}</main>\n"
      "<script type=\"application/json\" id=\"nnlab-charts\">{7}</script>\n"
      "<script>{8}</script>\n<script>{9}</script>\n</body>\n</html>\n",
      escape_html(name), report_css(), self_check_script(), status_badge(inputs), escape_html(inputs.folder_name), toc,
      body, script_json(charts.spec), checked_chart_js(), charts_script());
}

}  // namespace

std::string render_html_report(const std::filesystem::path& run_dir) {
  const ReportInputs inputs = read_report_inputs(run_dir);
  const ReportCharts charts = build_charts(inputs.records);
  std::vector<Section> sections;
  sections.push_back({"overview", "Overview", overview_section(inputs)});
  sections.push_back({"epochs", "Epochs", epochs_section(inputs)});
  sections.push_back({"curves", "Curves", charts.curves_html});
  sections.push_back({"histograms", "Histograms", charts.histograms_html});
  sections.push_back({"images", "Images", images_section(inputs)});
  sections.push_back({"plots", "Plots", plots_section(inputs)});
  sections.push_back({"model", "Model", text_section(inputs.model_text, "model.txt")});
  sections.push_back({"timing", "Timing", timing_section(inputs)});
  sections.push_back({"reproduce", "Reproduce", reproduce_section(inputs)});
  sections.push_back({"config", "Config", text_section(inputs.config_text, "config.toml")});
  return page(run_name(inputs), inputs, sections, charts);
}

void write_html_report(const std::filesystem::path& run_dir) {
  const std::string html = render_html_report(run_dir);
  io::write_file_atomically((run_dir / "report.html").string(), html);
}

}  // namespace nnlab::report
