// nnlab run: the catalogue listed, an experiment's parts run into one folder with one report, a
// failing part recorded while the others run, bad names refused; and every experiment of
// experiments/ in --quick, each leaving its report and every part's folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "cli/nnlab_runner.h"

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

class CatalogueQuick : public ::testing::TestWithParam<std::string> {};

TEST_P(CatalogueQuick, RunsAndLeavesItsReportAndEveryPart) {
  testing::TempDir dir;
  const testing::CommandResult result =
      run_nnlab(dir, {"run", GetParam(), "--quick", "--catalogue", kCatalogue.string(), "--out", "q"});
  ASSERT_EQ(result.status, 0) << result.out << result.err;
  const auto folder = experiment_folder_of(dir, result);
  ASSERT_TRUE(std::filesystem::is_regular_file(folder / "report.html")) << result.out;
  const std::string page = read_text(folder / "report.html");
  EXPECT_EQ(page.find("Failed (exit status"), std::string::npos);
  EXPECT_EQ(page.find("No plots recorded"), std::string::npos);  // every part drew its pictures
  for (const auto& part : std::filesystem::directory_iterator(folder / "parts")) {
    EXPECT_TRUE(std::filesystem::is_directory(folder / part.path().stem())) << part.path();
  }
}

INSTANTIATE_TEST_SUITE_P(Experiments, CatalogueQuick, ::testing::ValuesIn(catalogue_files()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace nnlab
