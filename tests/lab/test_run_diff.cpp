// diff_runs and plot_diff on run folders written by hand: config.toml and metrics.jsonl lines.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "nnlab/core/error.h"
#include "nnlab/io/config.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/lab/run_diff.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::lab {
namespace {

using Records = std::vector<train::ScalarRecord>;

// Two epochs of 3 steps each: step/loss per step, then the epoch-level records and a timing.
Records two_epochs(double first_loss, double lr) {
  Records records;
  for (std::int64_t step = 1; step <= 6; ++step) {
    records.push_back({.tag = "step/loss", .step = step, .epoch = (step + 2) / 3, .value = first_loss / step});
    if (step % 3 == 0) {
      const std::int64_t epoch = step / 3;
      records.push_back({.tag = "train/loss", .step = step, .epoch = epoch, .value = first_loss / epoch});
      records.push_back({.tag = "val/loss", .step = step, .epoch = epoch, .value = first_loss / epoch + 0.5});
      records.push_back({.tag = "val/accuracy", .step = step, .epoch = epoch, .value = 0.25 * epoch});
      records.push_back({.tag = "lr", .step = step, .epoch = epoch, .value = lr});
      records.push_back({.tag = "time/epoch_seconds", .step = step, .epoch = epoch, .value = 0.1 * step});
    }
  }
  return records;
}

std::filesystem::path write_run(const testing::TempDir& dir, const std::string& name,
                                const io::ExperimentConfig& config, const Records& records) {
  const std::filesystem::path run = dir.path() / name;
  std::filesystem::create_directories(run);
  std::ofstream(run / "config.toml") << io::to_toml(config);
  std::ofstream metrics(run / "metrics.jsonl");
  for (const train::ScalarRecord& record : records) metrics << io::to_json(record).dump() << "\n";
  return run;
}

io::ExperimentConfig tiny_config(const std::string& name) {
  io::ExperimentConfig config;
  config.name = name;
  config.data.dataset = "map";
  config.model.hidden = {8};
  return config;
}

TEST(RunDiff, ListsTheDifferingKeysInConfigOrderIgnoringNameAndOut) {
  testing::TempDir dir;
  io::ExperimentConfig config_a = tiny_config("first");
  io::ExperimentConfig config_b = tiny_config("second");
  config_b.out = "elsewhere";
  config_b.optim.lr = 0.02;
  config_b.model.hidden = {8, 4};
  config_b.probes.grad_norms.enabled = true;
  const auto a = write_run(dir, "a", config_a, two_epochs(2.0, 0.01));
  const auto b = write_run(dir, "b", config_b, two_epochs(2.0, 0.02));
  const RunDiff diff = diff_runs(a, b);
  using Row = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(diff.config, (std::vector<Row>{{"model.hidden", "[8]", "[8, 4]"},
                                           {"optim.lr", "0.01", "0.02"},
                                           {"probes.grad_norms.enabled", "false", "true"}}));
  EXPECT_FALSE(diff.identical);
}

TEST(RunDiff, NumbersLayersAndMarksKeysOnlyOneRunHas) {
  testing::TempDir dir;
  io::ExperimentConfig config_a = tiny_config("cnn");
  config_a.model.type = "cnn";
  config_a.model.layers = {{.type = "flatten"}, {.type = "linear", .out = 4}};
  io::ExperimentConfig config_b = config_a;
  config_b.model.layers[1].out = 5;
  config_b.model.layers.push_back({.type = "relu"});
  const RunDiff diff = diff_runs(write_run(dir, "a", config_a, {}), write_run(dir, "b", config_b, {}));
  using Row = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(diff.config,
            (std::vector<Row>{{"model.layers[2].out", "4", "5"}, {"model.layers[3].type", "", "\"relu\""}}));
}

TEST(RunDiff, FinalsAreTheLastEpochValuesOfTheTagsBothRunsHave) {
  testing::TempDir dir;
  Records records_b = two_epochs(3.0, 0.01);
  records_b.push_back({.tag = "test/loss", .step = 6, .epoch = 2, .value = 9.0});  // B only: not a final
  const RunDiff diff = diff_runs(write_run(dir, "a", tiny_config("a"), two_epochs(2.0, 0.01)),
                                 write_run(dir, "b", tiny_config("b"), records_b));
  using Final = std::tuple<std::string, double, double>;
  EXPECT_EQ(diff.finals,
            (std::vector<Final>{
                {"train/loss", 1.0, 1.5}, {"val/loss", 1.5, 2.0}, {"val/accuracy", 0.5, 0.5}, {"lr", 0.01, 0.01}}));
}

TEST(RunDiff, FirstDifferingStepComesFromStepLosses) {
  testing::TempDir dir;
  Records records_b = two_epochs(2.0, 0.01);
  records_b[2].value = std::nextafter(records_b[2].value, 10.0);  // step 3's loss, one ulp apart
  ASSERT_EQ(records_b[2].tag, "step/loss");
  const RunDiff diff = diff_runs(write_run(dir, "a", tiny_config("a"), two_epochs(2.0, 0.01)),
                                 write_run(dir, "b", tiny_config("a"), records_b));
  EXPECT_TRUE(diff.losses_by_step);
  EXPECT_EQ(diff.first_differing_step, 3);
  EXPECT_EQ(diff.losses_compared, 6);
  EXPECT_FALSE(diff.identical);
}

TEST(RunDiff, WithoutStepLossesTheEpochEndStepIsReported) {
  testing::TempDir dir;
  const auto epochs_only = [](double first_loss) {
    Records records = two_epochs(first_loss, 0.01);
    std::erase_if(records, [](const train::ScalarRecord& record) { return record.tag == "step/loss"; });
    return records;
  };
  Records records_b = epochs_only(2.0);
  records_b.push_back({.tag = "step/loss", .step = 1, .epoch = 1, .value = 2.0});  // only B logged steps
  records_b[5].value = 0.75;                                                       // epoch 2's train/loss
  ASSERT_EQ(records_b[5].tag, "train/loss");
  const RunDiff diff = diff_runs(write_run(dir, "a", tiny_config("a"), epochs_only(2.0)),
                                 write_run(dir, "b", tiny_config("a"), records_b));
  EXPECT_FALSE(diff.losses_by_step);
  EXPECT_EQ(diff.first_differing_step, 6);
  EXPECT_EQ(diff.losses_compared, 2);
}

TEST(RunDiff, ALongerRunPartsAtTheFirstStepPastTheShorter) {
  testing::TempDir dir;
  Records records_b = two_epochs(2.0, 0.01);
  records_b.push_back({.tag = "step/loss", .step = 7, .epoch = 3, .value = 0.1});
  const RunDiff diff = diff_runs(write_run(dir, "a", tiny_config("a"), two_epochs(2.0, 0.01)),
                                 write_run(dir, "b", tiny_config("a"), records_b));
  EXPECT_EQ(diff.first_differing_step, 7);
  EXPECT_EQ(diff.losses_compared, 6);
}

TEST(RunDiff, SameConfigAndRecordsAreIdenticalWhateverTheTimings) {
  testing::TempDir dir;
  Records records_b = two_epochs(2.0, 0.01);
  for (train::ScalarRecord& record : records_b) {
    if (record.tag.starts_with("time/")) record.value *= 3;
  }
  const RunDiff diff = diff_runs(write_run(dir, "a", tiny_config("a"), two_epochs(2.0, 0.01)),
                                 write_run(dir, "b", tiny_config("b"), records_b));
  EXPECT_TRUE(diff.config.empty());
  EXPECT_FALSE(diff.first_differing_step.has_value());
  EXPECT_EQ(diff.losses_compared, 6);
  EXPECT_TRUE(diff.identical);
}

TEST(RunDiff, AnyOtherRecordThatDiffersMakesThemNotIdentical) {
  testing::TempDir dir;
  Records records_b = two_epochs(2.0, 0.01);
  records_b.push_back({.tag = "grad_norm/total", .step = 6, .epoch = 2, .value = 1.0});
  const RunDiff diff = diff_runs(write_run(dir, "a", tiny_config("a"), two_epochs(2.0, 0.01)),
                                 write_run(dir, "b", tiny_config("a"), records_b));
  EXPECT_FALSE(diff.first_differing_step.has_value());
  EXPECT_FALSE(diff.identical);
}

TEST(RunDiff, AFolderWithoutConfigIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  const auto a = write_run(dir, "a", tiny_config("a"), {});
  std::filesystem::create_directories(dir.path() / "not-a-run");
  expect_throw_with<IoError>([&] { diff_runs(a, dir.path() / "not-a-run"); }, "not-a-run");
  expect_throw_with<IoError>([&] { diff_runs(dir.path() / "missing", a); }, "missing");
}

TEST(RunDiff, PlotOverlaysBothRunsLossCurves) {
  testing::TempDir dir;
  const auto a = write_run(dir, "a", tiny_config("a"), two_epochs(2.0, 0.01));
  const auto b = write_run(dir, "b", tiny_config("a"), two_epochs(3.0, 0.01));
  const report::ChartFiles files = plot_diff(diff_runs(a, b), a, b, dir.path() / "diff");
  EXPECT_EQ(files.png, dir.path() / "diff.png");
  ASSERT_TRUE(std::filesystem::is_regular_file(files.svg));
  std::ifstream svg(files.svg);
  const std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  for (const char* name : {"A: train/loss", "B: val/loss", "B: step/loss"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
  EXPECT_GT(std::filesystem::file_size(files.png), 1000u);
  const auto empty = write_run(dir, "empty", tiny_config("a"), {});
  expect_throw_with<DataError>([&] { plot_diff(diff_runs(empty, empty), empty, empty, dir.path() / "x"); },
                               "expected loss records");
}

}  // namespace
}  // namespace nnlab::lab
