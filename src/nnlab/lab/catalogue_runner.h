#pragma once
// `nnlab run`: an experiment of the catalogue (io/catalogue.h) run part by part into one folder,
//   <out>/<id>-<date>-<time>/  experiment.toml (the file as given), parts/<part>.toml (each part's
//                              config), <part>/ (its run, sweep or optimisation folder),
//                              experiment.json (each part's command, exit status and time),
//                              report.html (every part's tables and pictures, in order)
// Each part is its own `nnlab train | sweep | optimize | closed-form` process, so a part that
// fails is recorded and the others still run.
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "nnlab/io/catalogue.h"

namespace nnlab::lab {

// The catalogue folder: `given` when set, else experiments/ beside the nnlab binary's folder
// (build/nnlab -> experiments/), else the source tree's, else ./experiments. IoError when none is.
std::filesystem::path find_catalogue(const std::filesystem::path& given, const std::filesystem::path& nnlab);

// The experiment called `name` (its id, "e6", or its file name without .toml). ConfigError
// listing the known ones when there is none.
const io::ExperimentSpec& find_experiment(const std::vector<io::ExperimentSpec>& catalogue, const std::string& name);

// The table of `nnlab run --list`: id, title, what it answers, expected minutes on two cores.
std::string describe_catalogue(const std::vector<io::ExperimentSpec>& catalogue);

struct CatalogueRunOptions {
  bool quick = false;                  // the experiment's and each part's `quick` overrides
  std::vector<std::string> overrides;  // --set, for every part but optimize parts (after quick)
  std::filesystem::path out = "runs";  // parent of the experiment's folder
  std::ostream* progress = nullptr;    // a line per part started and ended
  std::filesystem::path nnlab;         // the executable that runs each part
};

struct PartOutcome {
  io::ExperimentPart part{};
  std::filesystem::path folder{};       // <experiment>/<part>
  int status = -1;                      // exit status of its process; -1: not run
  double seconds = 0.0;
  std::filesystem::path reused_from{};  // reuse: the earlier experiment folder it was copied from
};

struct CatalogueOutcome {
  std::filesystem::path folder;
  std::vector<PartOutcome> parts;
  bool interrupted = false;
};

// The overrides part `part` runs with: quick ones (when asked), then options.overrides. An
// optimize part takes only its own quick entries, as flags of `nnlab optimize`.
std::vector<std::string> part_overrides(const io::ExperimentSpec& spec, const io::ExperimentPart& part,
                                        const CatalogueRunOptions& options);

// Checks every train and sweep part's config (with its overrides) before anything runs, then
// runs the parts in order. ConfigError naming the file and line for a bad part.
CatalogueOutcome run_catalogue_experiment(const io::ExperimentSpec& spec, const CatalogueRunOptions& options);

}  // namespace nnlab::lab
