#include "nnlab/report/html_tables.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "nnlab/report/html_escape.h"
#include "nnlab/report/scalar_groups.h"

namespace nnlab::report {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kNotRecorded = "<span class=\"none\">not recorded</span>";

// summary.json's value at `path` (keys), or nullptr when the file or any key is missing.
const Json* summary_at(const ReportInputs& inputs, std::initializer_list<const char*> path) {
  if (!inputs.summary.value) return nullptr;
  const Json* node = &*inputs.summary.value;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return nullptr;
    node = &(*node)[key];
  }
  return node;
}

std::optional<double> summary_number(const ReportInputs& inputs, std::initializer_list<const char*> path) {
  const Json* value = summary_at(inputs, path);
  return value != nullptr && value->is_number() ? std::optional<double>(value->get<double>()) : std::nullopt;
}

// The last value recorded under `tag`, if any.
std::optional<double> last_scalar(const io::RunRecords& records, const std::string& tag) {
  const auto found = std::find_if(records.scalars.rbegin(), records.scalars.rend(),
                                  [&](const train::ScalarRecord& r) { return r.tag == tag; });
  return found == records.scalars.rend() ? std::nullopt : std::optional<double>(found->value);
}

std::string cell(std::optional<double> value, bool percent) {
  if (!value) return kNotRecorded;
  if (percent && std::isfinite(*value)) return fmt::format("{:.2f} %", 100.0 * *value);
  return format_number(*value);
}

std::string kv_row(const std::string& key, const std::string& value_html) {
  return fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape_html(key), value_html);
}

std::string json_cell(const Json* value) { return value == nullptr ? kNotRecorded : escape_html(display_text(*value)); }

std::string final_table(const ReportInputs& inputs) {
  const bool from_summary = summary_at(inputs, {"final"}) != nullptr;
  std::string rows;
  for (const char* split : {"train", "val", "test"}) {
    std::optional<double> loss, accuracy;
    if (from_summary) {
      loss = summary_number(inputs, {"final", split, "loss"});
      accuracy = summary_number(inputs, {"final", split, "accuracy"});
    } else {
      loss = last_scalar(inputs.records, std::string(split) + "/loss");
      accuracy = last_scalar(inputs.records, std::string(split) + "/accuracy");
    }
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", split, cell(loss, false), cell(accuracy, true));
  }
  return fmt::format(
      "<div><h3>Final results</h3><table><thead><tr><th>split</th><th>loss</th><th>accuracy</th></tr></thead>\n"
      "<tbody>\n{}</tbody></table><p class=\"note\">{}</p></div>\n",
      rows,
      from_summary ? "From summary.json." : "From the last epoch recorded in metrics.jsonl (no summary.json yet).");
}

std::string dataset_text(const ReportInputs& inputs) {
  const Json* name = summary_at(inputs, {"dataset", "name"});
  if (name == nullptr) return kNotRecorded;
  std::string text = escape_html(display_text(*name));
  if (const Json* source = summary_at(inputs, {"dataset", "source"});
      source != nullptr && source->is_string() && !source->get<std::string>().empty()) {
    text += " <span class=\"note\">(" + escape_html(source->get<std::string>()) + ")</span>";
  }
  std::vector<std::string> sizes;
  for (const char* split : {"train", "val", "test"}) {
    if (const Json* size = summary_at(inputs, {"dataset", split}))
      sizes.push_back(fmt::format("{} {}", split, escape_html(display_text(*size))));
  }
  return sizes.empty() ? text : text + "<br>" + fmt::format("{}", fmt::join(sizes, ", "));
}

std::string facts_table(const ReportInputs& inputs) {
  std::int64_t last_epoch = 0;
  for (const train::ScalarRecord& r : inputs.records.scalars) last_epoch = std::max(last_epoch, r.epoch);
  std::string rows;
  if (const Json* message = summary_at(inputs, {"message"});
      message != nullptr && message->is_string() && !message->get<std::string>().empty()) {
    rows += kv_row("message", escape_html(message->get<std::string>()));
  }
  const Json* epochs = summary_at(inputs, {"epochs_completed"});
  rows += kv_row("epochs", epochs != nullptr ? json_cell(epochs)
                                             : (last_epoch > 0 ? fmt::format("{} so far", last_epoch) : kNotRecorded));
  rows += kv_row("best epoch", json_cell(summary_at(inputs, {"best_epoch"})));
  rows += kv_row("parameters", json_cell(summary_at(inputs, {"parameters"})));
  rows += kv_row("trainable parameters", json_cell(summary_at(inputs, {"trainable_parameters"})));
  rows += kv_row("dataset", dataset_text(inputs));
  if (!inputs.summary.error.empty()) rows += kv_row("summary.json", escape_html(inputs.summary.error));
  return "<div><h3>Run</h3><table class=\"kv\">\n" + rows + "</table></div>\n";
}

}  // namespace

std::string status_badge(const ReportInputs& inputs) {
  const Json* reason = summary_at(inputs, {"stop_reason"});
  if (reason == nullptr || !reason->is_string()) return "<span class=\"status running\">in progress</span>";
  const std::string text = reason->get<std::string>();
  const char* kind = text == "completed" ? "ok" : text == "non_finite_loss" ? "bad" : "warn";
  return fmt::format("<span class=\"status {}\">{}</span>", kind, escape_html(text));
}

std::string overview_section(const ReportInputs& inputs) {
  return "<div class=\"side-by-side\">\n" + final_table(inputs) + facts_table(inputs) + "</div>\n";
}

std::string epochs_section(const ReportInputs& inputs) {
  const EpochTable table = epoch_table(inputs.records);
  if (table.epochs.empty()) return "<p class=\"none\">No epoch has finished yet: not recorded.</p>\n";
  std::string html = "<div class=\"scroll\"><table><thead><tr><th>epoch</th>";
  for (const std::string& tag : table.tags) html += "<th>" + escape_html(tag) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (std::size_t row = 0; row < table.epochs.size(); ++row) {
    html += fmt::format("<tr><td>{}</td>", table.epochs[row]);
    for (double value : table.values[row])
      html += "<td>" + (std::isnan(value) ? std::string("\u2013") : format_number(value)) + "</td>";
    html += "</tr>\n";
  }
  return html + "</tbody></table></div>\n";
}

std::string timing_section(const ReportInputs& inputs) {
  const io::RunRecords& records = inputs.records;
  std::optional<double> seconds = summary_number(inputs, {"seconds"});
  if (!seconds) seconds = last_scalar(records, "time/seconds");
  std::optional<double> steps = summary_number(inputs, {"steps"});
  std::int64_t max_step = 0, epochs = 0;
  double epoch_seconds = 0.0;
  for (const train::ScalarRecord& r : records.scalars) {
    max_step = std::max(max_step, r.step);
    if (r.tag == "time/epoch_seconds") epoch_seconds += r.value, ++epochs;
  }
  if (!steps && max_step > 0) steps = static_cast<double>(max_step);
  const auto seconds_text = [](std::optional<double> s) {
    if (!s) return std::string(kNotRecorded);
    return *s >= 60 ? fmt::format("{:.1f} s ({:.0f} min {:.0f} s)", *s, std::floor(*s / 60), std::fmod(*s, 60))
                    : fmt::format("{:.2f} s", *s);
  };
  std::string rows = kv_row("total", seconds_text(seconds));
  rows += kv_row(
      "per epoch",
      seconds_text(epochs > 0 ? std::optional<double>(epoch_seconds / static_cast<double>(epochs)) : std::nullopt));
  rows += kv_row("steps", steps ? fmt::format("{:.0f}", *steps) : kNotRecorded);
  rows += kv_row("per step",
                 seconds && steps && *steps > 0 ? fmt::format("{:.3f} ms", 1000.0 * *seconds / *steps) : kNotRecorded);
  return "<table class=\"kv\">\n" + rows + "</table>\n";
}

}  // namespace nnlab::report
