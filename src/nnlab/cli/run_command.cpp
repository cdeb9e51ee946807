// nnlab run NAME [--quick] [--out DIR] [--set k=v]..., nnlab run --list.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "nnlab/cli/commands.h"
#include "nnlab/core/check.h"
#include "nnlab/lab/catalogue_runner.h"
#include "nnlab/lab/trial_process.h"

namespace nnlab::cli {
namespace {

struct RunFlags {
  std::string name;
  bool list = false;
  bool quick = false;
  std::string out;
  std::vector<std::string> overrides;
  std::string catalogue;
};

// What ran, where, and the exit status: 0, 1 when a part failed, 130 when interrupted.
int finish(const lab::CatalogueOutcome& outcome) {
  int status = 0;
  std::cout << "\n";
  for (const lab::PartOutcome& p : outcome.parts) {
    const std::string state = p.status < 0 ? "not run" : p.status == 0 ? "done" : fmt::format("failed ({})", p.status);
    std::cout << fmt::format("  {:<16} {:<12} {:>7.1f} s  {}\n", p.part.name, state, p.seconds, p.folder.string());
    if (p.status > 0 && status == 0) status = 1;
  }
  std::cout << "report: " << (outcome.folder / "report.html").string() << "\n"
            << "experiment folder: " << outcome.folder.string() << "\n";
  if (outcome.interrupted) {
    std::cerr << "nnlab: interrupted; the parts that ran are in the experiment folder\n";
    return 130;
  }
  if (status != 0) std::cerr << "nnlab: a part of the experiment failed; its output is above\n";
  return status;
}

}  // namespace

void add_run_command(CLI::App& app, int& status) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* command = app.add_subcommand(
      "run", "Run an experiment of the catalogue (experiments/) by name: every part, one folder, one report");
  command->add_option("name", flags->name, "the experiment's id (e6) or file name (see --list)");
  command->add_flag("--list", flags->list, "list the catalogue: id, title, expected minutes, what it answers");
  command->add_flag("--quick", flags->quick, "the same parts with far fewer epochs and examples (a smoke test)");
  command->add_option("--out", flags->out, "parent folder of the experiment folder (default runs)")->type_name("DIR");
  command->add_option("--set", flags->overrides, "override a config key in every part (repeatable)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  command->add_option("--catalogue", flags->catalogue, "the folder of experiment files (default experiments/)")
      ->type_name("DIR");
  command->callback([flags, &status] {
    const std::filesystem::path nnlab = lab::this_executable();
    const std::vector<io::ExperimentSpec> catalogue = io::load_catalogue(lab::find_catalogue(flags->catalogue, nnlab));
    if (flags->list) {
      std::cout << lab::describe_catalogue(catalogue);
      status = 0;
      return;
    }
    NNLAB_CHECK(!flags->name.empty(), ConfigError, "run: name an experiment (nnlab run --list shows them)");
    const io::ExperimentSpec& spec = lab::find_experiment(catalogue, flags->name);
    status = finish(lab::run_catalogue_experiment(spec, {.quick = flags->quick,
                                                         .overrides = flags->overrides,
                                                         .out = flags->out.empty() ? "runs" : flags->out,
                                                         .progress = &std::cout,
                                                         .nnlab = nnlab}));
  });
}

}  // namespace nnlab::cli
