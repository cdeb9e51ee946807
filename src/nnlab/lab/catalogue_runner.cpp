#include "nnlab/lab/catalogue_runner.h"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/config.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/io/optimize_config.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/io/sweep_config.h"
#include "nnlab/lab/experiment_report.h"
#include "nnlab/lab/trial_process.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::lab {
namespace {

// The part's own command line: its config in parts/, its folder in the experiment's.
// `overrides` are `--set key=value`s, except for an optimize part, whose config is not an
// experiment config: there they are flags of `nnlab optimize` ("--steps=2000").
std::vector<std::string> part_args(const io::ExperimentPart& part, const std::filesystem::path& config,
                                   const std::filesystem::path& folder, const std::vector<std::string>& overrides) {
  std::vector<std::string> args;
  switch (part.kind) {
    case io::PartKind::train: args = {"train", config.string(), "--run-dir", folder.string()}; break;
    case io::PartKind::sweep: args = {"sweep", config.string(), "--sweep-dir", folder.string()}; break;
    case io::PartKind::optimize: args = {"optimize", config.string(), "--run-dir", folder.string()}; break;
    case io::PartKind::closed_form: args = {"closed-form", config.string(), "--run-dir", folder.string()}; break;
  }
  for (const std::string& o : overrides) {
    if (part.kind == io::PartKind::optimize) {
      args.push_back(o);
    } else {
      args.insert(args.end(), {"--set", o});
    }
  }
  return args;
}

// Parts are checked as their commands would check them (closed-form parts as train parts: the
// same config); an optimize part's flags are checked when it starts.
void check_part(const io::ExperimentSpec& spec, const io::ExperimentPart& part,
                const std::vector<std::string>& overrides) {
  const std::string source = fmt::format("{} (part '{}')", spec.file.string(), part.name);
  if (part.kind == io::PartKind::train || part.kind == io::PartKind::closed_form) {
    io::parse_config(part.config_text, source, overrides);
  }
  if (part.kind == io::PartKind::sweep) io::parse_sweep_text(part.config_text, source, overrides);
  if (part.kind == io::PartKind::optimize) io::parse_optimize_config(part.config_text, source);
}

int run_part(const std::filesystem::path& nnlab, const std::vector<std::string>& args) {
  const pid_t pid = start_process(nnlab, args, {});
  while (true) {
    const ProcessEnd end = wait_for_any_process();
    if (end.pid == pid) return end.status;
  }
}

}  // namespace

std::filesystem::path find_catalogue(const std::filesystem::path& given, const std::filesystem::path& nnlab) {
  if (!given.empty()) {
    NNLAB_CHECK(std::filesystem::is_directory(given), IoError, "--catalogue '{}': not a folder", given.string());
    return given;
  }
  const std::filesystem::path candidates[] = {nnlab.parent_path().parent_path() / "experiments",
                                              nnlab.parent_path() / "experiments",
                                              std::filesystem::path(NNLAB_SOURCE_DIR) / "experiments", "experiments"};
  for (const std::filesystem::path& dir : candidates) {
    if (std::filesystem::is_directory(dir)) return dir;
  }
  throw IoError("cannot find the experiment catalogue (an experiments/ folder beside the nnlab build folder or here); "
                "name it with --catalogue DIR");
}

const io::ExperimentSpec& find_experiment(const std::vector<io::ExperimentSpec>& catalogue, const std::string& name) {
  std::vector<std::string> known;
  for (const io::ExperimentSpec& spec : catalogue) {
    if (spec.id == name || spec.file.stem() == name) return spec;
    known.push_back(spec.id);
  }
  std::string list;
  for (const io::ExperimentSpec& spec : catalogue) list += fmt::format("\n  {:<5} {}", spec.id, spec.title);
  throw ConfigError(fmt::format("no experiment '{}' in the catalogue{}; known:{}", name,
                                io::schema::did_you_mean(name, known), list));
}

std::string describe_catalogue(const std::vector<io::ExperimentSpec>& catalogue) {
  std::string out = fmt::format("{:<5}  {:<52}  {:>8}  {}\n", "id", "title", "minutes", "question");
  for (const io::ExperimentSpec& spec : catalogue) {
    out += fmt::format("{:<5}  {:<52}  {:>8}  {}\n", spec.id, spec.title, fmt::format("{:g}", spec.minutes),
                       spec.question);
  }
  return out;
}

std::vector<std::string> part_overrides(const io::ExperimentSpec& spec, const io::ExperimentPart& part,
                                        const CatalogueRunOptions& options) {
  const bool config_keys = part.kind != io::PartKind::optimize;  // an optimize part takes flags
  std::vector<std::string> overrides;
  if (options.quick && config_keys) overrides = spec.quick;
  if (options.quick) overrides.insert(overrides.end(), part.quick.begin(), part.quick.end());
  if (config_keys) overrides.insert(overrides.end(), options.overrides.begin(), options.overrides.end());
  return overrides;
}

CatalogueOutcome run_catalogue_experiment(const io::ExperimentSpec& spec, const CatalogueRunOptions& options) {
  for (const io::ExperimentPart& part : spec.parts) check_part(spec, part, part_overrides(spec, part, options));
  CatalogueOutcome outcome{.folder = io::RunFolder::create(options.out, spec.id).dir(), .parts = {}};
  io::write_file_atomically((outcome.folder / "experiment.toml").string(), report::read_optional_file(spec.file).value_or(""));
  std::filesystem::create_directories(outcome.folder / "parts");
  nlohmann::ordered_json record{{"id", spec.id}, {"title", spec.title}, {"quick", options.quick}};
  InterruptGuard guard;  // Ctrl-C reaches the running part too; no part starts after it
  for (std::size_t i = 0; i < spec.parts.size(); ++i) {
    const io::ExperimentPart& part = spec.parts[i];
    PartOutcome& p = outcome.parts.emplace_back(PartOutcome{.part = part, .folder = outcome.folder / part.name});
    if (interrupt_requested()) continue;
    const std::filesystem::path config = outcome.folder / "parts" / (part.name + ".toml");
    io::write_file_atomically(config.string(), part.config_text);
    std::vector<std::string> overrides;
    if (part.kind != io::PartKind::optimize) overrides.push_back(fmt::format("name={}-{}", spec.id, part.name));
    const std::vector<std::string> more = part_overrides(spec, part, options);
    overrides.insert(overrides.end(), more.begin(), more.end());
    const std::vector<std::string> args = part_args(part, config, p.folder, overrides);
    if (options.progress) {
      *options.progress << fmt::format("\n== {} part {}/{}: {} ({})\n", spec.id, i + 1, spec.parts.size(), part.title,
                                       io::to_string(part.kind))
                        << std::flush;
    }
    const auto start = std::chrono::steady_clock::now();
    p.status = run_part(options.nnlab, args);
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record["parts"].push_back({{"name", part.name},
                               {"kind", io::to_string(part.kind)},
                               {"args", args},
                               {"status", p.status},
                               {"seconds", p.seconds}});
    io::write_file_atomically((outcome.folder / "experiment.json").string(), record.dump(2) + "\n");
    write_experiment_report(outcome.folder);  // grows part by part
  }
  outcome.interrupted = interrupt_requested();
  return outcome;
}

}  // namespace nnlab::lab
