// HParams records through libprotobuf (tensorboard_hparams.proto), framed by TensorBoardWriter.
#include "nnlab/io/tensorboard_hparams.h"

#include <algorithm>
#include <set>

#include "nnlab/core/check.h"
#include "tensorboard_hparams.pb.h"

namespace nnlab::io {
namespace {

namespace pb = tensorboard::hparams;

// tensorboard/plugins/hparams/metadata.py: the plugin's name, its only data version, its tags.
constexpr const char* kPluginName = "hparams";
constexpr int kPluginDataVersion = 0;
constexpr const char* kExperimentTag = "_hparams_/experiment";
constexpr const char* kSessionStartTag = "_hparams_/session_start_info";
constexpr const char* kSessionEndTag = "_hparams_/session_end_info";

void set_value(const HParamValue& value, google::protobuf::Value& out) {
  if (const double* number = std::get_if<double>(&value)) return out.set_number_value(*number);
  if (const std::string* text = std::get_if<std::string>(&value)) return out.set_string_value(*text);
  out.set_bool_value(std::get<bool>(value));
}

pb::DataType data_type(HParamKind kind) {
  switch (kind) {
    case HParamKind::number: return pb::DATA_TYPE_FLOAT64;
    case HParamKind::string: return pb::DATA_TYPE_STRING;
    case HParamKind::boolean: return pb::DATA_TYPE_BOOL;
  }
  return pb::DATA_TYPE_UNSET;
}

// The variant index each kind's values must have (HParamValue's order: double, string, bool).
std::size_t value_index(HParamKind kind) {
  switch (kind) {
    case HParamKind::number: return 0;
    case HParamKind::string: return 1;
    case HParamKind::boolean: return 2;
  }
  return 0;
}

pb::Status status(SessionStatus status) {
  switch (status) {
    case SessionStatus::unknown: return pb::STATUS_UNKNOWN;
    case SessionStatus::success: return pb::STATUS_SUCCESS;
    case SessionStatus::failure: return pb::STATUS_FAILURE;
    case SessionStatus::running: return pb::STATUS_RUNNING;
  }
  return pb::STATUS_UNKNOWN;
}

void check_hparam(const HParamInfo& info) {
  for (const HParamValue& value : info.values) {
    NNLAB_CHECK(value.index() == value_index(info.kind), ValueError,
                "write_hparams_experiment: hparam '{}' holds values of one kind (number, string, bool), got value "
                "{} of another",
                info.name, &value - info.values.data());
  }
  NNLAB_CHECK(!info.interval || (info.kind == HParamKind::number && !info.values.empty()), ValueError,
              "write_hparams_experiment: hparam '{}': an interval domain needs a number hparam with values, got {} "
              "values of a {} hparam",
              info.name, info.values.size(), info.kind == HParamKind::number ? "number" : "non-number");
}

void set_hparam_info(const HParamInfo& info, pb::HParamInfo& out) {
  check_hparam(info);
  out.set_name(info.name);
  out.set_type(data_type(info.kind));
  out.set_differs(info.values.size() > 1);
  if (info.interval) {
    const auto [low, high] = std::minmax_element(info.values.begin(), info.values.end());
    out.mutable_domain_interval()->set_min_value(std::get<double>(*low));
    out.mutable_domain_interval()->set_max_value(std::get<double>(*high));
    return;
  }
  google::protobuf::ListValue* discrete = out.mutable_domain_discrete();
  for (const HParamValue& value : info.values) set_value(value, *discrete->add_values());
}

void write_plugin_data(TensorBoardWriter& writer, const char* tag, pb::HParamsPluginData& data) {
  data.set_version(kPluginDataVersion);
  std::string content;
  NNLAB_CHECK(data.SerializeToString(&content), InternalError,
              "write_hparams: protobuf could not serialize an HParamsPluginData");
  writer.write_plugin_record(tag, kPluginName, content, /*step=*/0);
}

}  // namespace

void write_hparams_experiment(TensorBoardWriter& writer, const HParamsExperiment& experiment) {
  pb::HParamsPluginData data;
  pb::Experiment* out = data.mutable_experiment();
  out->set_time_created_secs(experiment.time_created_secs);
  for (const HParamInfo& info : experiment.hparams) set_hparam_info(info, *out->add_hparam_infos());
  for (const HParamsMetric& metric : experiment.metrics) {
    pb::MetricName* name = out->add_metric_infos()->mutable_name();
    name->set_group(metric.group);
    name->set_tag(metric.tag);
  }
  write_plugin_data(writer, kExperimentTag, data);
}

void write_hparams_session(TensorBoardWriter& writer, const HParamsSession& session) {
  pb::HParamsPluginData start;
  pb::SessionStartInfo* start_info = start.mutable_session_start_info();
  std::set<std::string> names;
  for (const auto& [name, value] : session.hparams) {
    NNLAB_CHECK(names.insert(name).second, ValueError,
                "write_hparams_session: each hparam once, got '{}' twice (group '{}')", name, session.group_name);
    set_value(value, (*start_info->mutable_hparams())[name]);
  }
  start_info->set_group_name(session.group_name);
  start_info->set_start_time_secs(session.start_time_secs);
  write_plugin_data(writer, kSessionStartTag, start);

  pb::HParamsPluginData end;
  end.mutable_session_end_info()->set_status(status(session.status));
  end.mutable_session_end_info()->set_end_time_secs(session.end_time_secs);
  write_plugin_data(writer, kSessionEndTag, end);
}

}  // namespace nnlab::io
