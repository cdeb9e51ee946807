// nnlab run: the catalogue listed, an experiment's parts run into one folder with one report, a
// failing part recorded while the others run, bad names refused; and every experiment of
// experiments/ in --quick, each leaving its report and every part's folder (E15 on generated
// CIFAR-10 batches).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>

#include <nlohmann/json.hpp>

#include "cli/nnlab_runner.h"
#include "data/cifar_writer.h"

namespace nnlab {
namespace {

using testing::read_text;
using testing::run_nnlab;
using testing::write_text;

const std::filesystem::path kCatalogue = std::filesystem::path(NNLAB_FIXTURE_DIR).parent_path().parent_path() / "experiments";

// The experiment folder a `nnlab run` printed ("experiment folder: <dir>"), relative to `dir`.
std::filesystem::path experiment_folder_of(const testing::TempDir& dir, const testing::CommandResult& result) {
  const std::string marker = "experiment folder: ";
  const std::size_t at = result.out.rfind(marker);
  if (at == std::string::npos) return {};
  const std::size_t start = at + marker.size();
  return dir.path() / result.out.substr(start, result.out.find('\n', start) - start);
}

constexpr const char* kTiny = R"([experiment]
id = "t1"
title = "A tiny experiment"
question = "Do parts run in order into one folder?"
minutes = 0.1
quick = ["train.epochs=1"]

[[part]]
name = "single"
title = "One run"
about = "A one-hidden-layer ReLU MLP on the map: its linear-region bound is in the report."
[part.data]
dataset = "map"
samples = 200
[part.model]
hidden = [8]
[part.train]
epochs = 3
tensorboard = false

[[part]]
name = "broken"
title = "A part that fails"
[part.data]
dataset = "csv"
path = "missing.csv"

[[part]]
name = "lrs"
title = "Two learning rates"
show_trials = ["best", "worst"]
[part.data]
dataset = "map"
samples = 200
[part.model]
hidden = [8]
[part.train]
epochs = 2
tensorboard = false
[part.sweep]
grid = { "optim.lr" = [0.1, 0.001] }
)";

TEST(CliRun, RunsEveryPartIntoOneFolderWithOneReport) {
  testing::TempDir dir;
  write_text(dir, "cat/t1.toml", kTiny);
  const testing::CommandResult result =
      run_nnlab(dir, {"run", "t1", "--catalogue", "cat", "--quick", "--out", "exp"});
  EXPECT_EQ(result.status, 1) << result.out << result.err;  // the broken part
  EXPECT_NE(result.err.find("a part of the experiment failed"), std::string::npos) << result.err;
  const auto folder = experiment_folder_of(dir, result);
  ASSERT_FALSE(folder.empty()) << result.out;
  EXPECT_EQ(folder.parent_path().filename(), "exp");
  EXPECT_TRUE(folder.filename().string().starts_with("t1-"));
  EXPECT_TRUE(std::filesystem::is_regular_file(folder / "single" / "summary.json"));
  EXPECT_TRUE(std::filesystem::is_regular_file(folder / "lrs" / "results.csv"));
  EXPECT_TRUE(std::filesystem::is_regular_file(folder / "parts" / "broken.toml"));
  // --quick: one epoch, not three.
  EXPECT_NE(read_text(folder / "single" / "summary.json").find("\"epochs_completed\": 1"), std::string::npos);
  const std::string page = read_text(folder / "report.html");
  for (const char* text : {"A tiny experiment", "One run", "A part that fails", "Two learning rates",
                           "linear regions: at most", "Failed (exit status", "lr=0.1", "best: lr=", "worst: lr=",
                           "lrs/trials/lr%3D0.1%2Cseed%3D0/report.html"}) {
    EXPECT_NE(page.find(text), std::string::npos) << text;
  }
  // The parts ran in the file's order.
  EXPECT_LT(result.out.find("part 1/3"), result.out.find("part 3/3"));
}

TEST(CliRun, ListsTheCatalogueAndRefusesAnUnknownName) {
  testing::TempDir dir;
  const testing::CommandResult list = run_nnlab(dir, {"run", "--list", "--catalogue", kCatalogue.string()});
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.out.find("e4 "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("minutes"), std::string::npos) << list.out;
  const testing::CommandResult unknown = run_nnlab(dir, {"run", "e99", "--catalogue", kCatalogue.string()});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("no experiment 'e99' in the catalogue"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("e4 "), std::string::npos) << unknown.err;  // the known ones listed
  const testing::CommandResult none = run_nnlab(dir, {"run", "--catalogue", kCatalogue.string()});
  EXPECT_EQ(none.status, 2);
}

TEST(CliRun, ABadPartIsRefusedBeforeAnyPartRuns) {
  testing::TempDir dir;
  std::string text = kTiny;
  text.replace(text.find("epochs = 2"), 10, "epochs = -2");
  write_text(dir, "cat/t1.toml", text);
  const testing::CommandResult result = run_nnlab(dir, {"run", "t1", "--catalogue", "cat"});
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("t1.toml (part 'lrs'):"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "runs"));
}

constexpr const char* kTransfer = R"([experiment]
id = "t2"
title = "Pretrain, then start from it"
question = "Does a later part read what an earlier one wrote, and is the pretrained model reused?"
rank_by = "test/accuracy"

[[part]]
name = "pretrain"
reuse = true
ranked = false
seed = 3
[part.data]
dataset = "map"
samples = 200
[part.model]
hidden = [8]
[part.train]
epochs = 1
tensorboard = false

[[part]]
name = "start"
title = "From the pretrained weights"
[part.data]
dataset = "map"
samples = 200
[part.model]
hidden = [8]
init_from = "{experiment}/pretrain/model.safetensors"
[part.train]
epochs = 1
tensorboard = false
[part.sweep]
grid = { "optim.lr" = [0.1, 0.001] }
)";

TEST(CliRun, APartReadsAnEarlierPartsFolderAndAReusablePartIsReused) {
  testing::TempDir dir;
  write_text(dir, "cat/t2.toml", kTransfer);
  const testing::CommandResult first = run_nnlab(dir, {"run", "t2", "--catalogue", "cat", "--out", "exp"});
  ASSERT_EQ(first.status, 0) << first.out << first.err;
  EXPECT_EQ(first.out.find("reusing"), std::string::npos) << first.out;
  const auto one = experiment_folder_of(dir, first);
  const std::string config = read_text(one / "parts" / "start.toml");
  EXPECT_NE(config.find(std::filesystem::absolute(one / "pretrain" / "model.safetensors").string()), std::string::npos)
      << config;
  // Every model of every part ranked in the report, with the best one's misclassified images.
  const std::string page = read_text(one / "report.html");
  for (const char* text : {"Every model, ranked by test/accuracy", "<td>1</td><td><a href=",
                           "start / lr=0.1,seed=0", "Misclassified test images of the best model",
                           "No picture: its run had no [probes] misclassified."}) {
    EXPECT_NE(page.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(page.find("<td>3</td><td><a href="), std::string::npos) << "pretrain is not ranked";

  const testing::CommandResult second = run_nnlab(dir, {"run", "t2", "--catalogue", "cat", "--out", "exp"});
  ASSERT_EQ(second.status, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("reusing "), std::string::npos) << second.out;
  EXPECT_NE(second.out.find((std::filesystem::path(one.filename()) / "pretrain").string()), std::string::npos)
      << second.out;
  const auto two = experiment_folder_of(dir, second);
  ASSERT_NE(one, two);
  EXPECT_EQ(read_text(two / "pretrain" / "model.safetensors"), read_text(one / "pretrain" / "model.safetensors"));
  EXPECT_NE(read_text(two / "experiment.json").find("\"reused_from\""), std::string::npos);
  // Other overrides make another model: it is trained again.
  const testing::CommandResult third =
      run_nnlab(dir, {"run", "t2", "--catalogue", "cat", "--out", "exp", "--set", "train.epochs=2"});
  ASSERT_EQ(third.status, 0) << third.out << third.err;
  EXPECT_EQ(third.out.find("reusing"), std::string::npos) << third.out;
}

// Every experiment file of the catalogue, found when the tests are listed.
std::vector<std::string> catalogue_files() {
  std::vector<std::string> names;
  static const std::regex header(R"((^|\n)\s*\[experiment\])");
  for (const auto& entry : std::filesystem::directory_iterator(kCatalogue)) {
    if (entry.path().extension() == ".toml" && std::regex_search(read_text(entry.path()), header)) {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The section of an experiment report that shows part `name`, up to the next part's.
std::string part_section(const std::string& page, const std::string& name) {
  const std::size_t start = page.find("id=\"part-" + name + "\"");
  if (start == std::string::npos) return "";
  return page.substr(start, page.find("id=\"part-", start + 1) - start);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// E15 on small generated CIFAR-10 batches (5 x 60 training and 100 test images, learnable).
std::vector<std::string> e15_setup(const testing::TempDir& dir) {
  testing::write_cifar10_files(dir.path() / "cifar10");
  return {"--set", "data.path=" + dir.file("cifar10")};
}

void e15_check(const std::filesystem::path& folder, const std::string& page) {
  const std::string baseline = part_section(page, "baseline");
  EXPECT_EQ(count(baseline, "alt=\"weight_images\""), 1u);
  EXPECT_EQ(count(baseline, "alt=\"true_class_probability\""), 1u);
  const auto summary = nlohmann::json::parse(read_text(folder / "baseline" / "summary.json"));
  EXPECT_GT(summary["final"]["test"]["accuracy"].get<double>(), 0.2) << summary.dump();  // chance is 0.1
  const std::string grid = part_section(page, "grid");
  EXPECT_NE(grid.find("The best 10 of 36 configurations by val/accuracy"), std::string::npos);
  EXPECT_NE(grid.find("The other 26 configurations"), std::string::npos);
  EXPECT_NE(grid.find("lambda_0.001,lr=0.005,batch_size=50"), std::string::npos);
  // Step decay: the lr of every epoch in metrics.csv and a learning-rate chart.
  EXPECT_EQ(count(part_section(page, "step-decay"), "alt=\"lr\""), 1u);
  std::vector<double> lr;  // metrics.csv: tag,step,epoch,value
  for (const std::string& row : testing::read_lines(folder / "step-decay" / "metrics.csv")) {
    if (row.starts_with("lr,")) lr.push_back(std::stod(row.substr(row.rfind(',') + 1)));
  }
  ASSERT_EQ(lr.size(), 3u);  // --quick: 3 epochs, step_size 1
  for (std::size_t e = 0; e < lr.size(); ++e) EXPECT_NEAR(lr[e], 0.01 * std::pow(0.1, e), 1e-12) << "epoch " << e + 1;
  const std::string losses = part_section(page, "losses");
  for (const char* trial : {"softmax-ce,seed=0", "sigmoid-bce,seed=0"}) {
    EXPECT_NE(losses.find(std::string("<h3>") + trial), std::string::npos) << trial;
  }
  EXPECT_EQ(count(losses, "alt=\"true_class_probability\""), 2u);
  EXPECT_EQ(count(losses, "alt=\"weight_images\""), 2u);
}

// What an experiment needs beyond the catalogue to run in --quick here: files it reads (made in
// the test's folder, returning the flags that point at them), and what its report must show.
struct QuickCase {
  std::vector<std::string> (*setup)(const testing::TempDir& dir) = nullptr;
  void (*check)(const std::filesystem::path& folder, const std::string& page) = nullptr;
};
const std::map<std::string, QuickCase> kQuickCases = {
    {"e15-cifar-linear", {.setup = e15_setup, .check = e15_check}},
};

class CatalogueQuick : public ::testing::TestWithParam<std::string> {};

TEST_P(CatalogueQuick, RunsAndLeavesItsReportAndEveryPart) {
  testing::TempDir dir;
  std::vector<std::string> args = {"run", GetParam(), "--quick", "--catalogue", kCatalogue.string(), "--out", "q"};
  const auto special = kQuickCases.find(GetParam());
  if (special != kQuickCases.end() && special->second.setup) {
    const std::vector<std::string> more = special->second.setup(dir);
    args.insert(args.end(), more.begin(), more.end());
  }
  const testing::CommandResult result = run_nnlab(dir, args);
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto folder = experiment_folder_of(dir, result);
  ASSERT_TRUE(std::filesystem::is_regular_file(folder / "report.html")) << result.out;
  const std::string page = read_text(folder / "report.html");
  EXPECT_EQ(page.find("Failed (exit status"), std::string::npos);
  EXPECT_EQ(page.find("No plots recorded"), std::string::npos);  // every part drew its pictures
  for (const auto& part : std::filesystem::directory_iterator(folder / "parts")) {
    EXPECT_TRUE(std::filesystem::is_directory(folder / part.path().stem())) << part.path();
  }
  if (special != kQuickCases.end() && special->second.check) special->second.check(folder, page);
}

INSTANTIATE_TEST_SUITE_P(Experiments, CatalogueQuick, ::testing::ValuesIn(catalogue_files()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace nnlab
