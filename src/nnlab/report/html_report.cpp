#include "nnlab/report/html_report.h"

#include <vector>

#include "nnlab/io/atomic_file.h"
#include "nnlab/report/html_charts.h"
#include "nnlab/report/html_page.h"
#include "nnlab/report/html_sections.h"
#include "nnlab/report/html_tables.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::report {
namespace {

// The run's name: summary.json's "name", else config.toml's top-level `name = "..."`, else the
// folder's.
std::string run_name(const ReportInputs& inputs) {
  if (inputs.summary.value && inputs.summary.value->contains("name") && (*inputs.summary.value)["name"].is_string()) {
    return (*inputs.summary.value)["name"].get<std::string>();
  }
  return config_name(inputs.config_text).value_or(inputs.folder_name);
}

}  // namespace

std::string render_html_report(const std::filesystem::path& run_dir) {
  const ReportInputs inputs = read_report_inputs(run_dir);
  const ReportCharts charts = build_charts(inputs.records);
  HtmlPage page{.name = run_name(inputs),
                .kind = "report",
                .badge_html = status_badge(inputs),
                .folder = inputs.folder_name,
                .charts = charts.spec};
  std::vector<HtmlSection>& sections = page.sections;
  sections.push_back({"overview", "Overview", overview_section(inputs)});
  sections.push_back({"epochs", "Epochs", epochs_section(inputs)});
  sections.push_back({"curves", "Curves", charts.curves_html});
  sections.push_back({"histograms", "Histograms", charts.histograms_html});
  sections.push_back({"images", "Images", images_section(inputs)});
  sections.push_back({"plots", "Plots", plots_section(inputs.plots)});
  sections.push_back({"model", "Model", text_section(inputs.model_text, "model.txt")});
  sections.push_back({"timing", "Timing", timing_section(inputs)});
  sections.push_back({"reproduce", "Reproduce", reproduce_section(inputs)});
  sections.push_back({"config", "Config", text_section(inputs.config_text, "config.toml")});
  return render_page(page);
}

void write_html_report(const std::filesystem::path& run_dir) {
  const std::string html = render_html_report(run_dir);
  io::write_file_atomically((run_dir / "report.html").string(), html);
}

}  // namespace nnlab::report
