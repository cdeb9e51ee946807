// The metrics stream as run-folder files: every record kind written by RunLogger and read back
// by read_run_records unchanged; damaged lines are errors naming the file and line.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "nnlab/core/error.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/run_folder.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::io {
namespace {

void append(const std::filesystem::path& path, const nlohmann::ordered_json& record) {
  append_line(path, record.dump());
}

TEST(MetricsLog, EveryRecordKindReadsBackAsWritten) {
  testing::TempDir dir;
  const train::ScalarRecord scalar{.tag = "val/loss", .step = 120, .epoch = 3, .value = 0.25};
  const train::ScalarRecord diverged{.tag = "step/loss", .step = 121, .epoch = 3, .value = NAN};
  train::HistogramRecord histogram{.tag = "weights/0.weight",
                                   .step = 7,
                                   .epoch = 1,
                                   .min = -1,
                                   .max = 2,
                                   .sum = 3,
                                   .sum_squares = 9,
                                   .count = 4,
                                   .edges = {-1, 0.5, 2},
                                   .counts = {1, 3}};
  train::ImageRecord image{.tag = "misclassified", .step = 9, .epoch = 2, .images = {}};
  // 5 bytes: not a multiple of 3, so the base64 text ends in padding.
  image.images.push_back(
      {.height = 1, .width = 5, .channels = 1, .pixels = {0, 1, 127, 254, 255}, .caption = "a \"b\""});
  image.images.push_back({.height = 1, .width = 1, .channels = 3, .pixels = {9, 8, 7}, .caption = ""});
  train::HeatmapRecord heatmap{.tag = "decision_boundary",
                               .step = 9,
                               .epoch = 2,
                               .rows = 2,
                               .cols = 3,
                               .values = {0, 1, 2, 2, 1, 0},
                               .categorical = true,
                               .x_title = "x1",
                               .y_title = "x2",
                               .x_labels = {},
                               .y_labels = {"cat", "dog", "owl"},
                               .extent = train::HeatmapRecord::Extent{-1, 1, -2, 2},
                               .points = {{.x = 0.5, .y = -0.5, .label = 2}}};
  const SnapshotEntry snapshot{.tag = "weights",
                               .step = 100,
                               .epoch = 1,
                               .file = "snapshots/" + snapshot_file_name("weights", 100),
                               .info = {{"loss", 0.5}, {"accuracy", 0.75}}};
  append(dir.path() / "metrics.jsonl", to_json(scalar));
  append(dir.path() / "metrics.jsonl", to_json(diverged));
  for (const auto& record : {to_json(histogram), to_json(image), to_json(heatmap), to_json(snapshot)}) {
    append(dir.path() / "probes.jsonl", record);
  }

  const RunRecords records = read_run_records(dir.path());
  ASSERT_EQ(records.scalars.size(), 2u);
  EXPECT_EQ(records.scalars[0].tag, "val/loss");
  EXPECT_EQ(records.scalars[0].step, 120);
  EXPECT_EQ(records.scalars[0].epoch, 3);
  EXPECT_EQ(records.scalars[0].value, 0.25);
  EXPECT_TRUE(std::isnan(records.scalars[1].value));  // written as null
  EXPECT_EQ(records.scalar_tags(), (std::vector<std::string>{"val/loss", "step/loss"}));
  EXPECT_EQ(records.series("step/loss").size(), 1u);

  ASSERT_EQ(records.histograms.size(), 1u);
  EXPECT_EQ(records.histograms[0].edges, histogram.edges);
  EXPECT_EQ(records.histograms[0].counts, histogram.counts);
  EXPECT_EQ(records.histograms[0].count, 4);
  EXPECT_EQ(records.histograms[0].sum_squares, 9);

  ASSERT_EQ(records.images.size(), 1u);
  ASSERT_EQ(records.images[0].images.size(), 2u);
  EXPECT_EQ(records.images[0].images[0].pixels, image.images[0].pixels);
  EXPECT_EQ(records.images[0].images[0].caption, "a \"b\"");
  EXPECT_EQ(records.images[0].images[1].pixels, image.images[1].pixels);
  EXPECT_EQ(records.images[0].images[1].channels, 3);

  ASSERT_EQ(records.heatmaps.size(), 1u);
  const train::HeatmapRecord& h = records.heatmaps[0];
  EXPECT_EQ(h.values, heatmap.values);
  EXPECT_TRUE(h.categorical);
  EXPECT_EQ(h.y_labels, heatmap.y_labels);
  ASSERT_TRUE(h.extent.has_value());
  EXPECT_EQ(h.extent->y_max, 2);
  ASSERT_EQ(h.points.size(), 1u);
  EXPECT_EQ(h.points[0].label, 2);

  ASSERT_EQ(records.snapshots.size(), 1u);
  EXPECT_EQ(records.snapshots[0].file, "snapshots/weights-00000100.safetensors");
  EXPECT_EQ(records.snapshots[0].info, snapshot.info);
}

TEST(MetricsLog, FastJsonLinesEqualTheJsonLibrarysOwn) {
  for (double value : std::initializer_list<double>{0.0, 2.0, -3.0, 0.1, 1e-05, 1e300, -2.5e-300, 123456789.0,
                                                    1.0 / 3.0, 6.02e23, NAN, INFINITY}) {
    for (const char* tag : {"train/loss", "grad_norm/layer1.0.conv1.weight", "odd \"quoted\" \\ tag", "tab\there"}) {
      const train::ScalarRecord record{.tag = tag, .step = 1234567, .epoch = 12, .value = value};
      EXPECT_EQ(to_jsonl_line(record), to_json(record).dump()) << tag << " " << value;
    }
  }
}

TEST(MetricsLog, ScalarCsvRowsQuoteOddTags) {
  EXPECT_EQ(to_csv_row({.tag = "train/loss", .step = 4, .epoch = 1, .value = 0.5}), "train/loss,4,1,0.5");
  EXPECT_EQ(to_csv_row({.tag = "a,\"b\"", .step = 0, .epoch = 0, .value = NAN}), "\"a,\"\"b\"\"\",0,0,");
  EXPECT_EQ(csv_field("lr=0.1,seed=0"), "\"lr=0.1,seed=0\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("plain"), "plain");
}

TEST(MetricsLog, AMissingFolderHasNoRecordsAndADamagedLineNamesItsPlace) {
  testing::TempDir dir;
  EXPECT_TRUE(read_run_records(dir.path() / "none").scalars.empty());
  append_line(dir.path() / "probes.jsonl", R"({"kind":"histogram","tag":"h","step":1,"epoch":1})");
  expect_throw_with<DataError>([&] { read_run_records(dir.path()); }, "probes.jsonl' line 1");
  std::ofstream(dir.path() / "probes.jsonl") << R"({"kind":"chart","tag":"h","step":1,"epoch":1})"
                                             << "\n";
  expect_throw_with<DataError>([&] { read_run_records(dir.path()); }, "unknown record kind 'chart'");
  std::ofstream(dir.path() / "probes.jsonl")
      << R"({"kind":"image","tag":"i","step":1,"epoch":1,"images":[{"height":2,"width":2,"channels":1,"pixels":"AAA="}]})"
      << "\n";
  expect_throw_with<DataError>([&] { read_run_records(dir.path()); }, "pixels do not hold 2x2x1 bytes");
}

// Found by fuzz_run_records: a float where an integer belongs went through a cast that is
// undefined past int64's range, and image and heat-map sizes could overflow when multiplied.
TEST(MetricsLog, IntegersAndSizesMustBeWhatNnlabWrites) {
  testing::TempDir dir;
  const auto reads = [&](const std::string& file, const std::string& line) {
    std::ofstream(dir.path() / file) << line << "\n";
    read_run_records(dir.path());
  };
  expect_throw_with<DataError>([&] { reads("metrics.jsonl", R"({"tag":"a","step":1e300,"epoch":1,"value":1})"); },
                               "metrics.jsonl' line 1: 'step': expected an integer, got 1e+300");
  expect_throw_with<DataError>([&] { reads("metrics.jsonl", R"({"tag":"a","step":2.5,"epoch":1,"value":1})"); },
                               "'step': expected an integer, got 2.5");
  expect_throw_with<DataError>(
      [&] { reads("metrics.jsonl", R"({"tag":"a","step":1,"epoch":9223372036854775808,"value":1})"); },
      "'epoch': expected an integer, got 9223372036854775808");
  std::filesystem::remove(dir.path() / "metrics.jsonl");
  expect_throw_with<DataError>(
      [&] {
        reads("probes.jsonl", R"({"kind":"image","tag":"i","step":1,"epoch":1,"images":[{"height":4294967296,)"
                              R"("width":4294967296,"channels":1,"pixels":""}]})");
      },
      "pixels do not hold 4294967296x4294967296x1 bytes");
  expect_throw_with<DataError>(
      [&] {
        reads("probes.jsonl", R"({"kind":"image","tag":"i","step":1,"epoch":1,"images":[{"height":-1,)"
                              R"("width":-1,"channels":4,"pixels":"AAAAAA=="}]})");
      },
      "pixels do not hold -1x-1x4 bytes");
  expect_throw_with<DataError>(
      [&] {
        reads("probes.jsonl", R"({"kind":"heatmap","tag":"h","step":1,"epoch":1,"rows":-1,"cols":-1,"values":[0]})");
      },
      "heatmap 'h': 1 values for -1x-1 cells");
}

TEST(MetricsLog, RecordEpochReadsAnyLogLine) {
  EXPECT_EQ(record_epoch(R"({"tag":"a","step":3,"epoch":2,"value":1})"), 2);
  EXPECT_EQ(record_epoch("not json"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(record_epoch(R"({"epoch":"two"})"), std::numeric_limits<std::int64_t>::max());
}

}  // namespace
}  // namespace nnlab::io
