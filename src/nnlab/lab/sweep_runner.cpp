#include "nnlab/lab/sweep_runner.h"

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/sweep_scheduler.h"
#include "nnlab/lab/trial_process.h"

namespace nnlab::lab {
namespace {

using Json = nlohmann::ordered_json;

volatile std::sig_atomic_t g_interrupted = 0;
void on_interrupt(int /*signal*/) { g_interrupted = 1; }

// Ctrl-C while a sweep runs: noted, not fatal (the running trials get it too and end).
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: waitpid returns with EINTR
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptGuard() { sigaction(SIGINT, &previous_, nullptr); }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction previous_ {};
};

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Json plan_json(const std::vector<Trial>& trials, const io::SweepConfig& sweep,
               const std::vector<std::string>& overrides) {
  Json plan;
  plan["rank_by"] = sweep.rank_by;
  plan["top"] = sweep.top;
  if (sweep.prune) plan["prune"] = {{"rungs", sweep.prune->rungs}, {"reduction_factor", sweep.prune->reduction_factor}};
  plan["overrides"] = overrides;
  Json list = Json::array();
  for (const Trial& trial : trials) {
    Json settings = Json::array();
    for (const auto& [key, value] : trial.settings) settings.push_back(Json::array({key, value}));
    list.push_back({{"name", trial.name},
                    {"configuration", trial.configuration},
                    {"settings", settings},
                    {"seed", trial.seed},
                    {"overrides", trial.overrides}});
  }
  plan["trials"] = std::move(list);
  return plan;
}

// The sweep folder's plan.json read back; DataError naming the file when it is not one.
SweepOutcome read_plan(const std::filesystem::path& dir) {
  const std::filesystem::path path = dir / "plan.json";
  NNLAB_CHECK(std::filesystem::is_regular_file(path), IoError, "sweep folder '{}': no plan.json in it (is it a sweep?)",
              dir.string());
  SweepOutcome outcome{.folder = dir, .rank_by = {}, .top = 0, .prune = {}, .trials = {}, .interrupted = false};
  try {
    const Json plan = Json::parse(read_text(path));
    outcome.rank_by = plan.at("rank_by").get<std::string>();
    outcome.top = plan.at("top").get<std::int64_t>();
    if (plan.contains("prune")) {
      outcome.prune = io::PruneConfig{.rungs = plan["prune"].at("rungs").get<std::vector<std::int64_t>>(),
                                      .reduction_factor = plan["prune"].at("reduction_factor").get<std::int64_t>()};
    }
    for (const Json& t : plan.at("trials")) {
      Trial trial{.name = t.at("name"),
                  .configuration = t.at("configuration"),
                  .settings = {},
                  .seed = t.at("seed"),
                  .overrides = t.at("overrides")};
      for (const Json& s : t.at("settings")) trial.settings.emplace_back(s.at(0), s.at(1));
      outcome.trials.push_back({.trial = trial,
                                .status = TrialStatus::not_run,
                                .reason = {},
                                .folder = dir / "trials" / trial.name,
                                .pruned_at_epoch = 0});
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("'{}': not a sweep plan nnlab wrote ({})", path.string(), e.what()));
  }
  return outcome;
}

// Threads per trial when the config leaves it to nnlab: the cores shared among the jobs.
std::vector<std::string> thread_override(const std::filesystem::path& base, const std::vector<std::string>& overrides,
                                         std::int64_t jobs) {
  if (io::load_config(base, overrides).train.threads > 0) return {};
  return {fmt::format("train.threads={}", std::max<std::int64_t>(1, num_cores() / jobs))};
}

// The command line of one segment: `train base.toml --set ... --run-dir DIR` for a new trial,
// `resume DIR` for a paused one; `--until-epoch R` when it stops at a rung.
std::vector<std::string> segment_args(const SweepOutcome& outcome, const TrialSegment& segment, std::int64_t jobs) {
  const TrialOutcome& t = outcome.trials[segment.trial];
  std::vector<std::string> args;
  if (segment.resume) {
    args = {"resume", t.folder.string()};
  } else {
    const std::filesystem::path base = outcome.folder / "base.toml";
    args = {"train", base.string()};
    std::vector<std::string> overrides = thread_override(base, t.trial.overrides, jobs);
    overrides.insert(overrides.end(), t.trial.overrides.begin(), t.trial.overrides.end());
    for (const std::string& o : overrides) args.insert(args.end(), {"--set", o});
    args.insert(args.end(), {"--run-dir", t.folder.string()});
  }
  if (segment.until_epoch > 0) args.insert(args.end(), {"--until-epoch", std::to_string(segment.until_epoch)});
  return args;
}

void run_trials(SweepOutcome& outcome, const SweepRunOptions& options) {
  NNLAB_CHECK(options.jobs >= 1, ConfigError, "--jobs: expected a count >= 1, got {}", options.jobs);
  SweepScheduler scheduler(outcome);
  InterruptGuard guard;
  std::map<pid_t, TrialSegment> running;
  const auto progress = [&](const std::string& line) {
    if (options.progress) *options.progress << "sweep: " << line << "\n" << std::flush;
  };
  while (true) {
    while (!g_interrupted && static_cast<std::int64_t>(running.size()) < options.jobs) {
      const std::optional<TrialSegment> segment = scheduler.next();
      if (!segment) break;
      const TrialOutcome& t = outcome.trials[segment->trial];
      running[start_process(options.nnlab, segment_args(outcome, *segment, options.jobs),
                            outcome.folder / "trials" / (t.trial.name + ".log"))] = *segment;
      progress(fmt::format("{} {}", segment->resume ? "resumed" : "started", t.trial.name));
    }
    if (running.empty()) break;
    const ProcessEnd end = wait_for_any_process();
    const auto found = running.find(end.pid);
    if (end.interrupted || found == running.end()) continue;
    const TrialSegment segment = found->second;
    running.erase(found);
    if (g_interrupted && end.status != 0) {
      scheduler.abandoned(segment);  // stopped by Ctrl-C: not an outcome, resume reruns it
      continue;
    }
    progress(scheduler.ended(segment, end.status));
  }
  outcome.interrupted = g_interrupted != 0;
}

}  // namespace

SweepOutcome run_sweep(const std::filesystem::path& config, const SweepRunOptions& options) {
  const io::SweepFile file = io::load_sweep_file(config, options.overrides);
  const std::vector<Trial> trials = plan_sweep(file, options.overrides);  // every trial checked first
  const std::filesystem::path dir = io::RunFolder::create(options.out, file.base.name).dir();
  io::write_file_atomically((dir / "sweep.toml").string(), read_text(config));
  io::write_file_atomically((dir / "base.toml").string(), file.base_text);
  io::write_file_atomically((dir / "plan.json").string(),
                            plan_json(trials, file.sweep, options.overrides).dump(2) + "\n");
  std::filesystem::create_directories(dir / "trials");
  SweepOutcome outcome = read_plan(dir);
  run_trials(outcome, options);
  return outcome;
}

SweepOutcome resume_sweep(const std::filesystem::path& sweep_dir, const SweepRunOptions& options) {
  SweepOutcome outcome = read_plan(sweep_dir);
  run_trials(outcome, options);  // the scheduler reads the journal: only unfinished trials run
  return outcome;
}

const char* to_string(TrialStatus status) {
  switch (status) {
    case TrialStatus::finished: return "finished";
    case TrialStatus::diverged: return "diverged";
    case TrialStatus::failed: return "failed";
    case TrialStatus::pruned: return "pruned";
    case TrialStatus::not_run: return "not_run";
  }
  return "not_run";
}

}  // namespace nnlab::lab
