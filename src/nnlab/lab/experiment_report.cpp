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

// The href of <relative>/report.html, each path piece URL-encoded (trial names hold '=' and ',').
std::string report_href(const std::string& relative) {
  std::string href;
  for (const auto& piece : std::filesystem::path(relative)) {
    href += report::escape_url_segment(piece.string());
    href += '/';
  }
  return escape_html(href + "report.html");
}

std::string link_to_report(const std::filesystem::path& dir, const std::string& relative) {
  if (!std::filesystem::is_regular_file(dir / "report.html")) return "";
  return fmt::format("<p><a href=\"{}\">The part's own report</a></p>\n", report_href(relative));
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
      case io::PartKind::closed_form:
      case io::PartKind::baseline:
      case io::PartKind::pca: {
        // Their pictures sit in the folder itself (optimize, pca) or in plots/ (closed-form probes,
        // a baseline's misclassified images).
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

// One model the experiment trained or fitted: a train or baseline part, or a sweep's trial.
struct RankedModel {
  std::string name;  // "finetune / optim.lr=0.001,seed=0"
  std::filesystem::path folder;
  std::string link;  // the folder relative to the experiment's
  double value = 0.0;
  std::int64_t parameters = 0;  // trainable: a linear probe trains its head only
};

std::vector<RankedModel> models_of(const io::ExperimentSpec& spec, const std::filesystem::path& dir) {
  const std::string split = spec.rank_by.substr(0, spec.rank_by.find('/'));
  const std::string metric = spec.rank_by.substr(spec.rank_by.find('/') + 1);
  std::vector<RankedModel> models;
  const auto add = [&](const std::string& name, const std::filesystem::path& folder, const std::string& link) {
    const Json summary =
        Json::parse(report::read_optional_file(folder / "summary.json").value_or("{}"), nullptr, false);
    if (!summary.is_object() || !summary.contains("final") || !summary["final"].contains(split)) return;
    const Json& value = summary["final"][split].value(metric, Json());
    if (!value.is_number()) return;
    models.push_back({.name = name,
                      .folder = folder,
                      .link = link,
                      .value = value.get<double>(),
                      .parameters = summary.value("trainable_parameters", std::int64_t{0})});
  };
  for (const io::ExperimentPart& part : spec.parts) {
    if (!part.ranked) continue;
    const std::filesystem::path folder = dir / part.name;
    if (part.kind != io::PartKind::sweep) {
      add(part.title, folder, part.name);
      continue;
    }
    if (!std::filesystem::is_regular_file(folder / "sweep.toml")) continue;
    for (const TrialOutcome& t : open_sweep(folder).trials) {
      if (t.status != TrialStatus::finished) continue;
      add(part.name + " / " + t.trial.name, t.folder,
          part.name + "/" + std::filesystem::relative(t.folder, folder).generic_string());
    }
  }
  const bool higher_is_better = metric == "accuracy";
  std::stable_sort(models.begin(), models.end(), [&](const RankedModel& a, const RankedModel& b) {
    return higher_is_better ? a.value > b.value : a.value < b.value;
  });
  return models;
}

std::string misclassified_of(const char* which, const RankedModel& model) {
  std::string html = fmt::format("<h3>Misclassified test images of the {} model: {}</h3>\n", which, escape_html(model.name));
  std::vector<report::PlotFile> pictures;
  for (report::PlotFile& plot : report::read_plot_files(model.folder / "plots")) {
    if (plot.stem == "misclassified") pictures.push_back(std::move(plot));
  }
  for (report::PlotFile& plot : report::read_plot_files(model.folder)) {
    if (plot.stem == "misclassified") pictures.push_back(std::move(plot));
  }
  if (pictures.empty()) return html + "<p class=\"none\">No picture: its run had no [probes] misclassified.</p>\n";
  return html + report::plots_section(pictures);
}

// Every model of every part in one table, ranked by the experiment's rank_by (E7).
std::string ranking(const io::ExperimentSpec& spec, const std::filesystem::path& dir) {
  const std::vector<RankedModel> models = models_of(spec, dir);
  if (models.empty()) return fmt::format("<p class=\"none\">No model has recorded {} yet.</p>\n", escape_html(spec.rank_by));
  std::string html = fmt::format(
      "<table><thead><tr><th>rank</th><th>model</th><th>{}</th><th>trainable parameters</th></tr></thead>\n<tbody>\n",
      escape_html(spec.rank_by));
  for (std::size_t i = 0; i < models.size(); ++i) {
    const RankedModel& m = models[i];
    const bool linked = std::filesystem::is_regular_file(m.folder / "report.html");
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", i + 1,
                        linked ? fmt::format("<a href=\"{}\">{}</a>", report_href(m.link), escape_html(m.name))
                               : escape_html(m.name),
                        report::format_number(m.value), m.parameters > 0 ? fmt::format("{}", m.parameters) : "");
  }
  html += "</tbody></table>\n" + misclassified_of("best", models.front());
  if (models.size() > 1) html += misclassified_of("worst", models.back());
  return html;
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
  if (!spec.rank_by.empty()) {
    page.sections.push_back({"ranking", fmt::format("Every model, ranked by {}", spec.rank_by), ranking(spec, dir)});
  }
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
