#include "nnlab/report/html_charts.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "nnlab/report/html_escape.h"
#include "nnlab/report/scalar_groups.h"

namespace nnlab::report {
namespace {

using Json = nlohmann::ordered_json;

Json number_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

std::string last_component(const std::string& tag) {
  const std::size_t slash = tag.rfind('/');
  return slash == std::string::npos ? tag : tag.substr(slash + 1);
}

// The default smoothing window: about a twentieth of the longest series, between 2 and 100.
std::int64_t default_window(std::size_t points) {
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(points / 20), 2, 100);
}

std::string chart_card(const std::string& id, const std::string& title, const std::string& controls) {
  return fmt::format(
      "<div class=\"chart-card\"><div class=\"chart-head\"><h3>{0}</h3>{1}</div>"
      "<div class=\"chart-box\"><canvas id=\"{2}\" role=\"img\" aria-label=\"{0}\"></canvas></div></div>\n",
      escape_html(title), controls, id);
}

std::string line_controls(std::int64_t window) {
  return fmt::format(
      "<div class=\"controls\"><label><input type=\"checkbox\" class=\"smooth\"> smooth: moving average of "
      "<input type=\"number\" class=\"window\" value=\"{}\" min=\"1\" step=\"1\" aria-label=\"smoothing window\"> "
      "points</label><label><input type=\"checkbox\" class=\"logy\"> log y</label></div>",
      window);
}

using SeriesByTag = std::unordered_map<std::string, std::vector<const train::ScalarRecord*>>;

// One chart per scalar group: its tags' lines over epochs or steps.
Json line_chart(const ScalarGroup& group, const std::string& id, const SeriesByTag& by_tag, std::size_t& longest) {
  const bool mixed =
      std::any_of(group.tags.begin(), group.tags.end(), [](const std::string& t) { return last_component(t) != "lr"; });
  Json series = Json::array();
  for (const std::string& tag : group.tags) {
    const std::vector<const train::ScalarRecord*>& records = by_tag.at(tag);
    longest = std::max(longest, records.size());
    // A learning rate beside losses or norms gets its own axis on the right: its scale differs.
    const bool right = mixed && group.tags.size() > 1 && last_component(tag) == "lr";
    series.push_back(line_series_json(tag, records, group.per_epoch, right));
  }
  const bool named = group.title == "loss" || group.title == "accuracy" || group.title == "lr";
  return line_chart_json(id, group.title, group.per_epoch, named ? group.title : "", std::move(series));
}

// A histogram's bucket as a short label: "0.25–0.5".
std::string bucket_label(double low, double high) {
  return fmt::format("{}\u2013{}", format_number(low, 3), format_number(high, 3));
}

Json bar_chart(const train::HistogramRecord& h, const std::string& id) {
  Json labels = Json::array(), counts = Json::array();
  for (std::size_t i = 0; i < h.counts.size() && i + 1 < h.edges.size(); ++i) {
    labels.push_back(bucket_label(h.edges[i], h.edges[i + 1]));
    counts.push_back(number_or_null(h.counts[i]));
  }
  return {{"id", id},
          {"kind", "bar"},
          {"title", h.tag},
          {"x_title", "value"},
          {"labels", std::move(labels)},
          {"counts", std::move(counts)}};
}

std::string histogram_note(const train::HistogramRecord& h) {
  const double mean = h.count > 0 ? h.sum / static_cast<double>(h.count) : std::nan("");
  return fmt::format("<div class=\"note\">epoch {}, step {}: {} values, mean {}, min {}, max {}</div>", h.epoch, h.step,
                     h.count, format_number(mean), format_number(h.min), format_number(h.max));
}

void add_histograms(const io::RunRecords& records, ReportCharts& charts) {
  std::vector<const train::HistogramRecord*> last;  // the last record of each tag, in order of first appearance
  for (const train::HistogramRecord& h : records.histograms) {
    if (names_a_parameter(h.tag)) continue;  // one per parameter: TensorBoard shows those
    auto found = std::find_if(last.begin(), last.end(), [&](const auto* seen) { return seen->tag == h.tag; });
    if (found == last.end())
      last.push_back(&h);
    else
      *found = &h;
  }
  for (const train::HistogramRecord* h : last) {
    const std::string id = fmt::format("chart-{}", ++charts.count);
    charts.spec["charts"].push_back(bar_chart(*h, id));
    std::string card = chart_card(id, h->tag, "");
    card.insert(card.find("<div class=\"chart-box\">"), histogram_note(*h));
    charts.histograms_html += card;
  }
}

}  // namespace

Json line_series_json(const std::string& label, const std::vector<const train::ScalarRecord*>& records, bool per_epoch,
                      bool right) {
  Json x = Json::array(), y = Json::array();
  for (const train::ScalarRecord* r : records) {
    x.push_back(per_epoch ? r->epoch : r->step);
    y.push_back(number_or_null(r->value));
  }
  return {{"label", label}, {"x", std::move(x)}, {"y", std::move(y)}, {"right", right}};
}

Json line_chart_json(const std::string& id, const std::string& title, bool per_epoch, const std::string& y_title,
                     Json series) {
  return {{"id", id},           {"kind", "line"},
          {"title", title},     {"x_title", per_epoch ? "epoch" : "step"},
          {"y_title", y_title}, {"series", std::move(series)}};
}

std::string line_chart_card(const std::string& id, const std::string& title, std::size_t longest) {
  return chart_card(id, title, line_controls(default_window(longest)));
}

ReportCharts build_charts(const io::RunRecords& records) {
  ReportCharts charts;
  charts.spec = {{"charts", Json::array()}};
  SeriesByTag by_tag;
  for (const train::ScalarRecord& r : records.scalars) by_tag[r.tag].push_back(&r);
  for (const ScalarGroup& group : scalar_groups(records)) {
    const std::string id = fmt::format("chart-{}", ++charts.count);
    std::size_t longest = 0;
    charts.spec["charts"].push_back(line_chart(group, id, by_tag, longest));
    charts.curves_html += line_chart_card(id, group.title, longest);
  }
  charts.curves_html = charts.curves_html.empty() ? "<p class=\"none\">No scalars recorded yet.</p>\n"
                                                  : "<div class=\"charts\">\n" + charts.curves_html + "</div>\n";
  add_histograms(records, charts);
  if (!charts.histograms_html.empty())
    charts.histograms_html = "<div class=\"charts\">\n" + charts.histograms_html + "</div>\n";
  return charts;
}

}  // namespace nnlab::report
