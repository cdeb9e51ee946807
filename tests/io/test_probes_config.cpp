// The [probes] section: switches, option tables, overrides, and errors naming the key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/io/config.h"
#include "testing/asserts.h"

namespace nnlab::io {
namespace {

ExperimentConfig parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return parse_config(text, "cfg.toml", overrides);
}

TEST(ProbesConfig, EveryProbeIsOffByDefault) {
  const ProbesConfig p = parse("").probes;
  EXPECT_FALSE(p.grad_norms.enabled || p.weight_norms.enabled || p.snapshots.enabled || p.sensitivity.enabled ||
               p.decision_boundary.enabled || p.confusion.enabled || p.misclassified.enabled ||
               p.true_class_probability.enabled || p.weight_images.enabled);
  EXPECT_EQ(p.split, "test");
}

TEST(ProbesConfig, ATrueSwitchTurnsAProbeOnWithItsDefaults) {
  const ProbesConfig p = parse("[probes]\ngrad_norms = true\nconfusion = false\n").probes;
  EXPECT_TRUE(p.grad_norms.enabled);
  EXPECT_EQ(p.grad_norms.every, 1);
  EXPECT_FALSE(p.confusion.enabled);
}

TEST(ProbesConfig, ATableOfOptionsTurnsAProbeOnUnlessItSaysOtherwise) {
  const ProbesConfig p = parse(
                             "[probes]\ngrad_norms = { every = 10 }\nsnapshots = { every = 5, enabled = false }\n"
                             "[probes.decision_boundary]\nresolution = 50\n")
                             .probes;
  EXPECT_TRUE(p.grad_norms.enabled);
  EXPECT_EQ(p.grad_norms.every, 10);
  EXPECT_FALSE(p.snapshots.enabled);
  EXPECT_EQ(p.snapshots.every, 5);
  EXPECT_TRUE(p.decision_boundary.enabled);
  EXPECT_EQ(p.decision_boundary.resolution, 50);
}

TEST(ProbesConfig, OverridesSwitchAndTuneProbes) {
  const ProbesConfig p = parse("[probes]\nsnapshots = true\n",
                               {"probes.grad_norms=true", "probes.snapshots.every=7", "probes.misclassified.count=4"})
                             .probes;
  EXPECT_TRUE(p.grad_norms.enabled);
  EXPECT_TRUE(p.snapshots.enabled);
  EXPECT_EQ(p.snapshots.every, 7);
  EXPECT_TRUE(p.misclassified.enabled);  // an option given turns the probe on
  EXPECT_EQ(p.misclassified.count, 4);
  EXPECT_FALSE(parse("[probes]\nsnapshots = true\n", {"probes.snapshots=false"}).probes.snapshots.enabled);
}

TEST(ProbesConfig, WrittenConfigReadsBackEqual) {
  const ExperimentConfig config =
      parse("[probes]\nsplit = \"val\"\ngrad_norms = { every = 3 }\nweight_images = true\n");
  EXPECT_EQ(parse(to_toml(config)), config);
}

TEST(ProbesConfig, UnknownProbeIsAnErrorNamingItAndTheKnownOnes) {
  expect_throw_with<ConfigError>([] { parse("[probes]\ngradnorms = true\n"); },
                                 "cfg.toml:2: unknown key 'gradnorms' in [probes]");
  expect_throw_with<ConfigError>([] { parse("[probes]\ngradnorms = true\n"); }, "did you mean 'grad_norms'?");
  expect_throw_with<ConfigError>([] { parse("", {"probes.sensitivty=true"}); }, "unknown key 'sensitivty'");
}

TEST(ProbesConfig, BadOptionValuesNameTheKey) {
  expect_throw_with<ConfigError>([] { parse("[probes]\ngrad_norms = { every = 0 }\n"); },
                                 "[probes.grad_norms] every: expected an integer >= 1, got 0");
  expect_throw_with<ConfigError>([] { parse("[probes]\ngrad_norms = { evry = 2 }\n"); },
                                 "unknown key 'evry' in [probes.grad_norms]");
  expect_throw_with<ConfigError>([] { parse("[probes]\nsplit = \"dev\"\n"); }, "[probes] split");
  expect_throw_with<ConfigError>([] { parse("[probes]\nconfusion = 3\n"); }, "[probes.confusion]: expected a table");
}

}  // namespace
}  // namespace nnlab::io
