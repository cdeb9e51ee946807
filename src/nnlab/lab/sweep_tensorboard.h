#pragma once
// A sweep in TensorBoard's HParams dashboard: `tensorboard --logdir SWEEP_DIR` shows one table row
// (and one parallel-coordinates line) per configuration, its seeds grouped, with the swept values
// and final metrics. The experiment (columns) goes to SWEEP_DIR/tb/, each trial's session to
// trials/<trial>/tb/ beside its own scalars, in event files named *.hparams that a rewrite replaces.
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/io/tensorboard_hparams.h"
#include "nnlab/lab/sweep_plan.h"
#include "nnlab/lab/sweep_runner.h"

namespace nnlab::lab {

// A setting's TOML text as an hparam value: "0.01" and "16" -> numbers, "\"relu\"" -> "relu",
// "true" -> true; lists, tables and dates keep their text ("[64, 32]"), as TensorBoard's
// summary.py writes a list as its str().
io::HParamValue hparam_value(const std::string& toml_text);

// The session status a trial's outcome shows as: finished -> success; diverged and failed ->
// failure; not_run -> unknown (TensorBoard has no "aborted"); pruned -> success: the sweep
// stopped it on purpose, it ended without error and its last metrics are real values (of an
// earlier epoch), while failure would file it with the crashes a user filters away.
io::SessionStatus hparams_status(TrialStatus status);

// The metric columns: rank_by, then train/loss, train/accuracy, val/loss, val/accuracy and every
// test/ tag, of those in `recorded` (the scalar tags the trials logged); rank_by always.
std::vector<std::string> sweep_metric_tags(const std::vector<std::string>& recorded, const std::string& rank_by);

// The experiment of a sweep folder's plan: one hparam per key of the trials' settings (in order of
// first use), then "seed". A key whose values are all numbers is a number hparam, its domain the
// values as a discrete set when fewer than 10 (TensorBoard's filter shows check boxes up to 9)
// and [min, max] otherwise; all bools: bool; anything else: string (texts as hparam_value gives).
// Metrics from sweep_metric_tags over the tags of the trials' run folders that exist (trials/
// <name>/); before any has logged, train/val loss and accuracy. Throws DataError for a trial
// folder whose logs cannot be read.
io::HParamsExperiment sweep_hparams_experiment(const std::filesystem::path& sweep_dir, const std::vector<Trial>& trials,
                                               const std::string& rank_by);

// Writes sweep_hparams_experiment into SWEEP_DIR/tb/, replacing an earlier one (TensorBoard keeps
// the first experiment it reads, so a restarted TensorBoard then shows this one). Call it when the
// plan is made (a live dashboard) and again when the trials have ended (the metrics they logged).
// Throws IoError naming the folder or file it cannot write.
void write_sweep_hparams_experiment(const std::filesystem::path& sweep_dir, const std::vector<Trial>& trials,
                                    const std::string& rank_by);

// The session of a trial: its settings as hparam_value gives them plus "seed", group name =
// Trial::configuration (seeds of one configuration make one row), status from hparams_status;
// start time from run.json's "started" (else config.toml's, else the folder's modification time);
// end time from the newest file in the run folder, or now when it has none.
io::HParamsSession trial_hparams_session(const TrialOutcome& trial);

// Writes trial_hparams_session into <trial.folder>/tb/, replacing an earlier one, for a trial
// that has ended (not_run: nothing, as its folder is the next run's). When the trial logged no
// TensorBoard events of its own (train.tensorboard = false) the last value of each of its
// sweep_metric_tags goes there too, so the dashboard finds its metrics. Throws IoError naming what
// it cannot write, DataError for logs it cannot read.
void write_trial_hparams_session(const TrialOutcome& trial, const std::string& rank_by);

}  // namespace nnlab::lab
