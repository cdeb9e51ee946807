// A sweep's HParams records from hand-built trials and run folders: the domains the plan gives,
// the metric columns the trials logged, the sessions' values, groups, statuses and times, and
// where the files go.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "nnlab/io/metrics_log.h"
#include "nnlab/io/tensorboard_writer.h"
#include "nnlab/lab/sweep_tensorboard.h"
#include "tensorboard.pb.h"
#include "tensorboard_hparams.pb.h"
#include "testing/event_files.h"
#include "testing/temp_dir.h"

namespace nnlab::lab {
namespace {

namespace pb = tensorboard::hparams;
using io::HParamValue;

constexpr double kStarted = 1714564800.0;  // 2024-05-01T12:00:00Z

Trial make_trial(const std::string& configuration, std::vector<io::KeyValueText> settings, std::uint64_t seed) {
  return {.name = configuration + ",seed=" + std::to_string(seed),
          .configuration = configuration,
          .settings = std::move(settings),
          .seed = seed,
          .overrides = {}};
}

TrialOutcome make_outcome(const std::filesystem::path& sweep_dir, Trial trial, TrialStatus status) {
  const std::filesystem::path folder = sweep_dir / "trials" / trial.name;
  return {.trial = std::move(trial), .status = status, .reason = {}, .folder = folder, .pruned_at_epoch = 0};
}

void set_modified(const std::filesystem::path& path, double seconds) {
  const std::chrono::system_clock::time_point time{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(seconds))};
  std::filesystem::last_write_time(path, std::chrono::file_clock::from_sys(time));
}

// A run folder as `nnlab train` leaves it: config.toml, run.json, metrics.jsonl, summary.json.
void make_run_folder(const std::filesystem::path& folder, const std::vector<train::ScalarRecord>& scalars) {
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "config.toml") << "name = \"tiny\"\n";
  std::ofstream(folder / "run.json") << R"({"command": "nnlab train", "started": "2024-05-01T12:00:00Z"})";
  {
    std::ofstream metrics(folder / "metrics.jsonl");
    for (const train::ScalarRecord& record : scalars) metrics << io::to_jsonl_line(record) << "\n";
  }
  std::ofstream(folder / "summary.json") << R"({"stop_reason": "completed"})";
  set_modified(folder / "config.toml", kStarted + 1.0);
  set_modified(folder / "run.json", kStarted + 2.0);
  set_modified(folder / "metrics.jsonl", kStarted + 50.0);
  set_modified(folder / "summary.json", kStarted + 60.0);
}

const std::vector<train::ScalarRecord> kScalars = {
    {.tag = "train/loss", .step = 10, .epoch = 1, .value = 0.9},
    {.tag = "val/accuracy", .step = 10, .epoch = 1, .value = 0.5},
    {.tag = "lr", .step = 10, .epoch = 1, .value = 0.1},
    {.tag = "train/loss", .step = 20, .epoch = 2, .value = 0.4},
    {.tag = "val/accuracy", .step = 20, .epoch = 2, .value = 0.75},
};

const io::HParamInfo& column(const io::HParamsExperiment& experiment, const std::string& name) {
  const auto found = std::find_if(experiment.hparams.begin(), experiment.hparams.end(),
                                  [&](const io::HParamInfo& info) { return info.name == name; });
  if (found == experiment.hparams.end()) throw std::runtime_error("no hparam column " + name);
  return *found;
}

std::vector<std::string> metric_tags(const io::HParamsExperiment& experiment) {
  std::vector<std::string> tags;
  for (const io::HParamsMetric& metric : experiment.metrics) {
    EXPECT_EQ(metric.group, "") << metric.tag;  // the session's own run, the trial's tb/
    tags.push_back(metric.tag);
  }
  return tags;
}

std::vector<std::filesystem::path> hparams_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& path : testing::files_in(dir)) {
    if (path.filename().string().ends_with(".hparams")) out.push_back(path);
  }
  return out;
}

pb::HParamsPluginData plugin_data(const tensorboard::Event& event) {
  pb::HParamsPluginData data;
  EXPECT_TRUE(data.ParseFromString(event.summary().value(0).metadata().plugin_data().content()));
  return data;
}

}  // namespace

TEST(SweepTensorBoard, HParamValueReadsTomlText) {
  EXPECT_EQ(hparam_value("0.01"), HParamValue(0.01));
  EXPECT_EQ(hparam_value("16"), HParamValue(16.0));
  EXPECT_EQ(hparam_value("1e-3"), HParamValue(1e-3));
  EXPECT_EQ(hparam_value("\"relu\""), HParamValue(std::string("relu")));
  EXPECT_EQ(hparam_value("'relu'"), HParamValue(std::string("relu")));
  EXPECT_EQ(hparam_value("true"), HParamValue(true));
  EXPECT_EQ(hparam_value("[64, 32]"), HParamValue(std::string("[64, 32]")));  // summary.py: str(list)
  EXPECT_EQ(hparam_value("{ a = 1 }"), HParamValue(std::string("{ a = 1 }")));
}

TEST(SweepTensorBoard, StatusesMapToTensorBoards) {
  EXPECT_EQ(hparams_status(TrialStatus::finished), io::SessionStatus::success);
  EXPECT_EQ(hparams_status(TrialStatus::diverged), io::SessionStatus::failure);
  EXPECT_EQ(hparams_status(TrialStatus::failed), io::SessionStatus::failure);
  EXPECT_EQ(hparams_status(TrialStatus::not_run), io::SessionStatus::unknown);
  EXPECT_EQ(hparams_status(TrialStatus::pruned), io::SessionStatus::success);  // stopped on purpose, not broken
}

TEST(SweepTensorBoard, DomainsComeFromThePlan) {
  testing::TempDir dir;
  std::vector<Trial> trials;
  for (const char* lr : {"0.1", "0.01", "1e-1"}) {  // 0.1 twice, written two ways
    for (std::uint64_t seed : {0u, 1u}) {
      trials.push_back(make_trial(std::string("lr=") + lr,
                                  {{"optim.lr", lr}, {"model.activation", "\"tanh\""}, {"model.hidden", "[64, 32]"}},
                                  seed));
    }
  }
  for (int i = 0; i < 10; ++i) {  // ten random draws: more than check boxes can list
    const std::string momentum = std::to_string(0.05 * i);
    trials.push_back(make_trial("m=" + momentum,
                                {{"optim.momentum", momentum},
                                 {"model.activation", "\"relu\""},
                                 {"model.batchnorm", i % 2 == 0 ? "true" : "false"},
                                 {"model.hidden", "64"}},
                                0));
  }
  const io::HParamsExperiment experiment = sweep_hparams_experiment(dir.path(), trials, "val/accuracy");
  ASSERT_EQ(experiment.hparams.size(), 6u);
  EXPECT_EQ(experiment.hparams.back().name, "seed");  // after the settings, in order of first use
  EXPECT_EQ(experiment.hparams[0].name, "optim.lr");

  const io::HParamInfo& lr = column(experiment, "optim.lr");
  EXPECT_EQ(lr.kind, io::HParamKind::number);
  EXPECT_FALSE(lr.interval);
  EXPECT_EQ(lr.values, (std::vector<HParamValue>{0.01, 0.1}));  // sorted, each once

  const io::HParamInfo& momentum = column(experiment, "optim.momentum");
  EXPECT_EQ(momentum.kind, io::HParamKind::number);
  EXPECT_TRUE(momentum.interval);  // written as [0, 0.45]
  EXPECT_EQ(std::get<double>(momentum.values.front()), 0.0);
  EXPECT_DOUBLE_EQ(std::get<double>(momentum.values.back()), 0.45);

  const io::HParamInfo& activation = column(experiment, "model.activation");
  EXPECT_EQ(activation.kind, io::HParamKind::string);
  EXPECT_EQ(activation.values, (std::vector<HParamValue>{std::string("relu"), std::string("tanh")}));

  const io::HParamInfo& batchnorm = column(experiment, "model.batchnorm");
  EXPECT_EQ(batchnorm.kind, io::HParamKind::boolean);
  EXPECT_EQ(batchnorm.values, (std::vector<HParamValue>{false, true}));

  // A list in some trials and a number in others: a string column, each value as written.
  const io::HParamInfo& hidden = column(experiment, "model.hidden");
  EXPECT_EQ(hidden.kind, io::HParamKind::string);
  EXPECT_EQ(hidden.values, (std::vector<HParamValue>{std::string("64"), std::string("[64, 32]")}));

  const io::HParamInfo& seed = column(experiment, "seed");
  EXPECT_EQ(seed.kind, io::HParamKind::number);
  EXPECT_FALSE(seed.interval);
  EXPECT_EQ(seed.values, (std::vector<HParamValue>{0.0, 1.0}));

  // No trial has run: rank_by and the metrics every classification trial logs.
  EXPECT_EQ(metric_tags(experiment),
            (std::vector<std::string>{"val/accuracy", "train/loss", "train/accuracy", "val/loss"}));
}

TEST(SweepTensorBoard, MetricColumnsAreThoseTheTrialsLogged) {
  EXPECT_EQ(sweep_metric_tags({"lr", "test/loss", "val/loss", "train/loss", "test/r2"}, "val/loss"),
            (std::vector<std::string>{"val/loss", "train/loss", "test/loss", "test/r2"}));
  EXPECT_EQ(sweep_metric_tags({}, "val/accuracy"), (std::vector<std::string>{"val/accuracy"}));

  testing::TempDir dir;
  const std::vector<Trial> trials = {make_trial("a", {{"optim.lr", "0.1"}}, 0),
                                     make_trial("b", {{"optim.lr", "0.2"}}, 0)};
  make_run_folder(dir.path() / "trials" / trials[1].name,
                  {{.tag = "train/loss", .step = 1, .epoch = 1, .value = 1.0},
                   {.tag = "test/accuracy", .step = 1, .epoch = 1, .value = 0.5}});
  const io::HParamsExperiment experiment = sweep_hparams_experiment(dir.path(), trials, "val/accuracy");
  EXPECT_EQ(metric_tags(experiment), (std::vector<std::string>{"val/accuracy", "train/loss", "test/accuracy"}));
}

TEST(SweepTensorBoard, SessionHoldsTheTrialsValuesGroupAndTimes) {
  testing::TempDir dir;
  const TrialOutcome trial = make_outcome(dir.path(),
                                          make_trial("lr=0.01,act=relu",
                                                     {{"optim.lr", "0.01"},
                                                      {"model.activation", "\"relu\""},
                                                      {"model.batchnorm", "true"},
                                                      {"model.hidden", "[64, 32]"},
                                                      {"optim.lr", "0.02"}},  // set twice: the last wins
                                                     7),
                                          TrialStatus::diverged);
  make_run_folder(trial.folder, kScalars);
  const io::HParamsSession session = trial_hparams_session(trial);
  EXPECT_EQ(session.hparams,
            (std::vector<std::pair<std::string, HParamValue>>{{"optim.lr", 0.02},
                                                              {"model.activation", std::string("relu")},
                                                              {"model.batchnorm", true},
                                                              {"model.hidden", std::string("[64, 32]")},
                                                              {"seed", 7.0}}));
  EXPECT_EQ(session.group_name, "lr=0.01,act=relu");  // the configuration: its seeds share a row
  EXPECT_EQ(session.status, io::SessionStatus::failure);
  EXPECT_EQ(session.start_time_secs, kStarted);               // run.json's, earlier than config.toml's time
  EXPECT_NEAR(session.end_time_secs, kStarted + 60.0, 1e-3);  // summary.json, the newest file

  // A resumed segment rewrote run.json: config.toml, written once, is the earlier.
  std::ofstream(trial.folder / "run.json") << R"({"started": "2024-05-01T12:30:00Z"})";
  set_modified(trial.folder / "run.json", kStarted + 2.0);
  EXPECT_NEAR(trial_hparams_session(trial).start_time_secs, kStarted + 1.0, 1e-3);
}

TEST(SweepTensorBoard, TrialWithoutItsOwnEventsGetsSessionAndFinalMetrics) {
  testing::TempDir dir;
  const TrialOutcome trial =
      make_outcome(dir.path(), make_trial("lr=0.1", {{"optim.lr", "0.1"}}, 3), TrialStatus::finished);
  make_run_folder(trial.folder, kScalars);  // train.tensorboard = false: no tb/
  write_trial_hparams_session(trial, "val/accuracy");

  const std::vector<tensorboard::Event> events = testing::read_events(trial.folder / "tb");
  ASSERT_EQ(hparams_files(trial.folder / "tb").size(), 1u);
  ASSERT_EQ(events.size(), 5u);  // file_version, session start, session end, two metrics
  EXPECT_EQ(events[1].summary().value(0).tag(), "_hparams_/session_start_info");
  const pb::SessionStartInfo start = plugin_data(events[1]).session_start_info();
  EXPECT_EQ(start.group_name(), "lr=0.1");
  EXPECT_EQ(start.start_time_secs(), kStarted);
  EXPECT_EQ(start.hparams().at("optim.lr").number_value(), 0.1);
  EXPECT_EQ(start.hparams().at("seed").number_value(), 3.0);
  EXPECT_EQ(events[2].summary().value(0).tag(), "_hparams_/session_end_info");
  EXPECT_EQ(plugin_data(events[2]).session_end_info().status(), pb::STATUS_SUCCESS);
  // The metric columns in their order (rank_by first), each its last value and step.
  EXPECT_EQ(events[3].summary().value(0).tag(), "val/accuracy");
  EXPECT_EQ(events[3].summary().value(0).simple_value(), 0.75f);
  EXPECT_EQ(events[3].step(), 20);
  EXPECT_EQ(events[4].summary().value(0).tag(), "train/loss");
  EXPECT_EQ(events[4].summary().value(0).simple_value(), 0.4f);
}

TEST(SweepTensorBoard, TrainersEventsAreKeptAndARewriteReplacesOurs) {
  testing::TempDir dir;
  const TrialOutcome trial =
      make_outcome(dir.path(), make_trial("lr=0.1", {{"optim.lr", "0.1"}}, 0), TrialStatus::failed);
  make_run_folder(trial.folder, kScalars);
  std::filesystem::path trainers;
  {
    io::TensorBoardWriter writer(trial.folder / "tb");  // train.tensorboard = true
    trainers = writer.path();
  }
  write_trial_hparams_session(trial, "val/accuracy");
  write_trial_hparams_session(trial, "val/accuracy");
  const std::vector<std::filesystem::path> ours = hparams_files(trial.folder / "tb");
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(testing::files_in(trial.folder / "tb"), (std::vector<std::filesystem::path>{trainers, ours[0]}));
  const std::vector<tensorboard::Event> events = testing::read_event_file(ours[0]);
  ASSERT_EQ(events.size(), 3u);  // no metrics: the trainer's events have them
  EXPECT_EQ(plugin_data(events[2]).session_end_info().status(), pb::STATUS_FAILURE);
}

TEST(SweepTensorBoard, TrialThatDidNotRunWritesNothing) {
  testing::TempDir dir;
  const TrialOutcome trial =
      make_outcome(dir.path(), make_trial("lr=0.1", {{"optim.lr", "0.1"}}, 0), TrialStatus::not_run);
  write_trial_hparams_session(trial, "val/accuracy");
  EXPECT_FALSE(std::filesystem::exists(trial.folder));  // `nnlab train --run-dir` needs it absent
}

TEST(SweepTensorBoard, ExperimentGoesToTheSweepsTbAndARewriteReplacesIt) {
  testing::TempDir dir;
  const std::vector<Trial> trials = {make_trial("bn", {{"model.batchnorm", "true"}}, 0), make_trial("plain", {}, 0)};
  write_sweep_hparams_experiment(dir.path(), trials, "val/loss");
  make_run_folder(dir.path() / "trials" / trials[0].name, kScalars);
  write_sweep_hparams_experiment(dir.path(), trials, "val/loss");

  const std::vector<std::filesystem::path> files = hparams_files(dir.path() / "tb");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(testing::files_in(dir.path() / "tb").size(), 1u);
  const std::vector<tensorboard::Event> events = testing::read_event_file(files[0]);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].summary().value(0).tag(), "_hparams_/experiment");
  const pb::Experiment experiment = plugin_data(events[1]).experiment();
  ASSERT_EQ(experiment.hparam_infos_size(), 2);
  EXPECT_EQ(experiment.hparam_infos(0).name(), "model.batchnorm");
  EXPECT_EQ(experiment.hparam_infos(0).type(), pb::DATA_TYPE_BOOL);
  EXPECT_EQ(experiment.hparam_infos(1).name(), "seed");
  // The second write saw the first trial's logs: rank_by, then what it logged.
  ASSERT_EQ(experiment.metric_infos_size(), 3);
  EXPECT_EQ(experiment.metric_infos(0).name().tag(), "val/loss");
  EXPECT_EQ(experiment.metric_infos(1).name().tag(), "train/loss");
  EXPECT_EQ(experiment.metric_infos(2).name().tag(), "val/accuracy");
}

}  // namespace nnlab::lab
