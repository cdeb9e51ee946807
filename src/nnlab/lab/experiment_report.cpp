#include "nnlab/lab/experiment_report.h"

#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/catalogue.h"
#include "nnlab/lab/sweep_report_table.h"
#include "nnlab/lab/sweep_results.h"
#include "nnlab/report/html_escape.h"
#include "nnlab/report/html_page.h"
#include "nnlab/report/html_sections.h"
#include "nnlab/report/html_tables.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::lab {
namespace {

using report::escape_html;
using Json = nlohmann::ordered_json;

// A CSV file nnlab wrote (quoted fields where needed) as rows of cells.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else {
      cell += c;
    }
  }
  if (!cell.empty() || !rows.back().empty()) rows.back().push_back(std::move(cell));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

std::string csv_table(const std::filesystem::path& file) {
  const std::optional<std::string> text = report::read_optional_file(file);
  if (!text) return "";
  const auto rows = read_csv(*text);
  if (rows.empty()) return "";
  std::string html = "<div class=\"scroll\"><table><thead><tr>";
  for (const std::string& cell : rows.front()) html += "<th>" + escape_html(cell) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 1; r < rows.size(); ++r) {
    html += "<tr>";
    for (const std::string& cell : rows[r]) html += "<td>" + escape_html(cell) + "</td>";
    html += "</tr>\n";
  }
  return html + "</tbody></table></div>\n";
}

std::string link_to_report(const std::filesystem::path& dir, const std::string& relative) {
  if (!std::filesystem::is_regular_file(dir / "report.html")) return "";
  std::string href;
  for (const auto& piece : std::filesystem::path(relative)) {
    href += report::escape_url_segment(piece.string());
    href += '/';
  }
  return fmt::format("<p><a href=\"{}report.html\">The part's own report</a></p>\n", escape_html(href));
}

// The first line of model.txt that states the linear-region bound (E6), if any.
std::string region_bound(const std::filesystem::path& run) {
  std::istringstream text(report::read_optional_file(run / "model.txt").value_or(""));
  for (std::string line; std::getline(text, line);) {
    if (line.starts_with("linear regions:")) return "<p>" + escape_html(line) + "</p>\n";
  }
  return "";
}

std::string train_body(const std::filesystem::path& run) {
  const report::ReportInputs inputs = report::read_report_inputs(run);
  return report::overview_section(inputs) + region_bound(run) + report::plots_section(inputs.plots);
}

// The trial a show_trials entry names: "best" and "worst" by rank among the configurations with
// a finished trial (its first finished seed), or a trial's own name.
const TrialOutcome* shown_trial(const SweepOutcome& sweep, const std::vector<ResultRow>& rows, const std::string& which) {
  std::vector<const ResultRow*> ranked;
  for (const ResultRow& row : rows) {
    if (row.finished > 0) ranked.push_back(&row);
  }
  std::string configuration;
  if (which == "best" && !ranked.empty()) configuration = ranked.front()->configuration;
  if (which == "worst" && !ranked.empty()) configuration = ranked.back()->configuration;
  for (const TrialOutcome& t : sweep.trials) {
    if (t.trial.name == which) return &t;
    if (!configuration.empty() && t.trial.configuration == configuration && t.status == TrialStatus::finished)
      return &t;
  }
  return nullptr;
}

std::string sweep_body(const io::ExperimentPart& part, const std::filesystem::path& dir) {
  const SweepOutcome sweep = open_sweep(dir);
  const std::vector<ResultRow> rows = collect_results(sweep);
  std::string html = results_section(sweep, rows, part.name + "/");
  html += report::plots_section(report::read_plot_files(dir / "plots"));
  for (const std::string& which : part.show_trials) {
    const TrialOutcome* t = shown_trial(sweep, rows, which);
    if (t == nullptr) {
      html += fmt::format("<p class=\"none\">No finished trial for \"{}\".</p>\n", escape_html(which));
      continue;
    }
    html += fmt::format("<h3>{}: {}</h3>\n", escape_html(which), escape_html(t->trial.name));
    html += report::plots_section(report::read_plot_files(t->folder / "plots"));
  }
  return html;
}

std::string part_body(const io::ExperimentPart& part, const std::filesystem::path& dir, const Json& record) {
  std::string html = part.about.empty() ? "" : "<p>" + escape_html(part.about) + "</p>\n";
  const int status = record.is_object() ? record.value("status", -1) : -1;
  if (status != 0) {
    html += status < 0 ? "<p class=\"none\">Not run.</p>\n"
                       : fmt::format("<p class=\"status bad\">Failed (exit status {}); its output was printed by "
                                     "nnlab run.</p>\n",
                                     status);
    if (!std::filesystem::is_directory(dir)) return html;
  }
  try {
    switch (part.kind) {
      case io::PartKind::train: html += train_body(dir); break;
      case io::PartKind::sweep: html += sweep_body(part, dir); break;
      case io::PartKind::optimize:
      case io::PartKind::closed_form: {
        // Their pictures sit in the folder itself (optimize) or in plots/ (closed-form probes).
        std::vector<report::PlotFile> plots = report::read_plot_files(dir);
        for (report::PlotFile& plot : report::read_plot_files(dir / "plots")) plots.push_back(std::move(plot));
        html += csv_table(dir / "results.csv") + (plots.empty() ? "" : report::plots_section(plots));
        break;
      }
    }
  } catch (const Error& error) {
    html += "<p class=\"status bad\">" + escape_html(error.what()) + "</p>\n";
  }
  return html + link_to_report(dir, part.name);
}

std::string overview(const io::ExperimentSpec& spec, const std::map<std::string, Json>& records) {
  std::string html = "<p>" + escape_html(spec.question) + "</p>\n";
  html += "<table><thead><tr><th>part</th><th>kind</th><th>status</th><th>seconds</th></tr></thead>\n<tbody>\n";
  for (const io::ExperimentPart& part : spec.parts) {
    const auto found = records.find(part.name);
    const int status = found == records.end() ? -1 : found->second.value("status", -1);
    html += fmt::format(
        "<tr><td><a href=\"#part-{0}\">{1}</a></td><td>{2}</td><td>{3}</td><td>{4}</td></tr>\n", part.name,
        escape_html(part.title), io::to_string(part.kind),
        status < 0 ? "not run" : status == 0 ? "done" : fmt::format("failed ({})", status),
        found == records.end() ? "" : fmt::format("{:.1f}", found->second.value("seconds", 0.0)));
  }
  return html + "</tbody></table>\n";
}

}  // namespace

std::string render_experiment_report(const std::filesystem::path& dir) {
  const io::ExperimentSpec spec = io::load_experiment_spec(dir / "experiment.toml");
  std::map<std::string, Json> records;
  const Json record = Json::parse(report::read_optional_file(dir / "experiment.json").value_or("{}"), nullptr, false);
  if (record.is_object() && record.contains("parts")) {
    for (const Json& part : record["parts"]) records[part.value("name", "")] = part;
  }
  const bool quick = record.is_object() && record.value("quick", false);
  report::HtmlPage page{.name = fmt::format("{} — {}", spec.id, spec.title),
                        .kind = "experiment report",
                        .badge_html = quick ? "<span class=\"status warn\">--quick</span>" : "",
                        .folder = report::folder_name(dir),
                        .charts = Json{{"charts", Json::array()}}};
  page.sections.push_back({"overview", "What it asks", overview(spec, records)});
  for (const io::ExperimentPart& part : spec.parts) {
    const auto found = records.find(part.name);
    page.sections.push_back({"part-" + part.name, part.title,
                             part_body(part, dir / part.name, found == records.end() ? Json() : found->second)});
  }
  return report::render_page(page);
}

void write_experiment_report(const std::filesystem::path& dir) {
  io::write_file_atomically((dir / "report.html").string(), render_experiment_report(dir));
}

}  // namespace nnlab::lab
