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

std::string last_line(const std::filesystem::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

const char* status_name(TrialStatus status) {
  switch (status) {
    case TrialStatus::finished: return "finished";
    case TrialStatus::diverged: return "diverged";
    case TrialStatus::failed: return "failed";
    case TrialStatus::not_run: return "not_run";
  }
  return "not_run";
}

TrialStatus status_from_name(const std::string& name) {
  if (name == "finished") return TrialStatus::finished;
  if (name == "diverged") return TrialStatus::diverged;
  if (name == "failed") return TrialStatus::failed;
  return TrialStatus::not_run;
}

Json plan_json(const std::vector<Trial>& trials, const io::SweepConfig& sweep,
               const std::vector<std::string>& overrides) {
  Json plan;
  plan["rank_by"] = sweep.rank_by;
  plan["top"] = sweep.top;
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
  SweepOutcome outcome{.folder = dir, .rank_by = {}, .top = 0, .trials = {}, .interrupted = false};
  try {
    const Json plan = Json::parse(read_text(path));
    outcome.rank_by = plan.at("rank_by").get<std::string>();
    outcome.top = plan.at("top").get<std::int64_t>();
    for (const Json& t : plan.at("trials")) {
      Trial trial{.name = t.at("name"),
                  .configuration = t.at("configuration"),
                  .settings = {},
                  .seed = t.at("seed"),
                  .overrides = t.at("overrides")};
      for (const Json& s : t.at("settings")) trial.settings.emplace_back(s.at(0), s.at(1));
      outcome.trials.push_back(
          {.trial = trial, .status = TrialStatus::not_run, .reason = {}, .folder = dir / "trials" / trial.name});
    }
  } catch (const nlohmann::json::exception& e) {
    throw DataError(fmt::format("'{}': not a sweep plan nnlab wrote ({})", path.string(), e.what()));
  }
  return outcome;
}

// How one trial ended, from its exit status, its summary.json and the last line of its log.
void record_end(TrialOutcome& t, int status, const std::filesystem::path& sweep_dir) {
  const std::filesystem::path log = sweep_dir / "trials" / (t.trial.name + ".log");
  if (status == 0) {
    t.status = TrialStatus::finished;
  } else {
    const std::filesystem::path summary = t.folder / "summary.json";
    const Json parsed =
        std::filesystem::is_regular_file(summary) ? Json::parse(read_text(summary), nullptr, false) : Json();
    const bool diverged = parsed.is_object() && parsed.value("stop_reason", "") == "non_finite_loss";
    t.status = diverged ? TrialStatus::diverged : TrialStatus::failed;
    t.reason = diverged       ? parsed.value("message", "")
               : status > 128 ? fmt::format("ended by signal {}", status - 128)
                              : last_line(log);
  }
  io::append_line(sweep_dir / "journal.jsonl",
                  Json{{"trial", t.trial.name}, {"status", status_name(t.status)}, {"reason", t.reason}}.dump());
}

// Threads per trial when the config leaves it to nnlab: the cores shared among the jobs.
std::vector<std::string> thread_override(const std::filesystem::path& base, const std::vector<std::string>& overrides,
                                         std::int64_t jobs) {
  if (io::load_config(base, overrides).train.threads > 0) return {};
  return {fmt::format("train.threads={}", std::max<std::int64_t>(1, num_cores() / jobs))};
}

void run_trials(SweepOutcome& outcome, const SweepRunOptions& options) {
  NNLAB_CHECK(options.jobs >= 1, ConfigError, "--jobs: expected a count >= 1, got {}", options.jobs);
  const std::filesystem::path base = outcome.folder / "base.toml";
  InterruptGuard guard;
  std::map<pid_t, TrialOutcome*> running;
  std::size_t next = 0;
  const auto progress = [&](const std::string& line) {
    if (options.progress) *options.progress << line << "\n" << std::flush;
  };
  std::int64_t ended = 0;
  const std::int64_t to_run = std::count_if(outcome.trials.begin(), outcome.trials.end(),
                                            [](const TrialOutcome& t) { return t.status == TrialStatus::not_run; });
  while (true) {
    while (!g_interrupted && static_cast<std::int64_t>(running.size()) < options.jobs && next < outcome.trials.size()) {
      TrialOutcome& t = outcome.trials[next++];
      if (t.status != TrialStatus::not_run) continue;
      std::vector<std::string> args = {"train", base.string()};
      std::vector<std::string> overrides = thread_override(base, t.trial.overrides, options.jobs);
      overrides.insert(overrides.end(), t.trial.overrides.begin(), t.trial.overrides.end());
      for (const std::string& o : overrides) args.insert(args.end(), {"--set", o});
      args.insert(args.end(), {"--run-dir", t.folder.string()});
      running[start_process(options.nnlab, args, outcome.folder / "trials" / (t.trial.name + ".log"))] = &t;
      progress(fmt::format("sweep: started {}", t.trial.name));
    }
    if (running.empty()) break;
    const ProcessEnd end = wait_for_any_process();
    if (end.interrupted || !running.contains(end.pid)) continue;
    TrialOutcome& t = *running[end.pid];
    running.erase(end.pid);
    if (g_interrupted && end.status != 0) continue;  // stopped by Ctrl-C: not an outcome, resume reruns it
    record_end(t, end.status, outcome.folder);
    progress(fmt::format("sweep: [{}/{}] {} {}{}", ++ended, to_run, t.trial.name, status_name(t.status),
                         t.reason.empty() ? "" : ": " + t.reason));
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
  std::map<std::string, std::pair<TrialStatus, std::string>> ended;
  std::ifstream journal(sweep_dir / "journal.jsonl");
  for (std::string line; std::getline(journal, line);) {
    const Json entry = Json::parse(line, nullptr, false);
    if (entry.is_object() && entry.contains("trial")) {
      ended[entry.value("trial", "")] = {status_from_name(entry.value("status", "")), entry.value("reason", "")};
    }
  }
  for (TrialOutcome& t : outcome.trials) {
    if (const auto found = ended.find(t.trial.name); found != ended.end()) {
      std::tie(t.status, t.reason) = found->second;
    } else {
      std::filesystem::remove_all(t.folder);  // begun but not ended: start it again
      std::filesystem::remove(sweep_dir / "trials" / (t.trial.name + ".log"));
    }
  }
  run_trials(outcome, options);
  return outcome;
}

}  // namespace nnlab::lab
