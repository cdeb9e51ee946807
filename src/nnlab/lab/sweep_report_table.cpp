// The overview and the ranked results table of a sweep's report.html.
#include "nnlab/lab/sweep_report_table.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "nnlab/report/html_escape.h"

namespace nnlab::lab {
namespace {

using report::escape_html;
using report::format_number;

// The overview counts these even when none has them, so every sweep's page reads alike.
constexpr const char* kStatusOrder[] = {"finished", "diverged", "failed", "pruned", "not run"};

std::string kv_row(const std::string& name, const std::string& value_html) {
  return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape_html(name), value_html);
}

// The swept keys in order of first appearance: variants and random draws give rows different keys.
std::vector<std::string> setting_keys(const std::vector<ResultRow>& rows) {
  std::vector<std::string> keys;
  for (const ResultRow& row : rows) {
    for (const auto& [key, value] : row.settings) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  return keys;
}

// The metrics after rank_by (each row's first) that any row has, in order of first appearance.
std::vector<std::string> other_tags(const std::vector<ResultRow>& rows) {
  std::vector<std::string> tags;
  for (const ResultRow& row : rows) {
    for (std::size_t i = 1; i < row.metrics.size(); ++i) {
      if (std::find(tags.begin(), tags.end(), row.metrics[i].tag) == tags.end()) tags.push_back(row.metrics[i].tag);
    }
  }
  return tags;
}

const MetricResult* find_metric(const ResultRow& row, const std::string& tag) {
  const auto found = std::find_if(row.metrics.begin(), row.metrics.end(), [&](const auto& m) { return m.tag == tag; });
  return found == row.metrics.end() ? nullptr : &*found;
}

constexpr const char* kNotRecorded = "<span class=\"none\">not recorded</span>";

// mean, mean ± std [95 % interval] from two seeds on.
std::string summary_cell(const analysis::SampleSummary& s) {
  if (s.n == 0) return kNotRecorded;
  if (s.n == 1) return format_number(s.mean);
  return fmt::format("{} \u00b1 {} <span class=\"note\">[{}, {}]</span>", format_number(s.mean), format_number(s.std),
                     format_number(s.mean - s.ci_half_width), format_number(s.mean + s.ci_half_width));
}

std::string mean_cell(const MetricResult* metric, bool best) {
  if (metric == nullptr) return "";
  const analysis::SampleSummary& s = best ? metric->best : metric->final;
  return s.n == 0 ? std::string(kNotRecorded) : format_number(s.mean);
}

// "1 of 2 finished: <reason>", as the printed table words it; "" when every trial finished.
std::string note(const ResultRow& row) {
  if (row.finished >= row.trials) return "";
  std::string text = fmt::format("{} of {} finished", row.finished, row.trials);
  if (!row.reason.empty()) {
    text += ": ";
    text += row.reason;
  }
  return escape_html(text);
}

// "seed 3 finished", linked to the trial's report when there is one.
std::string trial_entry(const TrialOutcome& t, const std::string& link_prefix) {
  const StatusLabel status = status_label(t.status);
  const std::string label = fmt::format("seed {}", t.trial.seed);
  const std::string name = escape_html(t.trial.name);
  const std::string link =
      std::filesystem::is_regular_file(t.folder / "report.html")
          ? fmt::format("<a href=\"{}\" title=\"{}\">{}</a>", escape_html(link_prefix + trial_report_href(t)), name, label)
          : fmt::format("<span title=\"{}\">{}</span> <span class=\"none\">report not recorded</span>", name, label);
  return fmt::format("<div>{} <span class=\"status {}\" title=\"{}\">{}</span></div>", link, status.css,
                     escape_html(t.reason), status.text);
}

std::string trials_cell(const SweepOutcome& sweep, const std::string& configuration,
                        const std::string& link_prefix) {
  std::string html;
  for (const TrialOutcome& t : sweep.trials) {
    if (t.trial.configuration == configuration) html += trial_entry(t, link_prefix);
  }
  return html;
}

std::string header_row(const std::string& rank_by, const std::vector<std::string>& keys,
                       const std::vector<std::string>& tags) {
  std::string html = "<tr><th>rank</th><th>configuration</th>";
  for (const std::string& key : keys) html += "<th>" + escape_html(key) + "</th>";
  html += fmt::format("<th>n</th><th>{0} mean \u00b1 std [95 % CI]</th><th>best {0}</th>", escape_html(rank_by));
  for (const std::string& tag : tags) html += "<th>" + escape_html(tag) + "</th>";
  return html + "<th>parameters</th><th>seconds</th><th>steps/epoch</th><th>notes</th><th>trials</th></tr>";
}

std::string row_html(const SweepOutcome& sweep, const ResultRow& row, const std::vector<std::string>& keys,
                     const std::vector<std::string>& tags, const std::string& link_prefix) {
  std::string html = fmt::format("<tr><td>{}</td><td>{}</td>", row.rank, escape_html(row.configuration));
  for (const std::string& key : keys) {
    const auto found =
        std::find_if(row.settings.begin(), row.settings.end(), [&](const auto& s) { return s.first == key; });
    html += "<td>" + (found == row.settings.end() ? std::string() : escape_html(found->second)) + "</td>";
  }
  const MetricResult* ranked = row.metrics.empty() ? nullptr : &row.metrics.front();
  html += fmt::format("<td>{}</td><td>{}</td><td>{}</td>", ranked ? ranked->final.n : 0,
                      ranked ? summary_cell(ranked->final) : kNotRecorded, mean_cell(ranked, true));
  for (const std::string& tag : tags) html += "<td>" + mean_cell(find_metric(row, tag), false) + "</td>";
  html += fmt::format("<td>{}</td><td>{}</td><td>{}</td>",
                      row.parameters > 0 ? format_number(static_cast<double>(row.parameters), 12) : kNotRecorded,
                      std::isfinite(row.seconds.mean) ? fmt::format("{:.1f}", row.seconds.mean) : kNotRecorded,
                      std::isfinite(row.steps_per_epoch) ? format_number(row.steps_per_epoch, 6) : kNotRecorded);
  return html + fmt::format("<td class=\"wrap\">{}</td><td class=\"wrap\">{}</td></tr>\n", note(row),
                            trials_cell(sweep, row.configuration, link_prefix));
}

}  // namespace

StatusLabel status_label(TrialStatus status) {
  switch (status) {
    case TrialStatus::finished: return {"finished", "ok"};
    case TrialStatus::diverged: return {"diverged", "bad"};
    case TrialStatus::failed: return {"failed", "bad"};
    case TrialStatus::pruned: return {"pruned", "warn"};
    case TrialStatus::not_run: return {"not run", "warn"};
    // A status added later shows as "other" until it gets its own case here.
    default: return {"other", "warn"};
  }
}

std::string trial_report_href(const TrialOutcome& trial) {
  std::string href = "trials/";
  href += report::escape_url_segment(trial.trial.name);
  href += "/report.html";
  return href;
}

std::string overview_section(const SweepOutcome& sweep, const std::vector<ResultRow>& rows) {
  std::vector<std::pair<std::string, std::int64_t>> counts;
  for (const char* status : kStatusOrder) counts.emplace_back(status, 0);
  for (const TrialOutcome& t : sweep.trials) {
    const std::string text = status_label(t.status).text;
    const auto found = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == text; });
    if (found == counts.end()) {
      counts.emplace_back(text, 1);
    } else {
      ++found->second;
    }
  }
  std::string html = "<table class=\"kv\">\n";
  html += kv_row("configurations", std::to_string(rows.size()));
  html += kv_row("trials", std::to_string(sweep.trials.size()));
  for (const auto& [status, count] : counts) html += kv_row(status, std::to_string(count));
  // collect_results's rule: an accuracy is maximised, anything else minimised.
  html += kv_row("rank_by", escape_html(sweep.rank_by) +
                                (sweep.rank_by.ends_with("accuracy") ? " (higher is better)" : " (lower is better)"));
  if (sweep.interrupted) html += kv_row("interrupted", "yes: <code>nnlab sweep --resume</code> runs the rest");
  html += "</table>\n";
  if (std::filesystem::is_regular_file(sweep.folder / "results.csv")) {
    html += "<p>Every number of the table below: <a href=\"results.csv\">results.csv</a>.</p>\n";
  }
  return html;
}

std::string results_section(const SweepOutcome& sweep, const std::vector<ResultRow>& rows,
                            const std::string& link_prefix) {
  if (rows.empty()) return "<p class=\"none\">No trials planned.</p>\n";
  const std::vector<std::string> keys = setting_keys(rows);
  const std::vector<std::string> tags = other_tags(rows);
  // [sweep] top = N: the best N rows first, the others in a folded table below them.
  const std::size_t shown = sweep.top > 0 ? std::min(rows.size(), static_cast<std::size_t>(sweep.top)) : rows.size();
  const auto table = [&](std::size_t begin, std::size_t end, const char* id) {
    std::string html = fmt::format("<div class=\"scroll\"><table id=\"{}\"><thead>", id) +
                       header_row(sweep.rank_by, keys, tags) + "</thead>\n<tbody>\n";
    for (std::size_t i = begin; i < end; ++i) html += row_html(sweep, rows[i], keys, tags, link_prefix);
    return html + "</tbody></table></div>\n";
  };
  if (shown == rows.size()) return table(0, rows.size(), "results");
  return fmt::format("<p>The best {} of {} configurations by {} (top = {}):</p>\n", shown, rows.size(),
                     escape_html(sweep.rank_by), sweep.top) +
         table(0, shown, "results") +
         fmt::format("<details><summary>The other {} configurations</summary>\n", rows.size() - shown) +
         table(shown, rows.size(), "results-rest") + "</details>\n";
}

}  // namespace nnlab::lab
