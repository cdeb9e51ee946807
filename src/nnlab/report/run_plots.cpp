#include "nnlab/report/run_plots.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "nnlab/io/metrics_log.h"
#include "nnlab/report/heat_map.h"
#include "nnlab/report/histogram_chart.h"
#include "nnlab/report/html_report.h"
#include "nnlab/report/image_grid.h"
#include "nnlab/report/line_chart.h"
#include "nnlab/report/scalar_groups.h"

namespace nnlab::report {
namespace {

using io::RunRecords;

// One series per tag that has any finite value, x = epoch or step.
std::vector<Series> series_of(const RunRecords& records, const std::vector<std::string>& tags, bool by_step,
                              const std::string& strip_prefix = "") {
  std::vector<Series> out;
  for (const std::string& tag : tags) {
    Series series{.name = tag.substr(std::min(strip_prefix.size(), tag.size())), .x = {}, .y = {}};
    for (const auto& r : records.series(tag)) {
      series.x.push_back(static_cast<double>(by_step ? r.step : r.epoch));
      series.y.push_back(r.value);
    }
    if (std::any_of(series.y.begin(), series.y.end(), [](double v) { return std::isfinite(v); })) {
      out.push_back(std::move(series));
    }
  }
  return out;
}

std::vector<std::string> tags_with_prefix(const RunRecords& records, const std::string& prefix) {
  std::vector<std::string> tags;
  for (const std::string& tag : records.scalar_tags()) {
    if (tag.starts_with(prefix)) tags.push_back(tag);
  }
  return tags;
}

bool all_positive(const std::vector<Series>& series) {
  for (const Series& s : series) {
    for (double v : s.y) {
      if (std::isfinite(v) && v <= 0) return false;
    }
  }
  return true;
}

// A file name from a tag: "true_class_probability/correct" -> "true_class_probability_correct".
std::string file_stem(std::string tag) {
  std::replace_if(
      tag.begin(), tag.end(),
      [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_'; }, '_');
  return tag;
}

class Plotter {
 public:
  Plotter(const std::filesystem::path& dir, const RunRecords& records) : dir_(dir), records_(records) {}

  void lines(const std::string& stem, LineChart chart) {
    if (chart.series.empty()) return;
    chart.log_y = chart.log_y && all_positive(chart.series);
    written_.push_back(plot_lines(dir_ / stem, chart));
  }
  void curves();
  void gradient_norms();
  void heat_maps();
  void histograms();
  void images();

  std::vector<ChartFiles> written_;

 private:
  std::filesystem::path dir_;
  const RunRecords& records_;
};

void Plotter::curves() {
  const RunRecords& r = records_;
  lines("loss", {.title = "Loss",
                 .x_label = "epoch",
                 .y_label = "loss",
                 .series = series_of(r, {"train/loss", "val/loss", "test/loss"}, false),
                 .log_y = false,
                 .markers = true});
  lines("accuracy", {.title = "Accuracy",
                     .x_label = "epoch",
                     .y_label = "accuracy (fraction correct)",
                     .series = series_of(r, {"train/accuracy", "val/accuracy", "test/accuracy"}, false),
                     .markers = true});
  const std::vector<Series> lr = series_of(r, {"lr"}, false);
  if (!lr.empty() && std::adjacent_find(lr[0].y.begin(), lr[0].y.end(), std::not_equal_to<>()) != lr[0].y.end()) {
    lines("lr", {.title = "Learning rate",
                 .x_label = "epoch",
                 .y_label = "learning rate",
                 .series = lr,
                 .log_y = true,
                 .markers = true});
  }
  lines("step_loss", {.title = "Loss of every optimiser step",
                      .x_label = "step",
                      .y_label = "batch loss",
                      .series = series_of(r, {"step/loss"}, true)});
  std::vector<std::string> weight_tags = tags_with_prefix(r, "weight_norm/layer/");
  weight_tags.push_back("weight_norm/total");
  lines("weight_norm", {.title = "Weight norms (L2 / Frobenius)",
                        .x_label = "epoch",
                        .y_label = "norm",
                        .series = series_of(r, weight_tags, false, "weight_norm/"),
                        .markers = true});
  lines("sensitivity", {.title = "Input sensitivity: mean ||d loss / d input||",
                        .x_label = "epoch",
                        .y_label = "mean gradient norm",
                        .series = series_of(r, tags_with_prefix(r, "sensitivity/"), false),
                        .markers = true});
  if (!r.snapshots.empty()) {
    std::map<std::string, Series> info;
    for (const auto& snapshot : r.snapshots) {
      for (const auto& [name, value] : snapshot.info) {
        Series& s = info[name];
        s.name = name;
        s.x.push_back(static_cast<double>(snapshot.step));
        s.y.push_back(value);
      }
    }
    for (auto& [name, series] : info) {
      lines("snapshots_" + name, {.title = fmt::format("Snapshots: {} on the probe data", name),
                                  .x_label = "step",
                                  .y_label = name,
                                  .series = {series},
                                  .markers = true});
    }
  }
}

// The norm of every layer against its index, at four steps spread over the run (E6).
std::vector<Series> norms_by_layer(const RunRecords& r, const std::vector<std::string>& layer_tags) {
  std::set<std::int64_t> steps;
  for (const auto& record : r.series(layer_tags.front())) steps.insert(record.step);
  const std::vector<std::int64_t> all(steps.begin(), steps.end());
  std::set<std::int64_t> chosen;
  for (double f : {0.0, 1.0 / 3, 2.0 / 3, 1.0})
    chosen.insert(all[static_cast<std::size_t>(f * static_cast<double>(all.size() - 1))]);
  std::vector<Series> out;
  for (std::int64_t step : chosen) {
    Series s{.name = fmt::format("step {}", step), .x = {}, .y = {}};
    for (std::size_t i = 0; i < layer_tags.size(); ++i) {
      for (const auto& record : r.series(layer_tags[i])) {
        if (record.step == step) {
          s.x.push_back(static_cast<double>(i));
          s.y.push_back(record.value);
        }
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

void Plotter::gradient_norms() {
  const RunRecords& r = records_;
  const std::vector<std::string> layers = tags_with_prefix(r, "grad_norm/layer/");
  if (layers.empty()) return;
  std::vector<std::string> tags = layers;
  tags.push_back("grad_norm/total");
  lines("grad_norm", {.title = "Gradient norms per layer",
                      .x_label = "step",
                      .y_label = "L2 norm of the gradient",
                      .series = series_of(r, tags, true, "grad_norm/"),
                      .log_y = true});
  lines("grad_norm_by_layer", {.title = "Gradient norm of every layer (0 = first)",
                               .x_label = "layer index",
                               .y_label = "L2 norm of the gradient",
                               .series = norms_by_layer(r, layers),
                               .log_y = true,
                               .markers = true});
  const std::vector<Series> total = series_of(r, {"grad_norm/total"}, true);
  const std::vector<Series> loss = series_of(r, {"step/loss"}, true);
  if (!total.empty() && !loss.empty()) {
    written_.push_back(plot_two_axes(dir_ / "grad_norm_and_loss", {.title = "Gradient norm and loss per step",
                                                                   .x_label = "step",
                                                                   .left_label = "gradient norm (total)",
                                                                   .right_label = "batch loss",
                                                                   .left = total,
                                                                   .right = loss,
                                                                   .log_left = all_positive(total)}));
  }
}

void Plotter::heat_maps() {
  std::map<std::string, const train::HeatmapRecord*> last;  // the latest record of each tag
  for (const auto& h : records_.heatmaps) last[h.tag] = &h;
  for (const auto& [tag, h] : last) {
    const std::string title = fmt::format("{} (epoch {})", tag == "confusion" ? "Confusion matrix" : tag, h->epoch);
    if (h->categorical && h->extent) {
      ClassRegions chart{.title = title,
                         .x_label = h->x_title,
                         .y_label = h->y_title,
                         .x_min = h->extent->x_min,
                         .x_max = h->extent->x_max,
                         .y_min = h->extent->y_min,
                         .y_max = h->extent->y_max,
                         .columns = h->cols,
                         .rows = h->rows,
                         .classes = {},
                         .point_x = {},
                         .point_y = {},
                         .point_class = {},
                         .class_names = h->y_labels};
      for (double v : h->values) chart.classes.push_back(static_cast<std::int64_t>(v));
      for (const auto& p : h->points) {
        chart.point_x.push_back(p.x);
        chart.point_y.push_back(p.y);
        chart.point_class.push_back(p.label);
      }
      written_.push_back(plot_class_regions(dir_ / file_stem(tag), chart));
    } else {
      written_.push_back(plot_heat_map(dir_ / file_stem(tag), {.title = title,
                                                               .x_label = h->x_title,
                                                               .y_label = h->y_title,
                                                               .colour_label = "count",
                                                               .rows = h->rows,
                                                               .columns = h->cols,
                                                               .values = h->values,
                                                               .row_labels = h->y_labels,
                                                               .column_labels = h->x_labels}));
    }
  }
}

// Histograms grouped by the tag's first component, latest record of each tag; those of one
// parameter each (weights/..., gradients/..., for TensorBoard) are left out.
void Plotter::histograms() {
  std::map<std::string, std::map<std::string, const train::HistogramRecord*>> groups;
  for (const auto& h : records_.histograms) {
    if (!names_a_parameter(h.tag)) groups[h.tag.substr(0, h.tag.find('/'))][h.tag] = &h;
  }
  for (const auto& [group, tags] : groups) {
    HistogramChart chart{.title = fmt::format("{} (epoch {})", group, tags.begin()->second->epoch),
                         .x_label = group == "true_class_probability" ? "probability of the true class" : "value",
                         .series = {},
                         .fraction = false};
    double total = 0;
    for (const auto& [tag, h] : tags) {
      chart.series.push_back({.name = tag.substr(std::min(tag.size(), group.size() + 1)),
                              .values = {},
                              .edges = h->edges,
                              .counts = h->counts});
      for (double c : h->counts) total += c;
    }
    if (total > 0) written_.push_back(plot_histograms(dir_ / file_stem(group), chart));
  }
}

void Plotter::images() {
  std::map<std::string, const train::ImageRecord*> last;
  for (const auto& record : records_.images) last[record.tag] = &record;
  for (const auto& [tag, record] : last) {
    if (record->images.empty()) continue;
    const char* what = tag == "misclassified" ? " (true / predicted class)" : "";
    ImageGrid grid{.title = fmt::format("{}{}, epoch {}", tag, what, record->epoch), .images = {}};
    for (const train::Image& image : record->images) {
      grid.images.push_back({.height = image.height,
                             .width = image.width,
                             .channels = image.channels,
                             .pixels = image.pixels,
                             .caption = image.caption});
    }
    grid.columns = static_cast<int>(std::min<std::size_t>(grid.images.size(), tag == "weight_images" ? 5 : 6));
    written_.push_back(plot_image_grid(dir_ / file_stem(tag), grid));
  }
}

}  // namespace

std::vector<ChartFiles> draw_run_plots(const std::filesystem::path& run_dir) {
  const RunRecords records = io::read_run_records(run_dir);
  Plotter plotter(run_dir / "plots", records);
  plotter.curves();
  plotter.gradient_norms();
  plotter.heat_maps();
  plotter.histograms();
  plotter.images();
  return plotter.written_;
}

void write_run_report(const std::filesystem::path& run_dir) {
  draw_run_plots(run_dir);
  write_html_report(run_dir);
}

}  // namespace nnlab::report
