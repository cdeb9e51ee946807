#pragma once
// Which trial of a sweep runs next, and what its end means: the one place that decides, so that
// a single process and the ranks of an MPI sweep follow the same rules and share one journal.
//
// Without pruning a trial is one segment, start to end. With [sweep.prune] (asynchronous
// successive halving) a trial runs up to its next rung and pauses with a checkpoint; it is then
// compared, by rank_by at that epoch, with every trial that reached the rung before it, and
// either resumed to the next rung (or the end) or marked pruned. Resumed trials go before new
// ones, so the promising finish first.
//
// journal.jsonl, one JSON object per line, appended as things happen:
//   {"trial": NAME, "rung": EPOCH, "value": V, "decision": "continue" | "prune"}
//   {"trial": NAME, "status": "finished" | "diverged" | "failed" | "pruned", "reason": TEXT}
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "nnlab/lab/sweep_runner.h"

namespace nnlab::lab {

// Each trial's status, reason and pruning epoch as the journal of sweep.folder records them;
// trials it does not name stay as they are.
void read_trial_ends(SweepOutcome& sweep);

// One process's worth of a trial: `nnlab train` (start) or `nnlab resume`, up to a rung or the end.
struct TrialSegment {
  std::size_t trial = 0;        // index into the plan
  bool resume = false;          // continue the paused trial instead of starting it
  std::int64_t until_epoch = 0; // > 0: pause after this epoch (a rung); 0: train to the end
};

class SweepScheduler {
 public:
  // Reads the journal of `sweep.folder`: trials that ended keep their status, rung values are
  // remembered; a trial that began and did not end is cleared to start again.
  explicit SweepScheduler(SweepOutcome& sweep);

  // The next segment to run, or nothing when none is ready (all started; some may still run).
  std::optional<TrialSegment> next();
  // The segment's process ended with `exit_status` (0, 1, or 128 + signal): records what that
  // means for its trial and returns a line for the progress output.
  std::string ended(const TrialSegment& segment, int exit_status);
  // The segment was stopped by Ctrl-C: not an outcome; `nnlab sweep --resume` reruns the trial.
  void abandoned(const TrialSegment& segment);

  bool done() const { return queue_.empty() && next_new_ >= sweep_.trials.size() && running_ == 0; }
  std::int64_t to_run() const { return to_run_; }

 private:
  std::string reached_rung(TrialOutcome& trial, std::int64_t epoch);
  bool keep_at_rung(std::int64_t epoch, double value) const;
  std::int64_t next_rung_after(std::int64_t epoch) const;  // 0: none left
  void end_trial(TrialOutcome& trial, TrialStatus status, std::string reason);
  void journal(const std::string& line) const;

  SweepOutcome& sweep_;
  std::deque<TrialSegment> queue_;  // resumes of promoted trials
  std::size_t next_new_ = 0;
  std::int64_t running_ = 0, ended_ = 0, to_run_ = 0;
  std::map<std::int64_t, std::map<std::string, double>> rung_values_;  // epoch -> trial -> value
};

}  // namespace nnlab::lab
