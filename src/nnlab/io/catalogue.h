#pragma once
// The experiment catalogue: one TOML file per experiment in experiments/, read by `nnlab run`.
// The file says what the experiment asks and holds its parts, each a whole config (with a
// [sweep] when it compares runs), in the order its report shows them:
//
//   [experiment]
//   id = "e4"
//   title = "Hyper-parameter studies on small models"
//   question = "How do the learning rate, batch size, dropout and momentum change training?"
//   minutes = 8                                # a full run on two cores
//   quick = ["train.epochs=1", "data.limit=2000"]   # --quick: for every part but optimize parts
//   rank_by = "test/accuracy"                  # optional: the report ranks every model of every
//                                              # part by this final metric (E7)
//
//   [[part]]
//   name = "lr"                                # its folder in the experiment's folder
//   title = "Learning rate for logistic regression"
//   about = "what the part shows and how to read it"
//   quick = ["train.epochs=2"]                 # more --quick overrides for this part (optional;
//                                              # an optimize part's are flags: "--steps=2000")
//   kind = "sweep"                             # train | sweep | optimize | closed_form | baseline | pca
//                                              # (optional: sweep when the part has [part.sweep],
//                                              # else train)
//   runs_of = ["seeds"]                        # pca: earlier parts whose runs (a sweep's finished
//                                              # trials) are projected together; no config
//   show_trials = ["best", "worst"]            # sweep: these trials' own plots go in the report
//   ranked = false                             # leave its models out of rank_by's table
//   reuse = true                               # take this part's folder from an earlier run of
//                                              # the experiment in the same --out folder when its
//                                              # config and overrides were the same (a pretrained
//                                              # model); "{experiment}" in a part's config is the
//                                              # experiment's folder: "{experiment}/pretrain/..." 
//   [part.model]                               # the part's config: [part.X] is the config's [X]
//   type = "logistic"
//   [part.sweep]
//   grid = { "optim.lr" = [1e-5, 1e-3, 0.1] }
//
// A part's config text keeps the file's line numbers (other lines are blanked), so an error in
// it points at the right line of the experiment file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::io {

enum class PartKind { train, sweep, optimize, closed_form, baseline, pca };
// "train", "sweep", "optimize", "closed_form", "baseline", "pca".
const char* to_string(PartKind kind);

struct ExperimentPart {
  std::string name{};   // letters, digits, '-', '_'
  std::string title{};
  std::string about{};
  PartKind kind = PartKind::train;
  std::vector<std::string> quick{};        // --quick overrides of this part (after the experiment's)
  std::vector<std::string> show_trials{};  // "best", "worst" or trial names (sweep parts)
  std::vector<std::string> runs_of{};      // pca: names of earlier train or sweep parts
  bool reuse = false;                      // an earlier identical run's folder may stand in
  bool ranked = true;                      // its models are in the experiment's ranking
  std::string config_text{};               // a config file's text, without the part's own keys
};

struct ExperimentSpec {
  std::filesystem::path file{};
  std::string id{};  // "e4"
  std::string title{};
  std::string question{};
  double minutes = 0.0;
  std::vector<std::string> quick{};
  std::string rank_by{};                // "split/metric" ranking every model in the report, or empty
  std::vector<ExperimentPart> parts{};  // at least one, in file order
};

// Reads an experiment file. Throws ConfigError naming the file, line and key for an unknown or
// missing key, a duplicate part name, an unknown kind, or a pca part whose runs_of is missing or
// names no earlier train or sweep part; IoError when it cannot be read.
ExperimentSpec load_experiment_spec(const std::filesystem::path& file);

// Every *.toml with an [experiment] table in `dir`, sorted by id (e1, e2, ..., e10, ...).
std::vector<ExperimentSpec> load_catalogue(const std::filesystem::path& dir);

}  // namespace nnlab::io
