#pragma once
// TensorBoard's HParams dashboard records, written as tensorboard/plugins/hparams/summary.py does:
// one Summary.Value at step 0 per record, tagged "_hparams_/experiment",
// "_hparams_/session_start_info" or "_hparams_/session_end_info", with plugin_name "hparams" and
// a serialized HParamsPluginData (version 0, tensorboard_hparams.proto) as the plugin's content.
//
// TensorBoard takes each run folder with a session start as one session (one line of the table),
// groups sessions by group name, and reads a metric as the last value of the scalar `tag` in the
// run "<session's run>/<group>". The experiment, in any run (summary.py uses the logdir itself),
// names the columns; without one TensorBoard guesses them from the sessions.
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "nnlab/io/tensorboard_writer.h"

namespace nnlab::io {

// An hparam's value: a number, a string or a bool (google.protobuf.Value's number_value,
// string_value, bool_value).
using HParamValue = std::variant<double, std::string, bool>;

// TensorBoard's DataType of an hparam: DATA_TYPE_FLOAT64, DATA_TYPE_STRING, DATA_TYPE_BOOL.
enum class HParamKind { number, string, boolean };

// One column of hparams. `values` are the values the sessions hold, each once, in the order the
// dashboard's filter lists them; they are written as the discrete domain, or for a number with
// `interval` set as the domain [min, max] of them. differs is written as values.size() > 1.
struct HParamInfo {
  std::string name{};  // "optim.lr"
  HParamKind kind = HParamKind::number;
  std::vector<HParamValue> values{};
  bool interval = false;
};

// A metric column: the scalar `tag` in the run `group` below each session's run ("": its own).
struct HParamsMetric {
  std::string tag{};  // "val/accuracy"
  std::string group{};
};

struct HParamsExperiment {
  std::vector<HParamInfo> hparams{};
  std::vector<HParamsMetric> metrics{};
  double time_created_secs = 0.0;  // seconds since the Unix epoch
};

// TensorBoard's Status of a session. It has no status for a session stopped on purpose.
enum class SessionStatus { unknown, success, failure, running };

// One session: its hparam values (any subset of the experiment's, each of its column's kind),
// the group whose row it joins ("": a row of its own), and how and when it ran.
struct HParamsSession {
  std::vector<std::pair<std::string, HParamValue>> hparams{};
  std::string group_name{};
  double start_time_secs = 0.0;  // seconds since the Unix epoch
  double end_time_secs = 0.0;
  SessionStatus status = SessionStatus::unknown;
};

// Appends the experiment as one event. Throws ValueError naming the hparam when a value is not
// of its kind, or `interval` is set on a string or bool or on one without values.
void write_hparams_experiment(TensorBoardWriter& writer, const HParamsExperiment& experiment);

// Appends the session's start and its end as two events (start first). Throws ValueError when
// two hparams share a name.
void write_hparams_session(TensorBoardWriter& writer, const HParamsSession& session);

}  // namespace nnlab::io
