// Every chart kind drawn on realistic data, then read back: PNG size, ink, the series' colours,
// the SVG's title and legend names. NNLAB_PLOT_EXAMPLES=DIR keeps the charts in DIR.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnlab/core/error.h"
#include "nnlab/report/plot.h"
#include "report/plot_files.h"
#include "testing/asserts.h"

namespace nnlab::report {
namespace {

using testing::chart_folder;
using testing::expect_chart_files;
using testing::pixels_near;
using testing::read_png;
using testing::TempDir;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Series loss_curve(const std::string& name, double rate, int epochs) {
  Series s{.name = name, .x = {}, .y = {}};
  for (int e = 1; e <= epochs; ++e) {
    s.x.push_back(e);
    s.y.push_back(0.05 + 2.3 * std::exp(-rate * e) + 0.02 * std::sin(e * 1.7));
  }
  return s;
}

TEST(PlotLines, SeveralSeriesWithLegendAndGap) {
  TempDir temp;
  LineChart chart{.title = "Validation loss per learning rate",
                  .x_label = "epoch",
                  .y_label = "validation loss",
                  .series = {},
                  .log_x = false,
                  .log_y = true,
                  .markers = false,
                  .size = {}};
  const double rates[] = {1, 0.2, 0.01, 0.001};
  for (int i = 0; i < 4; ++i) {
    chart.series.push_back(loss_curve("lr = " + std::to_string(rates[i]).substr(0, 5), 0.05 + 0.3 * i, 40));
  }
  chart.series[0].y[10] = kNaN;  // a gap
  const ChartFiles files = plot_lines(chart_folder(temp) / "lines.png", chart);
  EXPECT_EQ(files.svg.filename(), "lines.svg");
  expect_chart_files(files, 960, 640, chart.title, {"lr = 1.000", "lr = 0.001", "epoch"});
  const auto image = read_png(files.png);
  for (int i = 0; i < 4; ++i) EXPECT_GT(pixels_near(image, palette_colour(i)), 150) << i;
}

TEST(PlotLines, OneSeriesWithMarkersHasNoLegend) {
  TempDir temp;
  LineChart chart{.title = "Train accuracy",
                  .x_label = "epoch",
                  .y_label = "accuracy",
                  .series = {{.name = "train", .x = {1, 2, 3, 4, 5}, .y = {0.5, 0.7, 0.8, 0.85, 0.87}}},
                  .log_x = false,
                  .log_y = false,
                  .markers = true,
                  .size = {.width = 900, .height = 600}};
  const ChartFiles files = plot_lines(chart_folder(temp) / "one_line", chart);
  expect_chart_files(files, 900, 600, chart.title, {"accuracy"});
  EXPECT_GT(pixels_near(read_png(files.png), palette_colour(0)), 200);
}

TEST(PlotLines, ErrorBarsAddInkAroundThePoints) {
  TempDir temp;
  LineChart chart{.title = "Accuracy against lr",
                  .x_label = "lr",
                  .y_label = "accuracy",
                  .series = {{.name = "mean", .x = {1, 2, 3}, .y = {0.5, 0.7, 0.6}, .error = {}}},
                  .markers = true};
  const std::int64_t plain = pixels_near(read_png(plot_lines(chart_folder(temp) / "plain", chart).png), palette_colour(0));
  chart.series[0].error = {0.1, 0.05, NAN};  // the third point has no bar
  const std::int64_t with_bars =
      pixels_near(read_png(plot_lines(chart_folder(temp) / "bars", chart).png), palette_colour(0));
  EXPECT_GT(with_bars, plain + 100);  // two bars of tens of pixels each, with caps
  chart.series[0].error = {0.1};
  expect_throw_with<ValueError>([&] { plot_lines(chart_folder(temp) / "bad", chart); },
                                "series 'mean' has 1 error bars for 3 points");
  chart.series[0].error = {0.1, -1, 0};
  expect_throw_with<ValueError>([&] { plot_lines(chart_folder(temp) / "bad", chart); },
                                "series 'mean' has an error bar of -1 (expected >= 0)");
}

TEST(PlotTwoAxes, LeftAndRightSeries) {
  TempDir temp;
  Series loss{.name = "loss", .x = {}, .y = {}}, norm{.name = "gradient norm", .x = {}, .y = {}};
  for (int i = 0; i < 200; ++i) {
    loss.x.push_back(i);
    loss.y.push_back(2.3 * std::exp(-i / 50.0) + 0.1);
    norm.x.push_back(i);
    norm.y.push_back(5.0 * std::exp(-i / 80.0) + 0.5 + 0.3 * std::sin(i / 3.0));
  }
  TwoAxisChart chart{.title = "Loss and gradient norm",
                     .x_label = "iteration",
                     .left_label = "loss",
                     .right_label = "gradient norm",
                     .left = {loss},
                     .right = {norm},
                     .log_x = false,
                     .log_left = false,
                     .log_right = true,
                     .size = {}};
  const ChartFiles files = plot_two_axes(chart_folder(temp) / "two_axes.svg", chart);
  expect_chart_files(files, 960, 640, chart.title, {"loss", "gradient norm", "iteration"});
  const auto image = read_png(files.png);
  EXPECT_GT(pixels_near(image, palette_colour(0)), 200);
  EXPECT_GT(pixels_near(image, palette_colour(1)), 100);
}

TEST(PlotScatter, ColouredPointsJoinedByGroup) {
  TempDir temp;
  ScatterChart chart{.title = "Weights in PCA space",
                     .x_label = "PC 1",
                     .y_label = "PC 2",
                     .colour_label = "accuracy",
                     .x = {},
                     .y = {},
                     .colour = {},
                     .group = {},
                     .size = {}};
  for (int run = 0; run < 5; ++run) {
    for (int step = 0; step < 12; ++step) {
      const double t = step / 11.0;
      chart.x.push_back(std::cos(run * 1.2) * (1 - t) * 3 + 0.1 * step);
      chart.y.push_back(std::sin(run * 1.2) * (1 - t) * 2 - 0.05 * step * run);
      chart.colour.push_back(0.1 + 0.85 * t);
      chart.group.push_back(run);
    }
  }
  const ChartFiles files = plot_scatter(chart_folder(temp) / "scatter", chart);
  expect_chart_files(files, 960, 640, chart.title, {"accuracy", "PC 1"});
  const auto image = read_png(files.png);
  EXPECT_GT(pixels_near(image, viridis(0.0), 20), 100);  // the colour bar's low end
  EXPECT_GT(pixels_near(image, viridis(1.0), 20), 100);
}

GridFunction rosenbrock(int n) {
  GridFunction f{.x_min = -2, .x_max = 2, .y_min = -1, .y_max = 3, .columns = n, .rows = n, .values = {}};
  for (int r = 0; r < n; ++r) {
    for (int c = 0; c < n; ++c) {
      const double x = -2 + 4.0 * c / (n - 1), y = -1 + 4.0 * r / (n - 1);
      f.values.push_back((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x));
    }
  }
  return f;
}

TEST(PlotContours, LogLevelsPathsAndMinimum) {
  TempDir temp;
  ContourChart chart{.title = "Optimisers on the Rosenbrock function",
                     .x_label = "x",
                     .y_label = "y",
                     .value_label = "f(x, y)",
                     .function = rosenbrock(120),
                     .levels = 14,
                     .log_levels = true,
                     .paths = {},
                     .marks = {{1, 1, "minimum (1, 1)"}},
                     .size = {}};
  const char* names[] = {"SGD", "momentum 0.9", "Adam"};
  for (int p = 0; p < 3; ++p) {
    Path path{.name = names[p], .x = {}, .y = {}};
    for (int i = 0; i <= 50; ++i) {
      const double t = i / 50.0;
      path.x.push_back(-1.5 + 2.5 * t + 0.3 * p * std::sin(6 * t));
      path.y.push_back(2.0 - 1.0 * t + 0.4 * p * std::sin(3 * t) * (1 - t));
    }
    chart.paths.push_back(path);
  }
  chart.paths[1].x[30] = kNaN;
  const ChartFiles files = plot_contours(chart_folder(temp) / "contours", chart);
  expect_chart_files(files, 960, 640, chart.title, {"SGD", "momentum 0.9", "Adam", "minimum (1, 1)"});
  const auto image = read_png(files.png);
  for (int p = 0; p < 3; ++p) EXPECT_GT(pixels_near(image, palette_colour(p)), 100) << p;
}

TEST(PlotHistograms, RawValuesAndReadyBuckets) {
  TempDir temp;
  HistogramSeries right{.name = "correctly classified", .values = {}, .edges = {}, .counts = {}};
  HistogramSeries wrong{.name = "misclassified", .values = {}, .edges = {}, .counts = {}};
  for (int i = 0; i < 2000; ++i) right.values.push_back(1.0 - std::pow((i % 97) / 97.0, 3) * 0.7);
  for (int i = 0; i < 150; ++i) wrong.values.push_back(0.05 + 0.5 * ((i * 37) % 100) / 100.0);
  HistogramChart chart{.title = "Probability of the true class",
                       .x_label = "p(true class)",
                       .y_label = "fraction of samples",
                       .series = {right, wrong},
                       .buckets = 25,
                       .range = std::pair{0.0, 1.0},
                       .fraction = true,
                       .style = HistogramStyle::filled,
                       .size = {}};
  const ChartFiles files = plot_histograms(chart_folder(temp) / "histograms", chart);
  expect_chart_files(files, 960, 640, chart.title, {"correctly classified", "misclassified"});
  const auto image = read_png(files.png);
  EXPECT_GT(pixels_near(image, palette_colour(0)), 200);
  EXPECT_GT(pixels_near(image, palette_colour(1)), 200);

  HistogramChart steps{
      .title = "Weights",
      .x_label = "value",
      .y_label = "count",
      .series = {{.name = "layer 0", .values = {}, .edges = {-1, -0.5, 0, 0.5, 1}, .counts = {3, 10, 12, 2}}},
      .buckets = 20,
      .range = std::nullopt,
      .fraction = false,
      .style = HistogramStyle::step,
      .size = {}};
  expect_chart_files(plot_histograms(chart_folder(temp) / "histogram_steps", steps), 960, 640, steps.title, {"value"});
}

TEST(PlotHeatMap, ConfusionMatrixWithValues) {
  TempDir temp;
  HeatMap chart{.title = "Confusion matrix",
                .x_label = "predicted class",
                .y_label = "true class",
                .colour_label = "count",
                .rows = 10,
                .columns = 10,
                .values = {},
                .row_labels = {},
                .column_labels = {},
                .show_values = true,
                .colour_range = std::nullopt,
                .size = {}};
  for (int r = 0; r < 10; ++r) {
    for (int c = 0; c < 10; ++c) chart.values.push_back(r == c ? 950 + 3 * r : (r * 7 + c * 3) % 13);
  }
  const ChartFiles files = plot_heat_map(chart_folder(temp) / "confusion", chart);
  expect_chart_files(files, 960, 640, chart.title, {"predicted class", "true class"});
  const auto image = read_png(files.png);
  EXPECT_GT(pixels_near(image, viridis(1.0), 10), 1000);  // the diagonal
  EXPECT_GT(pixels_near(image, viridis(0.0), 10), 5000);  // everything else
}

TEST(PlotClassRegions, ClassColoursAndPoints) {
  TempDir temp;
  ClassRegions chart{.title = "Decision regions",
                     .x_label = "x1",
                     .y_label = "x2",
                     .x_min = -1,
                     .x_max = 1,
                     .y_min = -1,
                     .y_max = 1,
                     .columns = 150,
                     .rows = 100,
                     .classes = {},
                     .point_x = {},
                     .point_y = {},
                     .point_class = {},
                     .class_names = {"circle", "ring", "outside"},
                     .size = {}};
  auto class_at = [](double x, double y) {
    const double r = std::hypot(x, y);
    return r < 0.4 ? 0 : r < 0.8 ? 1 : 2;
  };
  for (int r = 0; r < 100; ++r) {
    for (int c = 0; c < 150; ++c) {
      chart.classes.push_back(class_at(-1 + (c + 0.5) / 75.0, -1 + (r + 0.5) / 50.0));
    }
  }
  for (int i = 0; i < 60; ++i) {
    const double x = std::sin(i * 2.1) * 0.95, y = std::cos(i * 1.3) * 0.95;
    chart.point_x.push_back(x);
    chart.point_y.push_back(y);
    chart.point_class.push_back(class_at(x, y));
  }
  const ChartFiles files = plot_class_regions(chart_folder(temp) / "regions", chart);
  expect_chart_files(files, 960, 640, chart.title, {"circle", "ring", "outside"});
  const auto image = read_png(files.png);
  for (int k = 0; k < 3; ++k) {
    EXPECT_GT(pixels_near(image, region_colour(k), 4), 3000) << "region colour " << k;
    EXPECT_GT(pixels_near(image, palette_colour(k)), 60) << "point colour " << k;
  }
}

TEST(PlotImageGrid, GreyAndColourImagesWithCaptions) {
  TempDir temp;
  ImageGrid grid{.title = "Misclassified test samples", .images = {}, .columns = 8, .cell_pixels = 96};
  for (int i = 0; i < 64; ++i) {
    GridImage im{.height = 28,
                 .width = 28,
                 .channels = 1,
                 .pixels = {},
                 .caption = "true " + std::to_string(i % 10) + " / pred " + std::to_string((i + 3) % 10)};
    for (int p = 0; p < 28 * 28; ++p) {
      const int r = p / 28, c = p % 28;
      const bool stroke = std::abs(std::hypot(r - 14, c - 14) - 8 - i % 3) < 2;
      im.pixels.push_back(stroke ? 255 : 0);
    }
    grid.images.push_back(im);
  }
  const ChartFiles files = plot_image_grid(chart_folder(temp) / "image_grid", grid);
  expect_chart_files(files, 0, 0, grid.title, {"true 3 / pred 6"});
  const auto image = read_png(files.png);
  EXPECT_GE(image.width, 900);
  EXPECT_GT(pixels_near(image, {0, 0, 0}, 2), 64 * 60 * 60);  // black digit backgrounds

  ImageGrid colour{.title = "Weight rows as images", .images = {}, .columns = 5, .cell_pixels = 128};
  for (int k = 0; k < 10; ++k) {
    GridImage im{.height = 32, .width = 32, .channels = 3, .pixels = {}, .caption = "class " + std::to_string(k)};
    for (int p = 0; p < 32 * 32; ++p) {
      im.pixels.insert(im.pixels.end(), {std::uint8_t(p % 32 * 8), std::uint8_t(p / 32 * 8), std::uint8_t(k * 25)});
    }
    colour.images.push_back(im);
  }
  expect_chart_files(plot_image_grid(chart_folder(temp) / "image_grid_colour", colour), 0, 0, colour.title,
                     {"class 9"});
}

}  // namespace
}  // namespace nnlab::report
