// The settings of `nnlab optimize`: a full file, the flag forms, labels, the file written back,
// and an error naming the place for each kind of mistake.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/io/optimize_config.h"
#include "testing/asserts.h"

namespace nnlab {
namespace {

using io::OptimizeConfig;
using io::OptimizerSpec;
using io::parse_optimize_config;
using io::parse_optimizer_spec;

constexpr const char* kE12 = R"(out = "playground"

[function]
name = "rosenbrock"
start = [-4, -2.0]
minimum = [1.0, 1.0]
steps = 100000

[[optimizer]]
name = "gd"
lr = 1e-4

[[optimizer]]
name = "momentum"
lr = 1e-4
momentum = 0.9

[[optimizer]]
name = "adam"
lr = 1e-4
beta2 = 0.99
beta1 = 0.9
label = "Adam"
)";

TEST(OptimizeConfig, ReadsAFunctionAndItsOptimizers) {
  const OptimizeConfig config = parse_optimize_config(kE12, "e12.toml");
  EXPECT_EQ(config.function, "rosenbrock");
  ASSERT_TRUE(config.start.has_value());
  EXPECT_EQ(*config.start, (io::Point2D{-4, -2}));
  EXPECT_EQ(config.minima, (std::vector<io::Point2D>{{1, 1}}));
  EXPECT_EQ(config.steps, 100000);
  EXPECT_FALSE(config.window.has_value());
  EXPECT_EQ(config.out, "playground");
  ASSERT_EQ(config.optimizers.size(), 3u);
  EXPECT_EQ(config.optimizers[1].name, "momentum");
  EXPECT_EQ(config.optimizers[1].get("momentum"), 0.9);
  EXPECT_EQ(config.optimizers[1].get("dampening"), 0.0);  // torch's default
  // Settings keep the file's order (toml++ sorts its keys).
  const std::vector<std::pair<std::string, double>> adam = {{"lr", 1e-4}, {"beta2", 0.99}, {"beta1", 0.9}};
  EXPECT_EQ(config.optimizers[2].settings, adam);
  EXPECT_EQ(config.optimizers[2].label, "Adam");
  EXPECT_EQ(config.optimizers[2].get("eps"), 1e-8);
}

TEST(OptimizeConfig, AnExpressionWithSeveralMinimaAndAWindow) {
  const OptimizeConfig config = parse_optimize_config(R"([function]
expression = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
start = [0, 0]
minimum = [[3, 2], [-2.805118, 3.131312]]
window = [-5, 5, -5, 5]
)",
                                                      "h.toml");
  EXPECT_EQ(config.function, "(x^2 + y - 11)^2 + (x + y^2 - 7)^2");
  EXPECT_EQ(config.minima.size(), 2u);
  EXPECT_EQ(config.minima[1], (io::Point2D{-2.805118, 3.131312}));
  EXPECT_EQ(*config.window, (std::array<double, 4>{-5, 5, -5, 5}));
  EXPECT_EQ(config.steps, 10000);  // the default
  EXPECT_TRUE(config.optimizers.empty());
}

TEST(OptimizeConfig, OptimizerFlags) {
  const OptimizerSpec adam = parse_optimizer_spec("adam:lr=1e-4, beta1=0.9,beta2=0.99");
  EXPECT_EQ(adam.name, "adam");
  EXPECT_EQ(adam.get("lr"), 1e-4);
  EXPECT_EQ(adam.get("beta2"), 0.99);
  EXPECT_EQ(adam.get("weight_decay"), 0.0);
  const OptimizerSpec rmsprop = parse_optimizer_spec("rmsprop");  // every default
  EXPECT_EQ(rmsprop.get("lr"), 1e-2);
  EXPECT_EQ(rmsprop.get("alpha"), 0.99);
  EXPECT_EQ(parse_optimizer_spec("nesterov:lr=0.01").get("momentum"), 0.9);
  EXPECT_EQ(parse_optimizer_spec("gd:lr=0.5,label=plain GD").label, "plain GD");
  const auto effective = parse_optimizer_spec("gd:lr=0.5").effective();
  EXPECT_EQ(effective, (std::vector<std::pair<std::string, double>>{{"lr", 0.5}, {"weight_decay", 0.0}}));
}

TEST(OptimizeConfig, LabelsNameTheSettingsAndTellRepeatsApart) {
  std::vector<OptimizerSpec> specs = {
      parse_optimizer_spec("adam:lr=0.001,beta2=0.99"), parse_optimizer_spec("gd:lr=1e-4"),
      parse_optimizer_spec("adam:lr=0.001,beta2=0.99"), parse_optimizer_spec("adam:lr=0.001,beta2=0.99")};
  io::finish_labels(specs);
  EXPECT_EQ(specs[0].label, "adam lr=0.001 beta2=0.99");
  EXPECT_EQ(specs[1].label, "gd lr=0.0001");
  EXPECT_EQ(specs[2].label, "adam lr=0.001 beta2=0.99 (2)");
  EXPECT_EQ(specs[3].label, "adam lr=0.001 beta2=0.99 (3)");
}

TEST(OptimizeConfig, PointsAndWindows) {
  EXPECT_EQ(io::parse_point("-4,-2", "--start"), (io::Point2D{-4, -2}));
  EXPECT_EQ(io::parse_point(" 1.5 , 2e-1 ", "--start"), (io::Point2D{1.5, 0.2}));
  EXPECT_EQ(io::parse_points("3,2; -1,0.5", "--minimum"), (std::vector<io::Point2D>{{3, 2}, {-1, 0.5}}));
  EXPECT_EQ(io::parse_window("-5,3,-3,17", "--window"), (std::array<double, 4>{-5, 3, -3, 17}));
  expect_throw_with<ConfigError>([] { io::parse_point("1", "--start"); },
                                 "--start '1': expected X,Y (two numbers), got 1 value(s)");
  expect_throw_with<ConfigError>([] { io::parse_point("1,a", "--start"); },
                                 "--start '1,a': expected a number, got 'a'");
  expect_throw_with<ConfigError>([] { io::parse_point("1,inf", "--start"); }, "expected finite numbers");
  expect_throw_with<ConfigError>([] { io::parse_window("1,0,0,1", "--window"); },
                                 "--window '1,0,0,1': expected x_min < x_max and y_min < y_max");
}

TEST(OptimizeConfig, WrittenBackItReadsEqual) {
  OptimizeConfig config = parse_optimize_config(kE12, "e12.toml");
  config.window = std::array<double, 4>{-5, 3, -3, 17};
  config.minima = {{1, 1}, {0.1, 0.2}};
  io::finish_labels(config.optimizers);
  const OptimizeConfig back = parse_optimize_config(io::to_toml(config), "written");
  EXPECT_EQ(back.function, config.function);
  EXPECT_EQ(back.start, config.start);
  EXPECT_EQ(back.minima, config.minima);
  EXPECT_EQ(back.steps, config.steps);
  EXPECT_EQ(back.window, config.window);
  EXPECT_EQ(back.out, config.out);
  ASSERT_EQ(back.optimizers.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.optimizers[i].name, config.optimizers[i].name);
    EXPECT_EQ(back.optimizers[i].settings, config.optimizers[i].settings);
    EXPECT_EQ(back.optimizers[i].label, config.optimizers[i].label);
  }
  // An expression is written as one.
  config.function = "x^2 + \"y\"";
  EXPECT_NE(io::to_toml(config).find(R"(expression = "x^2 + \"y\"")"), std::string::npos);
}

TEST(OptimizeConfig, ErrorsNameTheFileLineAndKey) {
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"[function]\nname = \"booth\"\nsteeps = 10\n",
       "f.toml:3: unknown key 'steeps' in [function] (known: name, expression, start, minimum, steps, "
       "window); did you mean 'steps'?"},
      {"[function]\nname = \"booth\"\nexpression = \"x\"\n",
       "[function]: expected either name or expression, got both"},
      {"[function]\nstart = [1]\n", "f.toml:2: [function] start: expected [x, y], two numbers"},
      {"[function]\nsteps = 0\n", "f.toml:2: [function] steps: expected an integer from 1 to 2147483647"},
      {"[function]\nsteps = 9223372036854775807\n", "f.toml:2: [function] steps: expected an integer from 1 to"},
      {"[function]\nwindow = [1, 0, 0, 1]\n", "window: expected x_min < x_max and y_min < y_max"},
      {"[[optimizer]]\nlr = 0.1\n", "f.toml:1: [[optimizer]] #1: missing key 'name'"},
      {"[[optimizer]]\nname = \"adan\"\n",
       "f.toml:2: [[optimizer]] #1: expected an optimiser name (gd, momentum, nesterov, adam, rmsprop, adagrad), got "
       "'adan'; did you mean 'adam'?"},
      {"[[optimizer]]\nname = \"adam\"\nbeta = 0.9\n",
       "f.toml:3: [[optimizer]] #1: adam takes lr, beta1, beta2, eps, weight_decay, got 'beta'"},
      {"[[optimizer]]\nname = \"adam\"\nbeta2 = 1.0\n",
       "[[optimizer]] #1: adam beta2: expected a number in [0, 1), got 1"},
      {"[[optimizer]]\nname = \"gd\"\n",
       "f.toml:1: [[optimizer]] #1: gd needs lr (it has no default), e.g. gd:lr=0.001"},
      {"[[optimizer]]\nname = \"gd\"\nlr = \"fast\"\n", "f.toml:3: [[optimizer]] #1: gd lr: expected a number"},
      {"speed = 3\n", "f.toml:1: unknown key 'speed' (known: [function], [[optimizer]], out)"},
      {"[function\n", "f.toml:1:"},
  };
  for (const Case& c : cases) {
    expect_throw_with<ConfigError>([&] { parse_optimize_config(c.text, "f.toml"); }, c.message);
  }
  expect_throw_with<ConfigError>([] { parse_optimizer_spec("momentum:momentum=0.5"); },
                                 "--optimizer 'momentum:momentum=0.5': momentum needs lr (it has no default)");
  expect_throw_with<ConfigError>([] { parse_optimizer_spec("adam:lr"); },
                                 "--optimizer 'adam:lr': expected KEY=VALUE after 'adam:', got 'lr'");
  expect_throw_with<ConfigError>([] { parse_optimizer_spec("adam:lr=-1"); },
                                 "--optimizer 'adam:lr=-1': adam lr: expected a number > 0, got -1");
  expect_throw_with<ConfigError>([] { parse_optimizer_spec("sgd:lr=1"); }, "got 'sgd'");
  expect_throw_with<ConfigError>([] { parse_optimizer_spec("gd:lr=1,lr=2"); },
                                 "--optimizer 'gd:lr=1,lr=2': lr is given twice");
}

TEST(OptimizeConfig, TheE12ConfigReads) {
  // Tests run in tests/; the config lives in experiments/ (E12's other parts are in its
  // experiment file, which the catalogue tests run).
  const OptimizeConfig config = io::load_optimize_config("../experiments/e12-rosenbrock.toml");
  EXPECT_EQ(config.function, "rosenbrock");
  EXPECT_EQ(config.start, (io::Point2D{-4, -2}));
  EXPECT_EQ(config.steps, 100000);
  EXPECT_EQ(config.optimizers.size(), 3u);
}

TEST(OptimizeConfig, AMissingFileIsAnIoError) {
  expect_throw_with<IoError>([] { io::load_optimize_config("/nonexistent/e12.toml"); },
                             "'/nonexistent/e12.toml': expected a TOML file, got no such file");
}

}  // namespace
}  // namespace nnlab
