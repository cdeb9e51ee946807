// `nnlab optimize` end to end: a named function with the E12 optimisers (files and table), an
// expression, a config file with a flag overriding it, a divergence reported beside a converged
// run, and the bad inputs that exit 2 with one line naming the problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/nnlab_runner.h"

namespace nnlab {
namespace {

using testing::read_lines;
using testing::read_text;
using testing::run_folder_of;
using testing::run_nnlab;

void expect_files(const std::filesystem::path& folder, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    EXPECT_TRUE(std::filesystem::is_regular_file(folder / name)) << folder / name;
    if (name.ends_with(".png")) {
      EXPECT_GT(std::filesystem::file_size(folder / name), 2000u) << name;
    }
  }
}

const std::vector<std::string> kAllFiles = {"config.toml",  "results.csv",  "paths.csv", "contour.png", "contour.svg",
                                            "distance.png", "distance.svg", "value.png", "value.svg"};

// The printed table's line that starts with `label`, or "".
std::string row(const std::string& out, const std::string& label) {
  const std::size_t at = out.find("\n" + label + " ");
  if (at == std::string::npos) return {};
  return out.substr(at + 1, out.find('\n', at + 1) - at - 1);
}

// Exit status 2 and one line on stderr holding every fragment.
void expect_usage_error(const testing::CommandResult& result, const std::vector<std::string>& fragments) {
  EXPECT_EQ(result.status, 2) << result.out << result.err;
  EXPECT_TRUE(result.err.starts_with("nnlab: ")) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  for (const std::string& fragment : fragments) {
    EXPECT_NE(result.err.find(fragment), std::string::npos) << "stderr lacks \"" << fragment << "\": " << result.err;
  }
}

TEST(CliOptimize, ANamedFunctionWritesItsFilesAndTable) {
  testing::TempDir dir;
  const testing::CommandResult result = run_nnlab(
      dir, {"optimize", "--function", "rosenbrock", "--start", "-4,-2", "--steps", "2000", "--optimizer", "gd:lr=1e-4",
            "--optimizer", "momentum:lr=1e-4,momentum=0.9", "-o", "adam:lr=1e-4,beta1=0.9,beta2=0.99"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("nnlab optimize: rosenbrock from (-4, -2), 2000 steps\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("\noptimizer  "), std::string::npos) << result.out;
  for (const char* label : {"gd lr=0.0001", "momentum lr=0.0001 momentum=0.9", "adam lr=0.0001 beta1=0.9 beta2=0.99"}) {
    // 2000 steps of lr 1e-4 are far too few to walk Rosenbrock's valley to (1, 1).
    EXPECT_TRUE(row(result.out, label).ends_with(" 2000   not converged")) << result.out;
  }
  const std::filesystem::path folder = run_folder_of(dir, result);
  EXPECT_TRUE(folder.filename().string().starts_with("optimize-")) << folder;
  EXPECT_EQ(folder.parent_path().filename(), "runs");
  expect_files(folder, kAllFiles);
  const std::vector<std::string> results = read_lines(folder / "results.csv");
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0], "optimizer,name,settings,final_x,final_y,final_f,distance,gradient_norm,steps_run,status");
  EXPECT_TRUE(
      results[3].starts_with("adam lr=0.0001 beta1=0.9 beta2=0.99,adam,lr=0.0001 beta1=0.9 beta2=0.99 "
                             "eps=1e-08 weight_decay=0,"))
      << results[3];
  // paths.csv: every optimiser from step 0 to its last, thinned to about 2000 rows each.
  const std::vector<std::string> paths = read_lines(folder / "paths.csv");
  EXPECT_EQ(paths[0], "optimizer,step,x,y,f,distance");
  EXPECT_EQ(paths[1], "gd lr=0.0001,0,-4,-2,32425,5.830951894845301");  // 5² + 100 · 18², sqrt(5² + 3²)
  EXPECT_LE(paths.size(), 3u * 2002 + 1);
  EXPECT_TRUE(std::any_of(paths.begin(), paths.end(), [](const std::string& row) {
    return row.starts_with("adam lr=0.0001 beta1=0.9 beta2=0.99,2000,");
  }));
  // The contour chart names each optimiser, the start and the minimum.
  const std::string svg = read_text(folder / "contour.svg");
  for (const char* name : {"gd lr=0.0001", "start (-4, -2)", "minimum (1, 1)"}) {
    EXPECT_NE(svg.find(name), std::string::npos) << name;
  }
}

TEST(CliOptimize, AnExpressionWithAMinimum) {
  testing::TempDir dir;
  const testing::CommandResult result =
      run_nnlab(dir, {"optimize", "--function", "(x - 1)^2 + 2*(y + 0.5)^2", "--start", "3,2", "--minimum", "1,-0.5",
                      "--steps", "500", "-o", "gd:lr=0.1", "-o", "rmsprop:lr=0.01", "--out", "playground"});
  ASSERT_EQ(result.status, 0) << result.err;
  const std::string gd = row(result.out, "gd lr=0.1");
  EXPECT_NE(gd.find(" 1  "), std::string::npos) << result.out;  // x -> 1 by 0.8^500
  EXPECT_NE(gd.find(" -0.5  "), std::string::npos) << result.out;
  EXPECT_TRUE(gd.ends_with(" 500    converged")) << result.out;
  const std::filesystem::path folder = run_folder_of(dir, result);
  EXPECT_EQ(folder.parent_path().filename(), "playground");
  expect_files(folder, kAllFiles);
  EXPECT_NE(read_text(folder / "config.toml").find("expression = \"(x - 1)^2 + 2*(y + 0.5)^2\""), std::string::npos);
}

TEST(CliOptimize, AnExpressionWithoutAMinimumSkipsTheDistanceChart) {
  testing::TempDir dir;
  const testing::CommandResult result = run_nnlab(
      dir, {"optimize", "-f", "x^2 + x*y + y^2", "--start", "1,2", "--steps", "50", "-o", "adam", "--run-dir", "here"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("skipped distance: no known minimum (give --minimum X,Y to draw it)\n"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("run folder: here\n"), std::string::npos) << result.out;
  expect_files(dir.path() / "here", {"results.csv", "paths.csv", "contour.png", "value.png"});
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "here" / "distance.png"));
}

TEST(CliOptimize, AConfigFileWithAFlagOverridingIt) {
  testing::TempDir dir;
  const std::string config = testing::write_text(dir, "e12.toml", R"([function]
name = "booth"
start = [-8, -8]
steps = 100000

[[optimizer]]
name = "gd"
lr = 0.05

[[optimizer]]
name = "adagrad"
lr = 0.5
label = "Adagrad"
)");
  const testing::CommandResult result = run_nnlab(dir, {"optimize", config, "--steps", "400"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("nnlab optimize: booth from (-8, -8), 400 steps\n"), std::string::npos) << result.out;
  EXPECT_FALSE(row(result.out, "Adagrad").empty()) << result.out;
  const std::filesystem::path folder = run_folder_of(dir, result);
  expect_files(folder, kAllFiles);
  // The folder's config.toml runs the same thing again.
  const std::string saved = read_text(folder / "config.toml");
  EXPECT_NE(saved.find("steps = 400\n"), std::string::npos) << saved;
  const testing::CommandResult again = run_nnlab(dir, {"optimize", (folder / "config.toml").string()});
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(read_text(run_folder_of(dir, again) / "results.csv"), read_text(folder / "results.csv"));
}

TEST(CliOptimize, ADivergedOptimizerIsReportedAndTheOthersFinish) {
  testing::TempDir dir;
  const testing::CommandResult result =
      run_nnlab(dir, {"optimize", "-f", "rosenbrock", "--steps", "20000", "-o", "momentum:lr=1e-3,momentum=0.9", "-o",
                      "adam:lr=1e-3,beta1=0.9,beta2=0.99"});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(row(result.out, "momentum lr=0.001 momentum=0.9").find("  diverged at step "), std::string::npos)
      << result.out;
  EXPECT_TRUE(row(result.out, "adam lr=0.001 beta1=0.9 beta2=0.99").ends_with(" 20000  converged")) << result.out;
  const std::filesystem::path folder = run_folder_of(dir, result);
  expect_files(folder, kAllFiles);
  EXPECT_NE(read_text(folder / "distance.svg").find("momentum lr=0.001 momentum=0.9 (diverged at step "),
            std::string::npos);
}

TEST(CliOptimize, AParseErrorExits2NamingTheColumn) {
  testing::TempDir dir;
  expect_usage_error(run_nnlab(dir, {"optimize", "-f", "(1-x)^2 + 100*(y-x^2", "--start", "0,0", "-o", "gd:lr=0.1"}),
                     {"expression '(1-x)^2 + 100*(y-x^2': column 21: expected ')' to close the '(' at column 15"});
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "runs"));  // nothing half-made
}

TEST(CliOptimize, NotFiniteAtTheStartExits2) {
  testing::TempDir dir;
  expect_usage_error(run_nnlab(dir, {"optimize", "-f", "log(x) + y^2", "--start", "-1,0", "-o", "gd:lr=0.1"}),
                     {"f must be finite at the start, got f(-1, 0) = nan", "choose another --start"});
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "runs"));
}

TEST(CliOptimize, OtherBadInputsExit2) {
  testing::TempDir dir;
  expect_usage_error(run_nnlab(dir, {"optimize", "-f", "booth"}), {"no optimiser: give --optimizer NAME:KEY=VALUE"});
  expect_usage_error(run_nnlab(dir, {"optimize", "-f", "booth", "-o", "adam:lr=0"}),
                     {"--optimizer 'adam:lr=0': adam lr: expected a number > 0, got 0"});
  expect_usage_error(run_nnlab(dir, {"optimize", "-f", "x^2", "-o", "adam"}), {"an expression needs a start point"});
  expect_usage_error(run_nnlab(dir, {"optimize", "-o", "adam"}), {"no function: give --function NAME"});
  expect_usage_error(run_nnlab(dir, {"optimize", "-f", "booth", "-o", "adam", "--start", "1"}),
                     {"--start '1': expected X,Y"});
  const std::string config = testing::write_text(dir, "bad.toml", "[function]\nname = \"booth\"\nstart = 3\n");
  expect_usage_error(run_nnlab(dir, {"optimize", config}), {"bad.toml:3: [function] start: expected [x, y]"});
}

}  // namespace
}  // namespace nnlab
