#include "nnlab/lab/sweep_report.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "nnlab/io/atomic_file.h"
#include "nnlab/lab/sweep_compare.h"
#include "nnlab/lab/sweep_report_charts.h"
#include "nnlab/lab/sweep_report_table.h"
#include "nnlab/report/html_page.h"
#include "nnlab/report/html_sections.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::lab {
namespace {

// "3 of 4 finished" for the heading: green when all did, red when none did.
std::string finished_badge(const SweepOutcome& sweep) {
  const auto finished = std::count_if(sweep.trials.begin(), sweep.trials.end(),
                                      [](const TrialOutcome& t) { return t.status == TrialStatus::finished; });
  const auto total = static_cast<std::ptrdiff_t>(sweep.trials.size());
  const char* css = finished == total ? "ok" : finished == 0 ? "bad" : "warn";
  std::string badge = fmt::format("<span class=\"status {}\">{} of {} finished</span>", css, finished, total);
  if (sweep.interrupted) badge += " <span class=\"status warn\">interrupted</span>";
  return badge;
}

}  // namespace

std::string render_sweep_report(const SweepOutcome& sweep, const std::vector<ResultRow>& rows) {
  const std::vector<TrialRecords> trials = read_trial_records(sweep);
  const SweepCharts charts = sweep_charts(trials);
  const std::optional<std::string> sweep_file = report::read_optional_file(sweep.folder / "sweep.toml");
  const std::string folder = report::folder_name(sweep.folder);
  report::HtmlPage page{.name = sweep_file ? report::config_name(*sweep_file).value_or(folder) : folder,
                        .kind = "sweep report",
                        .badge_html = finished_badge(sweep),
                        .folder = folder,
                        .charts = charts.spec,
                        .data_id = kCompareDataId,
                        .data = compare_data(trials),
                        .script = compare_script()};
  page.sections = {
      {"overview", "Overview", overview_section(sweep, rows)},
      {"results", "Results", results_section(sweep, rows)},
      {"curves", "Curves", charts.html},
      {"compare", "Compare two trials", compare_section()},
      {"plots", "Plots", report::plots_section(report::read_plot_files(sweep.folder / "plots"))},
      {"sweep", "Sweep file", report::text_section(sweep_file, "sweep.toml")},
  };
  return report::render_page(page);
}

void write_sweep_report(const SweepOutcome& sweep, const std::vector<ResultRow>& rows) {
  const std::string html = render_sweep_report(sweep, rows);
  io::write_file_atomically((sweep.folder / "report.html").string(), html);
}

}  // namespace nnlab::lab
