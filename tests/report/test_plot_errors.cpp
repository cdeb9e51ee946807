// Bad input to each chart kind: the error type and the key words of its message, and no file
// left behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include <unistd.h>

#include "nnlab/core/error.h"
#include "nnlab/report/plot.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::report {
namespace {

using testing::TempDir;

LineChart two_points() {
  return {.title = "t",
          .x_label = "x",
          .y_label = "y",
          .series = {{.name = "a", .x = {1, 2}, .y = {1, 2}}},
          .log_x = false,
          .log_y = false,
          .markers = false,
          .size = {}};
}

TEST(PlotErrors, LinesRejectMismatchedLengths) {
  TempDir temp;
  LineChart chart = two_points();
  chart.series[0].y.push_back(3);
  expect_throw_with<ValueError>([&] { plot_lines(temp.path() / "c", chart); },
                                "series 'a' x and series 'a' y must have the same length, got 2 and 3");
  EXPECT_TRUE(std::filesystem::is_empty(temp.path()));
}

TEST(PlotErrors, LinesRejectNoSeries) {
  TempDir temp;
  LineChart chart = two_points();
  chart.series.clear();
  expect_throw_with<ValueError>([&] { plot_lines(temp.path() / "c", chart); }, "needs at least one series, got none");
}

TEST(PlotErrors, LinesRejectEmptySeries) {
  TempDir temp;
  LineChart chart = two_points();
  chart.series[0].x.clear();
  chart.series[0].y.clear();
  expect_throw_with<ValueError>([&] { plot_lines(temp.path() / "c", chart); }, "series 'a' must not be empty");
}

TEST(PlotErrors, LinesRejectNonPositiveOnLogAxis) {
  TempDir temp;
  LineChart chart = two_points();
  chart.log_y = true;
  chart.series[0].y[1] = 0.0;
  expect_throw_with<ValueError>([&] { plot_lines(temp.path() / "c", chart); },
                                "series 'a' y must be positive on a log axis, got 0 at index 1");
}

TEST(PlotErrors, LinesRejectAllNaN) {
  TempDir temp;
  LineChart chart = two_points();
  chart.series[0].y = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()};
  expect_throw_with<ValueError>([&] { plot_lines(temp.path() / "c", chart); },
                                "needs at least one point with finite x and y");
}

TEST(PlotErrors, TwoAxesRejectEmptySide) {
  TempDir temp;
  TwoAxisChart chart{.title = "t",
                     .x_label = "x",
                     .left_label = "l",
                     .right_label = "r",
                     .left = two_points().series,
                     .right = {},
                     .log_x = false,
                     .log_left = false,
                     .log_right = false,
                     .size = {}};
  expect_throw_with<ValueError>([&] { plot_two_axes(temp.path() / "c", chart); },
                                "needs series on both axes, got 1 left and 0 right");
}

TEST(PlotErrors, ScatterRejectsMismatchedColours) {
  TempDir temp;
  ScatterChart chart{.title = "t",
                     .x_label = "x",
                     .y_label = "y",
                     .colour_label = "c",
                     .x = {1, 2, 3},
                     .y = {1, 2, 3},
                     .colour = {1, 2},
                     .group = {},
                     .size = {}};
  expect_throw_with<ValueError>([&] { plot_scatter(temp.path() / "c", chart); },
                                "x and colour must have the same length, got 3 and 2");
}

TEST(PlotErrors, ContoursRejectWrongValueCount) {
  TempDir temp;
  ContourChart chart{
      .title = "t",
      .x_label = "x",
      .y_label = "y",
      .value_label = "f",
      .function = {.x_min = 0, .x_max = 1, .y_min = 0, .y_max = 1, .columns = 3, .rows = 2, .values = {1, 2, 3, 4, 5}},
      .levels = 5,
      .log_levels = false,
      .paths = {},
      .marks = {},
      .size = {}};
  expect_throw_with<ValueError>([&] { plot_contours(temp.path() / "c", chart); },
                                "values and columns * rows must have the same length, got 5 and 6");
}

TEST(PlotErrors, ContoursRejectNonPositiveWithLogLevels) {
  TempDir temp;
  ContourChart chart{
      .title = "t",
      .x_label = "x",
      .y_label = "y",
      .value_label = "f",
      .function = {.x_min = 0, .x_max = 1, .y_min = 0, .y_max = 1, .columns = 2, .rows = 2, .values = {1, 2, -3, 4}},
      .levels = 5,
      .log_levels = true,
      .paths = {},
      .marks = {},
      .size = {}};
  expect_throw_with<ValueError>([&] { plot_contours(temp.path() / "c", chart); },
                                "values with log_levels must be positive on a log axis, got -3");
}

TEST(PlotErrors, HistogramsRejectEdgesCountsMismatch) {
  TempDir temp;
  HistogramChart chart{.title = "t",
                       .x_label = "x",
                       .y_label = "n",
                       .series = {{.name = "h", .values = {}, .edges = {0, 1, 2}, .counts = {1, 2, 3}}},
                       .buckets = 10,
                       .range = std::nullopt,
                       .fraction = false,
                       .style = HistogramStyle::filled,
                       .size = {}};
  expect_throw_with<ValueError>([&] { plot_histograms(temp.path() / "c", chart); },
                                "series 'h' edges and counts + 1 must have the same length, got 3 and 4");
}

TEST(PlotErrors, HistogramsRejectValuesAndEdgesTogether) {
  TempDir temp;
  HistogramChart chart{.title = "t",
                       .x_label = "x",
                       .y_label = "n",
                       .series = {{.name = "h", .values = {0.5}, .edges = {0, 1}, .counts = {1}}},
                       .buckets = 10,
                       .range = std::nullopt,
                       .fraction = false,
                       .style = HistogramStyle::filled,
                       .size = {}};
  expect_throw_with<ValueError>([&] { plot_histograms(temp.path() / "c", chart); },
                                "needs either values or edges and counts, got 1 values, 2 edges, 1 counts");
}

TEST(PlotErrors, HeatMapRejectsWrongLabelCount) {
  TempDir temp;
  HeatMap chart{.title = "t",
                .x_label = "x",
                .y_label = "y",
                .colour_label = "c",
                .rows = 2,
                .columns = 2,
                .values = {1, 2, 3, 4},
                .row_labels = {"a"},
                .column_labels = {},
                .show_values = true,
                .colour_range = std::nullopt,
                .size = {}};
  expect_throw_with<ValueError>([&] { plot_heat_map(temp.path() / "c", chart); },
                                "row_labels and rows must have the same length, got 1 and 2");
}

TEST(PlotErrors, ClassRegionsRejectClassWithoutName) {
  TempDir temp;
  ClassRegions chart{.title = "t",
                     .x_label = "x",
                     .y_label = "y",
                     .x_min = 0,
                     .x_max = 1,
                     .y_min = 0,
                     .y_max = 1,
                     .columns = 2,
                     .rows = 1,
                     .classes = {0, 2},
                     .point_x = {},
                     .point_y = {},
                     .point_class = {},
                     .class_names = {"a", "b"},
                     .size = {}};
  expect_throw_with<ValueError>([&] { plot_class_regions(temp.path() / "c", chart); },
                                "classes must be in [0, 2), got 2");
}

TEST(PlotErrors, ImageGridRejectsWrongPixelCount) {
  TempDir temp;
  ImageGrid grid{
      .title = "t",
      .images = {{.height = 2, .width = 2, .channels = 3, .pixels = std::vector<std::uint8_t>(4), .caption = ""}},
      .columns = 8,
      .cell_pixels = 96};
  expect_throw_with<ValueError>([&] { plot_image_grid(temp.path() / "c", grid); },
                                "image 0 of (2, 2, 3) needs 12 pixel values, got 4");
}

TEST(PlotErrors, UnwritableFolderIsAnIoError) {
  TempDir temp;
  const auto blocker = temp.path() / "file";
  std::ofstream(blocker) << "not a folder";
  expect_throw_with<IoError>([&] { plot_lines(blocker / "chart", two_points()); }, "cannot create folder");
}

TEST(PlotErrors, UnwritableFileIsAnIoErrorAndLeavesNothing) {
  // A folder that cannot exist (its parent is a plain file) fails for root too.
  TempDir temp;
  std::ofstream(temp.path() / "plain") << "not a folder";
  expect_throw_with<IoError>([&] { plot_lines(temp.path() / "plain" / "chart", two_points()); }, "plain");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(temp.path()), std::filesystem::directory_iterator()), 1);
}

}  // namespace
}  // namespace nnlab::report
