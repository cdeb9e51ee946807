#include "nnlab/lab/sweep_runner.h"

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/lab/sweep_scheduler.h"
#include "nnlab/lab/sweep_tensorboard.h"
#include "nnlab/lab/trial_process.h"
#include "nnlab/report/report_inputs.h"

namespace nnlab::lab {
namespace {

using Json = nlohmann::ordered_json;

Json plan_json(const std::vector<Trial>& trials, const io::SweepConfig& sweep,
               const std::vector<std::string>& overrides) {
  Json plan;
  plan["rank_by"] = sweep.rank_by;
  plan["top"] = sweep.top;
  plan["compare"] = sweep.compare;
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
  SweepOutcome outcome{.folder = dir, .rank_by = {}, .top = 0, .prune = {}, .compare = {},
                       .trials = {}, .interrupted = false, .worker = false};
  try {
    const Json plan = Json::parse(report::read_optional_file(path).value_or(""));
    outcome.rank_by = plan.at("rank_by").get<std::string>();
    outcome.top = plan.at("top").get<std::int64_t>();
    outcome.compare = plan.value("compare", std::vector<std::string>{});
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

// The trials this process runs, as child processes, up to `jobs` at once.
class LocalTrials {
 public:
  // `announce`: print a line per start (rank 0 prints every rank's, the others none).
  LocalTrials(const SweepOutcome& outcome, const SweepRunOptions& options, bool announce)
      : outcome_(outcome), options_(options), announce_(announce),
        processes_per_host_(options.jobs * (options.mpi ? options.mpi->local_size() : 1)) {}

  bool full() const { return static_cast<std::int64_t>(running_.size()) >= options_.jobs; }
  bool empty() const { return running_.empty(); }

  void start(const TrialSegment& segment) {
    const TrialOutcome& t = outcome_.trials[segment.trial];
    running_[start_process(options_.nnlab, segment_args(outcome_, segment, processes_per_host_),
                           outcome_.folder / "trials" / (t.trial.name + ".log"))] = segment;
    if (announce_) {
      progress(options_, fmt::format("{}{} {}", rank_prefix(options_), segment.resume ? "resumed" : "started",
                                     t.trial.name));
    }
  }

  // A segment that ended and its exit status; waits for one when `block`.
  std::optional<std::pair<TrialSegment, int>> next_end(bool block) {
    const ProcessEnd end = block ? wait_for_any_process() : poll_any_process();
    const auto found = running_.find(end.pid);
    if (end.pid == 0 || found == running_.end()) return std::nullopt;
    const TrialSegment segment = found->second;
    running_.erase(found);
    return std::pair{segment, end.status};
  }

  // Passes Ctrl-C on where it does not reach the trials by itself (mpirun signals the ranks only).
  void interrupt_all() const {
    for (const auto& [pid, segment] : running_) ::kill(pid, SIGINT);
  }

  static void progress(const SweepRunOptions& options, const std::string& line) {
    if (options.progress) *options.progress << "sweep: " << line << "\n" << std::flush;
  }
  static std::string rank_prefix(const SweepRunOptions& options) {
    return options.mpi ? fmt::format("rank {}: ", options.mpi->rank()) : std::string();
  }

 private:
  const SweepOutcome& outcome_;
  const SweepRunOptions& options_;
  bool announce_;
  std::int64_t processes_per_host_;
  std::map<pid_t, TrialSegment> running_;
};

// Messages between ranks, as JSON. Rank 0 to the others: {"folder"} or {"abort"} first, then per
// slot {"run": segment} and at last {"stop"}. The others to rank 0: {"ready"} for each free slot
// at the start, {"ended": segment, "status"} when a segment ends (the slot is free again).
Json segment_json(const TrialSegment& s) {
  return {{"trial", s.trial}, {"resume", s.resume}, {"until", s.until_epoch}};
}

TrialSegment segment_from(const Json& j) {
  return {.trial = j.at("trial").get<std::size_t>(),
          .resume = j.at("resume").get<bool>(),
          .until_epoch = j.at("until").get<std::int64_t>()};
}

// TensorBoard's HParams records (lab/sweep_tensorboard.h): a failure to write them is said, and
// the sweep goes on.
void record_experiment(const SweepOutcome& outcome, const SweepRunOptions& options) {
  std::vector<Trial> trials;
  for (const TrialOutcome& t : outcome.trials) trials.push_back(t.trial);
  try {
    write_sweep_hparams_experiment(outcome.folder, trials, outcome.rank_by);
  } catch (const Error& error) {
    LocalTrials::progress(options, fmt::format("TensorBoard hparams not written: {}", error.what()));
  }
}

void record_session(const SweepOutcome& outcome, std::size_t trial, const SweepRunOptions& options) {
  try {
    write_trial_hparams_session(outcome.trials[trial], outcome.rank_by);
  } catch (const Error& error) {
    LocalTrials::progress(options, fmt::format("TensorBoard hparams not written: {}", error.what()));
  }
}

void pause_briefly() { std::this_thread::sleep_for(std::chrono::milliseconds(5)); }

// The one process that decides (rank 0 under MPI): runs trials itself and, under MPI, hands them
// to the other ranks' free slots as they ask; every end goes through the scheduler.
void coordinate(SweepOutcome& outcome, const SweepRunOptions& options) {
  NNLAB_CHECK(options.jobs >= 1, ConfigError, "--jobs: expected a count >= 1, got {}", options.jobs);
  SweepScheduler scheduler(outcome);
  InterruptGuard guard;
  LocalTrials local(outcome, options, /*announce=*/true);
  const MpiLink* mpi = options.mpi;
  std::deque<int> idle_slots;  // ranks with a free slot, once per slot
  std::int64_t remote_running = 0, remote_open = mpi ? (mpi->size() - 1) * options.jobs : 0;
  bool passed_on = false;
  const auto ended = [&](const TrialSegment& segment, int status) {
    if (interrupt_requested() && status != 0) {
      scheduler.abandoned(segment);  // stopped by Ctrl-C: not an outcome, resume reruns it
    } else {
      LocalTrials::progress(options, scheduler.ended(segment, status));
      record_session(outcome, segment.trial, options);
    }
  };
  while (true) {
    if (interrupt_requested() && mpi && !passed_on) local.interrupt_all(), passed_on = true;
    for (std::optional<TrialSegment> s; !interrupt_requested() && !local.full() && (s = scheduler.next());) local.start(*s);
    for (std::optional<TrialSegment> s; !interrupt_requested() && !idle_slots.empty() && (s = scheduler.next());) {
      mpi->send(idle_slots.front(), Json{{"run", segment_json(*s)}}.dump());
      LocalTrials::progress(options, fmt::format("rank {}: {} {}", idle_slots.front(),
                                                 s->resume ? "resumed" : "started",
                                                 outcome.trials[s->trial].trial.name));
      idle_slots.pop_front();
      ++remote_running;
    }
    if (interrupt_requested() || scheduler.done()) {  // nothing more will come: free slots may go
      for (int rank : idle_slots) mpi->send(rank, Json{{"stop", true}}.dump());
      remote_open -= static_cast<std::int64_t>(idle_slots.size());
      idle_slots.clear();
    }
    if (local.empty() && remote_running == 0 && remote_open == 0) break;
    bool any = false;
    if (const auto end = local.next_end(/*block=*/mpi == nullptr)) {
      ended(end->first, end->second);
      any = true;
    }
    while (const std::optional<MpiMessage> message = mpi ? mpi->poll() : std::nullopt) {
      const Json m = Json::parse(message->text);
      if (m.contains("ended")) {
        --remote_running;
        ended(segment_from(m["ended"]), m.at("status").get<int>());
      }
      idle_slots.push_back(message->from);
      any = true;
    }
    if (mpi && !any) pause_briefly();
  }
  outcome.interrupted = interrupt_requested();
}

// Any rank but 0: runs the segments rank 0 sends until it says stop for every slot.
void work(const SweepOutcome& outcome, const SweepRunOptions& options) {
  InterruptGuard guard;
  LocalTrials local(outcome, options, /*announce=*/false);
  const MpiLink& mpi = *options.mpi;
  for (std::int64_t slot = 0; slot < options.jobs; ++slot) mpi.send(0, Json{{"ready", true}}.dump());
  std::int64_t stopped = 0;
  bool passed_on = false;
  while (stopped < options.jobs || !local.empty()) {
    if (interrupt_requested() && !passed_on) local.interrupt_all(), passed_on = true;
    bool any = false;
    while (const std::optional<MpiMessage> message = mpi.poll()) {
      const Json m = Json::parse(message->text);
      if (m.contains("run")) local.start(segment_from(m["run"]));
      stopped += m.contains("stop");
      any = true;
    }
    while (const auto end = local.next_end(/*block=*/false)) {
      mpi.send(0, Json{{"ended", segment_json(end->first)}, {"status", end->second}}.dump());
      any = true;
    }
    if (!any) pause_briefly();
  }
}

// Rank 0's first word to the others: the sweep folder, or why there is none.
void tell_workers(const SweepRunOptions& options, const Json& message) {
  if (!options.mpi) return;
  for (int rank = 1; rank < options.mpi->size(); ++rank) options.mpi->send(rank, message.dump());
}

// The sweep a worker rank serves: the folder rank 0 names (on a file system all hosts share).
SweepOutcome serve_rank0(const SweepRunOptions& options) {
  std::optional<MpiMessage> first;
  while (!(first = options.mpi->poll())) pause_briefly();
  const Json m = Json::parse(first->text);
  NNLAB_CHECK(m.contains("folder"), ConfigError, "rank {}: the sweep did not start on rank 0: {}",
              options.mpi->rank(), m.value("abort", std::string("no reason given")));
  SweepOutcome outcome = read_plan(m["folder"].get<std::string>());
  outcome.worker = true;
  work(outcome, options);
  return outcome;
}

// Rank 0 (or the only process): `prepare` makes the sweep folder; the other ranks learn it, or
// the error that stopped it, and then the trials run.
template <typename Prepare>
SweepOutcome lead(const SweepRunOptions& options, Prepare prepare) {
  if (options.mpi && options.mpi->rank() != 0) return serve_rank0(options);
  SweepOutcome outcome;
  try {
    outcome = prepare();
  } catch (const std::exception& error) {
    tell_workers(options, Json{{"abort", error.what()}});
    throw;
  }
  tell_workers(options, Json{{"folder", outcome.folder.string()}});
  record_experiment(outcome, options);  // the dashboard's columns while the trials run
  coordinate(outcome, options);
  record_experiment(outcome, options);  // with the metrics the trials logged
  return outcome;
}

}  // namespace

SweepOutcome run_sweep(const std::filesystem::path& config, const SweepRunOptions& options) {
  return lead(options, [&] {
    const io::SweepFile file = io::load_sweep_file(config, options.overrides);
    const std::vector<Trial> trials = plan_sweep(file, options.overrides);  // every trial checked first
    check_sweep_data(file, trials);
    const std::filesystem::path dir = options.dir.empty() ? io::RunFolder::create(options.out, file.base.name).dir()
                                                          : io::RunFolder::create_new(options.dir).dir();
    io::write_file_atomically((dir / "sweep.toml").string(), report::read_optional_file(config).value_or(""));
    io::write_file_atomically((dir / "base.toml").string(), file.base_text);
    io::write_file_atomically((dir / "plan.json").string(),
                              plan_json(trials, file.sweep, options.overrides).dump(2) + "\n");
    std::filesystem::create_directories(dir / "trials");
    return read_plan(dir);
  });
}

SweepOutcome open_sweep(const std::filesystem::path& sweep_dir) {
  SweepOutcome outcome = read_plan(sweep_dir);
  read_trial_ends(outcome);
  return outcome;
}

SweepOutcome resume_sweep(const std::filesystem::path& sweep_dir, const SweepRunOptions& options) {
  // The scheduler reads the journal: only the trials that did not end run.
  return lead(options, [&] { return read_plan(sweep_dir); });
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
