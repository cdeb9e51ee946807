// The playground's run folder: settings, tables and charts; see optimize_outputs.h.
#include "nnlab/lab/optimize_outputs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/report/contour_chart.h"
#include "nnlab/report/line_chart.h"

namespace nnlab::lab {
namespace {

using analysis::Point2D;

constexpr std::size_t kCsvPoints = 2000;    // rows of paths.csv per optimiser
constexpr std::size_t kLinePoints = 2000;   // points per line in the distance and value charts
constexpr std::size_t kPathPoints = 20000;  // at most, per path in the contour chart
// A path point is drawn when it lies this share of the window's width or height from the last
// drawn one: under a pixel, so zig-zags stay visible while long, slow paths lose their bulk.
constexpr double kPathResolution = 1.0 / 1500;
constexpr std::int64_t kGridColumns = 121;
constexpr std::int64_t kGridRows = 101;
constexpr int kContourLevels = 20;
// Wider than report/'s default: the legend names each optimiser with its settings, and the plot
// beside it should stay about square.
constexpr report::ChartSize kContourSize{.width = 1280, .height = 800};
constexpr report::ChartSize kLineSize{.width = 1200, .height = 640};
// Distances are drawn on a log axis; one of exactly 0 is drawn at this floor.
constexpr double kDistanceFloor = 1e-16;

std::string settings_text(const io::OptimizerSpec& spec) {
  std::string text;
  for (const auto& [key, value] : spec.effective()) text += fmt::format("{}{}={}", text.empty() ? "" : " ", key, value);
  return text;
}

// The chart name of a run: its label, and where it diverged.
std::string run_name(const OptimizerRun& run) {
  if (!run.descent.diverged) return run.spec.label;
  return fmt::format("{} (diverged at step {})", run.spec.label, run.descent.diverged_at);
}

// The last recorded value of a path, or NaN for a run that diverged at its start.
double last(const std::vector<double>& values) {
  return values.empty() ? std::numeric_limits<double>::quiet_NaN() : values.back();
}

void write_results_csv(const PlaygroundOutcome& outcome, const std::filesystem::path& path) {
  std::string text = "optimizer,name,settings,final_x,final_y,final_f,distance,gradient_norm,steps_run,status\n";
  for (const OptimizerRun& run : outcome.runs) {
    const analysis::Descent& d = run.descent;
    text += fmt::format("{},{},{},{},{},{},{},{},{},{}\n", io::csv_field(run.spec.label), run.spec.name,
                        io::csv_field(settings_text(run.spec)), last(d.x), last(d.y), last(d.value), run.distance,
                        d.gradient_norm, d.steps_run, io::csv_field(run.status()));
  }
  io::write_file_atomically(path.string(), text);
}

void write_paths_csv(const PlaygroundOutcome& outcome, const std::filesystem::path& path) {
  std::string text = "optimizer,step,x,y,f,distance\n";
  for (const OptimizerRun& run : outcome.runs) {
    const analysis::Descent& d = run.descent;
    const std::string name = io::csv_field(run.spec.label);
    for (const std::size_t i : thin_steps(d.steps, kCsvPoints)) {
      const double distance = distance_to_nearest({d.x[i], d.y[i]}, outcome.function.minima);
      text += fmt::format("{},{},{},{},{},{}\n", name, d.steps[i], d.x[i], d.y[i], d.value[i], distance);
    }
  }
  io::write_file_atomically(path.string(), text);
}

struct Box {
  double x_min = std::numeric_limits<double>::infinity();
  double x_max = -std::numeric_limits<double>::infinity();
  double y_min = std::numeric_limits<double>::infinity();
  double y_max = -std::numeric_limits<double>::infinity();

  void add(double x, double y) {
    x_min = std::min(x_min, x);
    x_max = std::max(x_max, x);
    y_min = std::min(y_min, y);
    y_max = std::max(y_max, y);
  }
  bool holds(double x, double y) const { return x >= x_min && x <= x_max && y >= y_min && y <= y_max; }
  // Each side moved out by `share` of the box's size (1 where the size is 0).
  Box grown(double share) const {
    const double w = x_max > x_min ? x_max - x_min : 1.0;
    const double h = y_max > y_min ? y_max - y_min : 1.0;
    return {x_min - share * w, x_max + share * w, y_min - share * h, y_max + share * h};
  }
};

// Indices of the path points to draw: those at least kPathResolution of the window from the last
// one drawn, then every k-th of them if still more than kPathPoints.
std::vector<std::size_t> drawn_points(const analysis::Descent& d, const std::array<double, 4>& window) {
  const double min_dx = (window[1] - window[0]) * kPathResolution;
  const double min_dy = (window[3] - window[2]) * kPathResolution;
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < d.x.size(); ++i) {
    const bool last = i + 1 == d.x.size();
    if (kept.empty() || last || std::abs(d.x[i] - d.x[kept.back()]) >= min_dx ||
        std::abs(d.y[i] - d.y[kept.back()]) >= min_dy) {
      kept.push_back(i);
    }
  }
  if (kept.size() <= kPathPoints) return kept;
  std::vector<std::size_t> fewer;
  const std::size_t stride = (kept.size() + kPathPoints - 1) / kPathPoints;
  for (std::size_t j = 0; j < kept.size(); j += stride) fewer.push_back(kept[j]);
  if (fewer.back() != kept.back()) fewer.push_back(kept.back());
  return fewer;
}

std::string point_text(Point2D p) { return fmt::format("({:.4g}, {:.4g})", p.x, p.y); }

// f on the window's grid, made drawable with log levels: non-finite values become the largest
// finite one, and where f reaches 0 or below, everything is shifted above 0. Returns the colour
// bar's label, or "" when f has fewer than two distinct finite values there.
std::string sample_grid(const analysis::Expression& expression, report::GridFunction& grid) {
  const std::int64_t n = grid.columns * grid.rows;
  Tensor x = Tensor::empty({grid.rows, grid.columns}, DType::f64);
  Tensor y = Tensor::empty({grid.rows, grid.columns}, DType::f64);
  double* px = x.data<double>();
  double* py = y.data<double>();
  for (std::int64_t r = 0; r < grid.rows; ++r) {
    for (std::int64_t c = 0; c < grid.columns; ++c) {
      px[r * grid.columns + c] = grid.x_min + (grid.x_max - grid.x_min) * static_cast<double>(c) / (grid.columns - 1);
      py[r * grid.columns + c] = grid.y_min + (grid.y_max - grid.y_min) * static_cast<double>(r) / (grid.rows - 1);
    }
  }
  NoGradGuard no_grad;
  grid.values = analysis::evaluate(expression, x, y).to_vector<double>();
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (const double v : grid.values) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(lo < hi)) return {};
  // 1e-6 of the range: where f reaches exactly 0 (at a minimum on the grid) the lowest level
  // still sits six decades under the highest.
  const double shift = lo > 0 ? 0.0 : -lo + (hi - lo) * 1e-6;
  for (std::int64_t i = 0; i < n; ++i) {
    double& v = grid.values[i];
    v = (std::isfinite(v) ? v : hi) + shift;
  }
  return shift == 0.0 ? std::string("f(x, y)") : fmt::format("f(x, y) + {:.3g}", shift);
}

std::string contour_chart(const PlaygroundOutcome& outcome, const std::array<double, 4>& window,
                          const std::filesystem::path& path) {
  report::ContourChart chart{.title = fmt::format("{} from {}", outcome.function.name, point_text(outcome.start)),
                             .x_label = "x",
                             .y_label = "y",
                             .function = {.x_min = window[0],
                                          .x_max = window[1],
                                          .y_min = window[2],
                                          .y_max = window[3],
                                          .columns = kGridColumns,
                                          .rows = kGridRows},
                             .levels = kContourLevels,
                             .log_levels = true,
                             .size = kContourSize};
  chart.value_label = sample_grid(outcome.function.expression, chart.function);
  if (chart.value_label.empty()) return "contour: f is constant or not finite anywhere in the window";
  for (const OptimizerRun& run : outcome.runs) {
    report::Path p{.name = run_name(run)};
    for (const std::size_t i : drawn_points(run.descent, window)) {
      p.x.push_back(run.descent.x[i]);
      p.y.push_back(run.descent.y[i]);
    }
    chart.paths.push_back(std::move(p));
  }
  chart.marks.push_back({.x = outcome.start.x,
                         .y = outcome.start.y,
                         .label = fmt::format("start {}", point_text(outcome.start)),
                         .shape = report::MarkedPoint::Shape::disc});
  for (const Point2D& m : outcome.function.minima) {
    chart.marks.push_back({.x = m.x, .y = m.y, .label = fmt::format("minimum {}", point_text(m))});
  }
  report::plot_contours(path, chart);
  return {};
}

// One line per run of `of` (a point's distance or value) over the steps, thinned. With log_x
// the start (step 0) is left out; a run with nothing left is not drawn.
template <typename Of>
std::vector<report::Series> step_series(const PlaygroundOutcome& outcome, bool log_x, const Of& of) {
  std::vector<report::Series> series;
  for (const OptimizerRun& run : outcome.runs) {
    report::Series s{.name = run_name(run)};
    for (const std::size_t i : thin_steps(run.descent.steps, kLinePoints)) {
      if (log_x && run.descent.steps[i] == 0) continue;
      s.x.push_back(static_cast<double>(run.descent.steps[i]));
      s.y.push_back(of(run.descent, i));
    }
    if (!s.x.empty()) series.push_back(std::move(s));
  }
  return series;
}

std::string distance_chart(const PlaygroundOutcome& outcome, const std::filesystem::path& path) {
  const std::vector<Point2D>& minima = outcome.function.minima;
  if (minima.empty()) return "distance: no known minimum (give --minimum X,Y to draw it)";
  const bool log_x = outcome.steps >= 100;
  report::LineChart chart{.title = minima.size() == 1 ? fmt::format("Distance to the minimum {}", point_text(minima[0]))
                                                      : std::string("Distance to the nearest minimum"),
                          .x_label = "step",
                          .y_label = "distance (log scale)",
                          .series = step_series(outcome, log_x,
                                                [&](const analysis::Descent& d, std::size_t i) {
                                                  const double dist = distance_to_nearest({d.x[i], d.y[i]}, minima);
                                                  return std::max(dist, kDistanceFloor);
                                                }),
                          .log_x = log_x,
                          .log_y = true,
                          .size = kLineSize};
  if (chart.series.empty()) return "distance: no run went past its start";
  report::plot_lines(path, chart);
  return {};
}

std::string value_chart(const PlaygroundOutcome& outcome, const std::filesystem::path& path) {
  const bool log_x = outcome.steps >= 100;
  std::vector<report::Series> series =
      step_series(outcome, log_x, [](const analysis::Descent& d, std::size_t i) { return d.value[i]; });
  if (series.empty()) return "value: no run went past its start";
  bool positive = true;
  for (const report::Series& s : series) {
    for (const double v : s.y) positive = positive && (!std::isfinite(v) || v > 0);
  }
  report::LineChart chart{.title = "f per step",
                          .x_label = "step",
                          .y_label = positive ? "f (log scale)" : "f",
                          .series = std::move(series),
                          .log_x = log_x,
                          .log_y = positive,
                          .size = kLineSize};
  report::plot_lines(path, chart);
  return {};
}

}  // namespace

std::vector<std::size_t> thin_steps(const std::vector<std::int64_t>& steps, std::size_t count) {
  std::vector<std::size_t> indices;
  if (steps.size() <= count || count < 4) {
    for (std::size_t i = 0; i < steps.size(); ++i) indices.push_back(i);
    return indices;
  }
  const std::size_t half = count / 2;
  const double last = static_cast<double>(steps.back());
  auto nearest = [&](double step) {
    const auto at = std::lower_bound(steps.begin(), steps.end(), static_cast<std::int64_t>(std::llround(step)));
    return static_cast<std::size_t>(std::min<std::ptrdiff_t>(at - steps.begin(), steps.size() - 1));
  };
  for (std::size_t i = 0; i < half; ++i) {
    const double t = static_cast<double>(i) / static_cast<double>(half - 1);
    indices.push_back(nearest(last * t));
    indices.push_back(nearest(std::expm1(std::log1p(last) * t)));
  }
  indices.push_back(0);
  indices.push_back(steps.size() - 1);
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

std::array<double, 4> playground_window(const PlaygroundOutcome& outcome, bool window_given) {
  const auto& given = outcome.function.window;
  if (window_given && given) return *given;
  Box box;
  if (given) {
    box.add((*given)[0], (*given)[2]);
    box.add((*given)[1], (*given)[3]);
  }
  box.add(outcome.start.x, outcome.start.y);
  for (const Point2D& m : outcome.function.minima) box.add(m.x, m.y);
  box = box.grown(0.05);
  // Path points up to three window sizes away widen the window; farther ones are clipped.
  const Box reach = box.grown(3.0);
  for (const OptimizerRun& run : outcome.runs) {
    for (std::size_t i = 0; i < run.descent.x.size(); ++i) {
      if (reach.holds(run.descent.x[i], run.descent.y[i])) box.add(run.descent.x[i], run.descent.y[i]);
    }
  }
  box = box.grown(0.03);
  return {box.x_min, box.x_max, box.y_min, box.y_max};
}

PlaygroundFiles write_playground_outputs(const PlaygroundOutcome& outcome, const io::OptimizeConfig& config,
                                         const std::filesystem::path& folder) {
  PlaygroundFiles written;
  io::OptimizeConfig settings = config;
  settings.start = outcome.start;
  settings.optimizers.clear();
  for (const OptimizerRun& run : outcome.runs) settings.optimizers.push_back(run.spec);
  io::write_file_atomically((folder / "config.toml").string(), io::to_toml(settings));
  written.files.push_back(folder / "config.toml");
  write_results_csv(outcome, folder / "results.csv");
  written.files.push_back(folder / "results.csv");
  write_paths_csv(outcome, folder / "paths.csv");
  written.files.push_back(folder / "paths.csv");
  const std::array<double, 4> window = playground_window(outcome, config.window.has_value());
  const std::pair<std::string, std::string> charts[] = {
      {"contour", contour_chart(outcome, window, folder / "contour")},
      {"distance", distance_chart(outcome, folder / "distance")},
      {"value", value_chart(outcome, folder / "value")},
  };
  for (const auto& [name, note] : charts) {
    if (!note.empty()) {
      written.notes.push_back(note);
      continue;
    }
    written.files.push_back(folder / fmt::format("{}.png", name));
    written.files.push_back(folder / fmt::format("{}.svg", name));
  }
  return written;
}

}  // namespace nnlab::lab
