// Experiment files of the catalogue: the header, the parts and their config text (which keeps
// the file's line numbers), and the errors a bad file gets.
#include <gtest/gtest.h>

#include <fstream>

#include "nnlab/core/error.h"
#include "nnlab/io/catalogue.h"
#include "nnlab/io/config.h"
#include "nnlab/io/sweep_config.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::io {
namespace {

constexpr const char* kTwoParts = R"([experiment]
id = "e9"
title = "Two parts"
question = "Does it read?"
minutes = 1.5
quick = ["train.epochs=1"]

[[part]]
name = "one"
title = "A run"
about = "first"
[part.data]
dataset = "map"
[part.train]
epochs = 3

[[part]]
name = "two"
quick = ["data.samples=100"]
show_trials = ["best", "worst"]
seed = 4
[part.model]
hidden = [8]
[[part.model.layers]]
type = "linear"
out = 2
[part.sweep]
grid = { "optim.lr" = [0.1, 0.01] }
)";

std::filesystem::path write(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  const std::filesystem::path path = dir.path() / name;
  std::ofstream(path) << text;
  return path;
}

TEST(Catalogue, ReadsTheHeaderAndEachPartsConfigWithItsLineNumbers) {
  testing::TempDir dir;
  const ExperimentSpec spec = load_experiment_spec(write(dir, "e9.toml", kTwoParts));
  EXPECT_EQ(spec.id, "e9");
  EXPECT_EQ(spec.title, "Two parts");
  EXPECT_DOUBLE_EQ(spec.minutes, 1.5);
  EXPECT_EQ(spec.quick, std::vector<std::string>{"train.epochs=1"});
  ASSERT_EQ(spec.parts.size(), 2u);
  const ExperimentPart& one = spec.parts[0];
  EXPECT_EQ(one.name, "one");
  EXPECT_EQ(one.kind, PartKind::train);
  EXPECT_EQ(one.about, "first");
  const ExperimentConfig config = parse_config(one.config_text, "one", {});
  EXPECT_EQ(config.data.dataset, "map");
  EXPECT_EQ(config.train.epochs, 3);
  const ExperimentPart& two = spec.parts[1];
  EXPECT_EQ(two.kind, PartKind::sweep);  // it has [part.sweep]
  EXPECT_EQ(two.title, "two");           // the name when no title is given
  EXPECT_EQ(two.show_trials, (std::vector<std::string>{"best", "worst"}));
  const SweepFile sweep = parse_sweep_text(two.config_text, "two", {});
  EXPECT_EQ(sweep.base.seed, 4u);
  EXPECT_EQ(sweep.base.model.layers.size(), 1u);
  ASSERT_EQ(sweep.sweep.grid.size(), 1u);
  // Line numbers are the experiment file's: line 21 holds "seed = 4".
  std::vector<std::string> lines;
  std::istringstream text(two.config_text);
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  ASSERT_GE(lines.size(), 27u);
  EXPECT_EQ(lines[20], "seed = 4");
  EXPECT_EQ(lines[21], "[model]");
  EXPECT_EQ(lines[23], "[[model.layers]]");
  EXPECT_EQ(lines[16], "");  // [[part]]
  EXPECT_EQ(lines[17], "");  // name = "two": the part's own key, not config
  EXPECT_EQ(lines[12], "");  // the first part's lines
  // An error in a part names the experiment file's line.
  expect_throw_with<ConfigError>(
      [&] { parse_config(one.config_text + "[optim]\nlr = -1\n", "e9.toml", {}); }, "e9.toml:");
}

TEST(Catalogue, BadExperimentFilesAreConfigErrorsNamingLineAndKey) {
  testing::TempDir dir;
  const auto error_of = [&](const std::string& text) {
    try {
      load_experiment_spec(write(dir, "bad.toml", text));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string header = "[experiment]\nid = \"e1\"\ntitle = \"t\"\nquestion = \"q\"\n";
  EXPECT_NE(error_of(header).find("no [[part]]"), std::string::npos);
  EXPECT_NE(error_of("[experiment]\nid = \"e1\"\n[[part]]\nname = \"a\"\n").find("misses the key 'title'"),
            std::string::npos);
  EXPECT_NE(error_of(header + "titel = \"x\"\n[[part]]\nname = \"a\"\n").find("bad.toml:5: unknown key 'titel'"),
            std::string::npos);
  EXPECT_NE(error_of(header + "[[part]]\ntitle = \"x\"\n").find("missing key 'name'"), std::string::npos);
  EXPECT_NE(error_of(header + "[[part]]\nname = \"a\"\n[[part]]\nname = \"a\"\n").find("a second part named 'a'"),
            std::string::npos);
  EXPECT_NE(error_of(header + "[[part]]\nname = \"a\"\nkind = \"plot\"\n").find("bad.toml:7: [[part]] kind"),
            std::string::npos);
  EXPECT_NE(error_of(header + "[[part]]\nname = \"../a\"\n").find("it names a folder"), std::string::npos);
  EXPECT_NE(error_of("[data]\ndataset = \"map\"\n" + header + "[[part]]\nname = \"a\"\n").find("outside a part"),
            std::string::npos);
}

TEST(Catalogue, APcaPartNamesEarlierRunPartsAndHasNoConfig) {
  testing::TempDir dir;
  const std::string header = "[experiment]\nid = \"e10\"\ntitle = \"t\"\nquestion = \"q\"\n";
  const std::string runs = "[[part]]\nname = \"seeds\"\n[part.sweep]\nseeds = 2\n";
  const ExperimentSpec spec =
      load_experiment_spec(write(dir, "e10.toml", header + runs + "[[part]]\nname = \"pca\"\nkind = \"pca\"\n"
                                                                  "runs_of = [\"seeds\"]\n"));
  ASSERT_EQ(spec.parts.size(), 2u);
  EXPECT_EQ(spec.parts[1].kind, PartKind::pca);
  EXPECT_EQ(spec.parts[1].runs_of, std::vector<std::string>{"seeds"});

  const auto error_of = [&](const std::string& text) {
    try {
      load_experiment_spec(write(dir, "bad.toml", header + text));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string pca = "[[part]]\nname = \"pca\"\nkind = \"pca\"\n";
  EXPECT_NE(error_of(runs + pca).find("needs runs_of"), std::string::npos);
  EXPECT_NE(error_of(pca + "runs_of = [\"seeds\"]\n" + runs).find("runs_of names 'seeds', which is no earlier"),
            std::string::npos);
  EXPECT_NE(error_of(runs + pca + "runs_of = [\"seeds\"]\nseed = 3\n").find("takes no config, but has 'seed'"),
            std::string::npos);
  EXPECT_NE(error_of("[[part]]\nname = \"a\"\nruns_of = [\"x\"]\n").find("runs_of belongs to pca parts"),
            std::string::npos);
}

TEST(Catalogue, ListsExperimentFilesSortedByNumberAndSkipsPlainConfigs) {
  testing::TempDir dir;
  const std::string parts = "title = \"t\"\nquestion = \"q\"\n[[part]]\nname = \"a\"\n";
  write(dir, "ten.toml", "[experiment]\nid = \"e10\"\n" + parts);
  write(dir, "two.toml", "[experiment]\nid = \"e2\"\n" + parts);
  write(dir, "plain.toml", "[data]\ndataset = \"map\"\n");
  const std::vector<ExperimentSpec> specs = load_catalogue(dir.path());
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].id, "e2");
  EXPECT_EQ(specs[1].id, "e10");
}

}  // namespace
}  // namespace nnlab::io
