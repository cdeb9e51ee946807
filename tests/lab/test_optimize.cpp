// The optimiser playground: each optimiser's first steps against a hand computation, E12's
// divergence of momentum at lr 1e-3 beside a converging Adam, resolving functions and starts,
// and the run folder's files.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/lab/optimize.h"
#include "nnlab/lab/optimize_outputs.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

using analysis::Point2D;

// f = x^2 + 3y^2 from (1, 2): gradients (2x, 6y), so g_0 = (2, 12).
lab::PlaygroundFunction bowl() {
  io::OptimizeConfig config;
  config.function = "x^2 + 3*y^2";
  config.minima = {{0, 0}};
  return lab::resolve_function(config);
}

// The point after `steps` updates of the optimiser `spec` from (1, 2) on the bowl.
Point2D after(const std::string& spec, std::int64_t steps) {
  const lab::OptimizerRun run = lab::run_optimizer(bowl(), {1, 2}, io::parse_optimizer_spec(spec), steps);
  EXPECT_FALSE(run.descent.diverged) << run.descent.reason;
  return {run.descent.x.back(), run.descent.y.back()};
}

void expect_point(Point2D actual, Point2D expected, const std::string& what) {
  EXPECT_NEAR(actual.x, expected.x, 1e-12) << what;
  EXPECT_NEAR(actual.y, expected.y, 1e-12) << what;
}

TEST(Playground, FirstStepsOfEachOptimizerByHand) {
  // gd, lr 0.1: p_1 = (1, 2) - 0.1 (2, 12) = (0.8, 0.8).
  expect_point(after("gd:lr=0.1", 1), {0.8, 0.8}, "gd");
  // momentum 0.9 (heavy ball, torch's form b = 0.9 b + g, p -= lr b): b_1 = g_0 = (2, 12),
  // p_1 = (0.8, 0.8); g_1 = (1.6, 4.8), b_2 = (1.8 + 1.6, 10.8 + 4.8) = (3.4, 15.6),
  // p_2 = (0.8 - 0.34, 0.8 - 1.56) = (0.46, -0.76).
  expect_point(after("momentum:lr=0.1,momentum=0.9", 2), {0.46, -0.76}, "momentum");
  // nesterov: b_1 = g_0, p_1 = p_0 - lr (g_0 + 0.9 b_1) = (1, 2) - 0.1 · 1.9 (2, 12) = (0.62, -0.28).
  expect_point(after("nesterov:lr=0.1,momentum=0.9", 1), {0.62, -0.28}, "nesterov");
  // adam: m̂_1 = g, v̂_1 = g², so p_1 = p_0 - lr g / (|g| + eps) per coordinate.
  expect_point(after("adam:lr=0.01,eps=0", 1), {0.99, 1.99}, "adam");
  // rmsprop, alpha 0.99: s_1 = 0.01 g², p_1 = p_0 - lr g / (0.1 |g| + eps) = p_0 - 10 lr sign(g).
  expect_point(after("rmsprop:lr=0.01,eps=0", 1), {0.9, 1.9}, "rmsprop");
  // adagrad: s_1 = g², p_1 = p_0 - lr g / |g|; then g_1 = (1.98, 11.94),
  // s_2 = (4 + 1.98², 144 + 11.94²), p_2 = p_1 - lr g_1 / sqrt(s_2).
  const double x2 = 0.99 - 0.01 * 1.98 / std::sqrt(4 + 1.98 * 1.98);
  const double y2 = 1.99 - 0.01 * 11.94 / std::sqrt(144 + 11.94 * 11.94);
  expect_point(after("adagrad:lr=0.01,eps=0", 2), {x2, y2}, "adagrad");
}

TEST(Playground, MomentumAtLr1e3DivergesOnRosenbrockWhileAdamConverges) {
  // E12: from (-4, -2) the first gradient is (-28810, -3600); momentum at lr 1e-3 jumps to
  // x ~ 25, where the x^4 term's gradient is ~6e6, and leaves every bound within a few steps.
  // Adam's steps stay near lr in size whatever the gradient, and it walks the valley to (1, 1).
  io::OptimizeConfig config;
  config.function = "rosenbrock";
  config.steps = 20000;
  config.optimizers = {io::parse_optimizer_spec("momentum:lr=1e-3,momentum=0.9"),
                       io::parse_optimizer_spec("adam:lr=1e-3,beta1=0.9,beta2=0.99")};
  const lab::PlaygroundOutcome outcome = lab::run_playground(config);
  EXPECT_EQ(outcome.start, (Point2D{-4, -2}));  // rosenbrock's default start
  ASSERT_EQ(outcome.runs.size(), 2u);
  const lab::OptimizerRun& momentum = outcome.runs[0];
  ASSERT_TRUE(momentum.descent.diverged);
  EXPECT_LT(momentum.descent.diverged_at, 10);
  EXPECT_EQ(momentum.descent.steps_run, momentum.descent.diverged_at - 1);
  EXPECT_TRUE(std::isfinite(momentum.descent.value.back()));  // the last finite value is kept
  EXPECT_EQ(momentum.status().rfind("diverged at step ", 0), 0u) << momentum.status();
  const lab::OptimizerRun& adam = outcome.runs[1];
  EXPECT_FALSE(adam.descent.diverged);
  EXPECT_TRUE(adam.converged) << adam.status() << " at distance " << adam.distance;
  EXPECT_LT(adam.distance, lab::kConvergedDistance);
  EXPECT_EQ(adam.status(), "converged");
}

TEST(Playground, FunctionsByNameOrExpression) {
  io::OptimizeConfig config;
  config.function = "himmelblau";
  const lab::PlaygroundFunction himmelblau = lab::resolve_function(config);
  EXPECT_EQ(himmelblau.minima.size(), 4u);
  ASSERT_TRUE(himmelblau.window.has_value());
  config.function = "x^2 + (y - 1)^2";
  const lab::PlaygroundFunction expression = lab::resolve_function(config);
  EXPECT_TRUE(expression.minima.empty());
  EXPECT_FALSE(expression.window.has_value());
  expect_throw_with<ConfigError>([&] { lab::resolve_start(config, expression); },
                                 "an expression needs a start point: give --start X,Y");
  config.function = "rosenbrok";
  expect_throw_with<ConfigError>([&] { lab::resolve_function(config); },
                                 "'rosenbrok' is not a named function either (named: rosenbrock, beale, himmelblau, "
                                 "booth, matyas, three-hump-camel, rastrigin, goldstein-price, sphere); did you mean "
                                 "'rosenbrock'?");
  config.function = "2 + 3";
  expect_throw_with<ConfigError>([&] { lab::resolve_function(config); }, "depends on neither x nor y");
}

TEST(Playground, StartsWhereFOrItsGradientIsNotFiniteAreRefused) {
  io::OptimizeConfig config;
  config.function = "log(x) + y^2";
  config.start = Point2D{-1, 0};
  const lab::PlaygroundFunction f = lab::resolve_function(config);
  expect_throw_with<ConfigError>([&] { lab::resolve_start(config, f); },
                                 "optimize: f must be finite at the start, got f(-1, 0) = nan for 'log(x) + y^2'");
  config.function = "sqrt(x) + y^2";
  config.start = Point2D{0, 1};
  expect_throw_with<ConfigError>([&] { lab::resolve_start(config, lab::resolve_function(config)); },
                                 "the gradient must be finite at the start, got (inf, 2) at (0, 1)");
}

TEST(Playground, ThinnedStepsKeepBothEndsAndBothScales) {
  std::vector<std::int64_t> steps(100001);
  for (std::int64_t i = 0; i < 100001; ++i) steps[i] = i;
  const std::vector<std::size_t> kept = lab::thin_steps(steps, 200);
  EXPECT_LE(kept.size(), 202u);
  EXPECT_EQ(kept.front(), 0u);
  EXPECT_EQ(kept.back(), 100000u);
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));
  // Log spacing keeps the first steps one by one; linear spacing keeps the middle.
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(kept[i], i);
  EXPECT_TRUE(std::any_of(kept.begin(), kept.end(), [](std::size_t i) { return i > 49000 && i < 51000; }));
  EXPECT_EQ(lab::thin_steps({0, 5, 9}, 200), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(Playground, TheWindowHoldsTheStartMinimaAndPathsButNotRunaways) {
  lab::PlaygroundOutcome outcome;  // Rosenbrock's, from E12's start
  outcome.function.minima = {{1, 1}};
  outcome.function.window = std::array<double, 4>{-2, 2, -1, 3};
  outcome.start = {-4, -2};
  lab::OptimizerRun run;
  run.descent.x = {-4, 0, 1, 1e6};  // the last point is on its way to a divergence
  run.descent.y = {-2, 16, 1, 1e6};
  outcome.runs.push_back(run);
  const std::array<double, 4> w = lab::playground_window(outcome, false);
  EXPECT_LT(w[0], -4);
  EXPECT_GT(w[1], 1);
  EXPECT_LT(w[2], -2);
  EXPECT_GT(w[3], 16);
  EXPECT_LT(w[3], 20);
  // A window the config gives is kept as it is.
  EXPECT_EQ(lab::playground_window(outcome, true), (std::array<double, 4>{-2, 2, -1, 3}));
}

TEST(Playground, TheRunFolderHasTheTablesAndCharts) {
  testing::TempDir dir;
  io::OptimizeConfig config;
  config.function = "booth";
  config.steps = 300;
  config.optimizers = {io::parse_optimizer_spec("gd:lr=0.05"), io::parse_optimizer_spec("momentum:lr=1")};
  const lab::PlaygroundOutcome outcome = lab::run_playground(config);
  const lab::PlaygroundFiles files = lab::write_playground_outputs(outcome, config, dir.path());
  EXPECT_TRUE(files.notes.empty());
  for (const char* name : {"config.toml", "results.csv", "paths.csv", "contour.png", "contour.svg", "distance.png",
                           "distance.svg", "value.png", "value.svg"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(dir.path() / name)) << name;
  }
  std::ifstream in(dir.path() / "results.csv");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("gd lr=0.05,gd,lr=0.05 weight_decay=0,"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(",300,converged\n"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("momentum lr=1,momentum,"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(",diverged at step "), std::string::npos) << text.str();
  // Without a known minimum there is no distance chart, and the table says why.
  config.function = "x^2 + y^2 + x*y";
  config.start = Point2D{1, 1};
  testing::TempDir other;
  const lab::PlaygroundFiles some = lab::write_playground_outputs(lab::run_playground(config), config, other.path());
  ASSERT_EQ(some.notes.size(), 1u);
  EXPECT_EQ(some.notes[0], "distance: no known minimum (give --minimum X,Y to draw it)");
  EXPECT_FALSE(std::filesystem::exists(other.path() / "distance.png"));
}

}  // namespace
}  // namespace nnlab
