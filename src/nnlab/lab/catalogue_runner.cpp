#include "nnlab/lab/catalogue_runner.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/baseline_config.h"
#include "nnlab/io/config.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/io/optimize_config.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/io/sweep_config.h"
#include "nnlab/lab/experiment_data.h"
#include "nnlab/lab/experiment_report.h"
#include "nnlab/lab/sweep_plan.h"
#include "nnlab/lab/sweep_runner.h"
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
    case io::PartKind::baseline: args = {"baseline", config.string(), "--run-dir", folder.string()}; break;
    case io::PartKind::pca: throw InternalError("part_args: a pca part runs `nnlab analyze pca` (pca_args)");
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
// same config), their data files included; an optimize part's flags are checked when it starts.
void check_part(const io::ExperimentSpec& spec, const io::ExperimentPart& part,
                const std::vector<std::string>& overrides) {
  const std::string source = fmt::format("{} (part '{}')", spec.file.string(), part.name);
  if (part.kind == io::PartKind::train || part.kind == io::PartKind::closed_form) {
    check_experiment_data(io::parse_config(part.config_text, source, overrides).data);
  }
  if (part.kind == io::PartKind::sweep) {
    const io::SweepFile file = io::parse_sweep_text(part.config_text, source, overrides);
    check_sweep_data(file, plan_sweep(file, overrides));
  }
  if (part.kind == io::PartKind::optimize) io::parse_optimize_config(part.config_text, source);
  if (part.kind == io::PartKind::baseline) {
    check_experiment_data(io::parse_baseline_text(part.config_text, source, overrides).config.data);
  }
}

// `nnlab analyze pca` over the runs of the parts runs_of names: a train part's folder, a sweep
// part's finished trials.
std::vector<std::string> pca_args(const io::ExperimentPart& part, const std::filesystem::path& experiment) {
  std::vector<std::string> args = {"analyze", "pca"};
  for (const std::string& name : part.runs_of) {
    const std::filesystem::path dir = experiment / name;
    if (!std::filesystem::is_regular_file(dir / "sweep.toml")) {
      args.push_back(dir.string());
      continue;
    }
    for (const TrialOutcome& trial : open_sweep(dir).trials) {
      if (trial.status == TrialStatus::finished) args.push_back(trial.folder.string());
    }
  }
  args.insert(args.end(), {"--out", (experiment / part.name).string()});
  return args;
}

// The part's config as it runs: "{experiment}" becomes the experiment's folder, so that a part
// can read what an earlier one wrote ("{experiment}/pretrain/model.safetensors").
std::string config_in(const std::string& text, const std::filesystem::path& experiment) {
  const std::string quoted = io::schema::quote(std::filesystem::absolute(experiment).string());
  const std::string folder = quoted.substr(1, quoted.size() - 2);  // inside a TOML string already
  std::string out = text;
  const std::string placeholder = "{experiment}";
  for (std::size_t at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + folder.size()))
    out.replace(at, placeholder.size(), folder);
  return out;
}

// An earlier run of the experiment in the same parent folder whose part `name` finished with the
// same config text and overrides, newest first; empty when there is none.
std::filesystem::path earlier_run_of(const io::ExperimentSpec& spec, const std::string& name,
                                     const std::filesystem::path& current, const std::string& config_text,
                                     const std::vector<std::string>& overrides) {
  std::vector<std::filesystem::path> candidates;
  for (const auto& entry : std::filesystem::directory_iterator(current.parent_path())) {
    const std::string folder = entry.path().filename().string();
    if (entry.is_directory() && entry.path() != current && folder.starts_with(spec.id + "-")) {
      candidates.push_back(entry.path());
    }
  }
  std::sort(candidates.rbegin(), candidates.rend());  // folder names end in the date and time
  for (const std::filesystem::path& dir : candidates) {
    const nlohmann::json record =
        nlohmann::json::parse(report::read_optional_file(dir / "experiment.json").value_or("{}"), nullptr, false);
    if (!record.is_object() || !record.contains("parts")) continue;
    for (const nlohmann::json& part : record["parts"]) {
      if (part.value("name", "") != name || part.value("status", -1) != 0 || !part.contains("overrides")) continue;
      if (part["overrides"] != nlohmann::json(overrides)) continue;
      // The earlier text names the earlier folder where this one names the current one.
      const std::optional<std::string> text = report::read_optional_file(dir / "parts" / (name + ".toml"));
      if (text && *text == config_in(config_text, dir) && std::filesystem::is_directory(dir / name)) return dir;
    }
  }
  return {};
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
  if (part.kind == io::PartKind::pca) return {};                    // no config, no flags
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
    std::vector<std::string> args;
    const std::vector<std::string> overrides = part_overrides(spec, part, options);
    if (part.kind == io::PartKind::pca) {
      args = pca_args(part, outcome.folder);
    } else {
      const std::filesystem::path config = outcome.folder / "parts" / (part.name + ".toml");
      io::write_file_atomically(config.string(), config_in(part.config_text, outcome.folder));
      std::vector<std::string> named;
      if (part.kind != io::PartKind::optimize) named.push_back(fmt::format("name={}-{}", spec.id, part.name));
      named.insert(named.end(), overrides.begin(), overrides.end());
      args = part_args(part, config, p.folder, named);
    }
    if (options.progress) {
      *options.progress << fmt::format("\n== {} part {}/{}: {} ({})\n", spec.id, i + 1, spec.parts.size(), part.title,
                                       io::to_string(part.kind))
                        << std::flush;
    }
    const auto start = std::chrono::steady_clock::now();
    if (part.reuse) p.reused_from = earlier_run_of(spec, part.name, outcome.folder, part.config_text, overrides);
    if (!p.reused_from.empty()) {
      std::filesystem::copy(p.reused_from / part.name, p.folder, std::filesystem::copy_options::recursive);
      p.status = 0;
      if (options.progress) {
        *options.progress << fmt::format("reusing {} (the same config and overrides)\n",
                                         (p.reused_from / part.name).string());
      }
    } else {
      p.status = run_part(options.nnlab, args);
    }
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record["parts"].push_back({{"name", part.name},
                               {"kind", io::to_string(part.kind)},
                               {"args", args},
                               {"overrides", overrides},
                               {"status", p.status},
                               {"seconds", p.seconds}});
    if (!p.reused_from.empty()) record["parts"].back()["reused_from"] = p.reused_from.string();
    io::write_file_atomically((outcome.folder / "experiment.json").string(), record.dump(2) + "\n");
    write_experiment_report(outcome.folder);  // grows part by part
  }
  outcome.interrupted = interrupt_requested();
  return outcome;
}

}  // namespace nnlab::lab
