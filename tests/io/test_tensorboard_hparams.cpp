// HParams records, read back twice: through the generated classes (every field), and as bytes
// compared with an encoding assembled here by hand from TensorBoard's own field numbers
// (tensorboard/plugins/hparams/api.proto, plugin_data.proto, compat/proto/summary.proto), so a
// wrong number in nnlab's .proto files cannot pass by agreeing with itself.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/io/tensorboard_hparams.h"
#include "tensorboard.pb.h"
#include "tensorboard_hparams.pb.h"
#include "testing/asserts.h"
#include "testing/event_files.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

namespace pb = tensorboard::hparams;

// The events of the writer's file, after the file_version one.
std::vector<tensorboard::Event> written_events(const std::filesystem::path& dir) {
  std::vector<tensorboard::Event> events = testing::read_events(dir);
  EXPECT_FALSE(events.empty());
  if (!events.empty()) events.erase(events.begin());
  return events;
}

// The HParamsPluginData of an event holding one hparams record tagged `tag`, checking the
// Summary.Value around it as TensorBoard's summary.py writes it.
pb::HParamsPluginData plugin_data(const tensorboard::Event& event, const std::string& tag) {
  EXPECT_EQ(event.step(), 0);
  EXPECT_EQ(event.summary().value_size(), 1);
  const tensorboard::Summary::Value& value = event.summary().value(0);
  EXPECT_EQ(value.tag(), tag);
  EXPECT_EQ(value.metadata().plugin_data().plugin_name(), "hparams");
  EXPECT_TRUE(value.has_tensor());  // metadata.NULL_TENSOR: float, shape (0,)
  EXPECT_EQ(value.tensor().dtype(), tensorboard::DT_FLOAT);
  EXPECT_EQ(value.tensor().tensor_shape().dim_size(), 1);
  EXPECT_EQ(value.tensor().tensor_shape().dim(0).size(), 0);
  pb::HParamsPluginData data;
  EXPECT_TRUE(data.ParseFromString(value.metadata().plugin_data().content()));
  EXPECT_EQ(data.version(), 0);
  return data;
}

// ---------------------------------------------------------------------------------------------
// A protobuf encoder for the golden bytes (lengths below 128 only, checked).

std::string varint(std::uint64_t value) {
  std::string out;
  for (; value >= 0x80; value >>= 7) out += static_cast<char>((value & 0x7F) | 0x80);
  out += static_cast<char>(value);
  return out;
}

std::string key(int field, int wire_type) { return varint(static_cast<std::uint64_t>(field << 3 | wire_type)); }

std::string len_field(int field, const std::string& payload) {
  EXPECT_LT(payload.size(), 128u) << "golden encoder: one-byte lengths only";
  std::string out = key(field, 2);
  out += static_cast<char>(payload.size());
  out += payload;
  return out;
}

std::string double_field(int field, double value) {
  std::string out = key(field, 1);
  const auto bits = std::bit_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xFF);
  return out;
}

std::string varint_field(int field, std::uint64_t value) {
  std::string out = key(field, 0);
  out += varint(value);
  return out;
}

// Summary.Value {tag = 1, tensor = 8 (the empty float tensor), metadata = 9 {plugin_data = 1
// {plugin_name = 1, content = 2}}}: the bytes TensorBoard's summary.py produces for `content`.
std::string golden_value(const std::string& tag, const std::string& content) {
  // TensorProto {dtype = 1: DT_FLOAT (1), tensor_shape = 2 {dim = 2 {size = 1: 0, not written}}}
  std::string tensor = varint_field(1, 1);
  tensor += len_field(2, len_field(2, ""));
  std::string plugin = len_field(1, "hparams");
  plugin += len_field(2, content);
  std::string out = len_field(1, tag);
  out += len_field(8, tensor);
  out += len_field(9, len_field(1, plugin));
  return out;
}

std::string serialized_value(const tensorboard::Event& event) { return event.summary().value(0).SerializeAsString(); }

io::HParamsExperiment sample_experiment() {
  return {.hparams =
              {{.name = "optim.lr", .kind = io::HParamKind::number, .values = {0.01, 0.1}, .interval = false},
               {.name = "optim.momentum", .kind = io::HParamKind::number, .values = {0.5, 0.9, 0.0}, .interval = true},
               {.name = "model.activation",
                .kind = io::HParamKind::string,
                .values = {std::string("relu"), std::string("tanh")},
                .interval = false},
               {.name = "model.batchnorm", .kind = io::HParamKind::boolean, .values = {true}, .interval = false}},
          .metrics = {{.tag = "val/accuracy", .group = ""}, {.tag = "loss", .group = "validation"}},
          .time_created_secs = 1700000000.5};
}

}  // namespace

TEST(HParamsExperiment, EveryFieldReadsBack) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    io::write_hparams_experiment(writer, sample_experiment());
  }
  const std::vector<tensorboard::Event> events = written_events(dir.path());
  ASSERT_EQ(events.size(), 1u);
  const pb::HParamsPluginData data = plugin_data(events[0], "_hparams_/experiment");
  ASSERT_TRUE(data.has_experiment());
  const pb::Experiment& experiment = data.experiment();
  EXPECT_EQ(experiment.time_created_secs(), 1700000000.5);
  ASSERT_EQ(experiment.hparam_infos_size(), 4);

  const pb::HParamInfo& lr = experiment.hparam_infos(0);
  EXPECT_EQ(lr.name(), "optim.lr");
  EXPECT_EQ(lr.type(), pb::DATA_TYPE_FLOAT64);
  EXPECT_TRUE(lr.differs());
  ASSERT_TRUE(lr.has_domain_discrete());
  ASSERT_EQ(lr.domain_discrete().values_size(), 2);
  EXPECT_EQ(lr.domain_discrete().values(0).number_value(), 0.01);  // in the order given
  EXPECT_EQ(lr.domain_discrete().values(1).number_value(), 0.1);

  const pb::HParamInfo& momentum = experiment.hparam_infos(1);
  EXPECT_EQ(momentum.type(), pb::DATA_TYPE_FLOAT64);
  ASSERT_TRUE(momentum.has_domain_interval());
  EXPECT_EQ(momentum.domain_interval().min_value(), 0.0);
  EXPECT_EQ(momentum.domain_interval().max_value(), 0.9);

  const pb::HParamInfo& activation = experiment.hparam_infos(2);
  EXPECT_EQ(activation.name(), "model.activation");
  EXPECT_EQ(activation.type(), pb::DATA_TYPE_STRING);
  ASSERT_EQ(activation.domain_discrete().values_size(), 2);
  EXPECT_EQ(activation.domain_discrete().values(0).string_value(), "relu");
  EXPECT_EQ(activation.domain_discrete().values(1).string_value(), "tanh");

  const pb::HParamInfo& batchnorm = experiment.hparam_infos(3);
  EXPECT_EQ(batchnorm.type(), pb::DATA_TYPE_BOOL);
  EXPECT_FALSE(batchnorm.differs());  // one value
  ASSERT_EQ(batchnorm.domain_discrete().values_size(), 1);
  EXPECT_EQ(batchnorm.domain_discrete().values(0).kind_case(), google::protobuf::Value::kBoolValue);
  EXPECT_TRUE(batchnorm.domain_discrete().values(0).bool_value());

  ASSERT_EQ(experiment.metric_infos_size(), 2);
  EXPECT_EQ(experiment.metric_infos(0).name().tag(), "val/accuracy");
  EXPECT_EQ(experiment.metric_infos(0).name().group(), "");
  EXPECT_EQ(experiment.metric_infos(1).name().tag(), "loss");
  EXPECT_EQ(experiment.metric_infos(1).name().group(), "validation");
}

TEST(HParamsSession, StartThenEndReadBack) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    io::write_hparams_session(writer, {.hparams = {{"optim.lr", 0.01},
                                                   {"model.activation", std::string("relu")},
                                                   {"model.batchnorm", false},
                                                   {"model.hidden", std::string("[64, 32]")}},
                                       .group_name = "lr=0.01",
                                       .start_time_secs = 1700000000.0,
                                       .end_time_secs = 1700000123.25,
                                       .status = io::SessionStatus::failure});
  }
  const std::vector<tensorboard::Event> events = written_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  const pb::HParamsPluginData start = plugin_data(events[0], "_hparams_/session_start_info");
  ASSERT_TRUE(start.has_session_start_info());
  const pb::SessionStartInfo& info = start.session_start_info();
  EXPECT_EQ(info.group_name(), "lr=0.01");
  EXPECT_EQ(info.start_time_secs(), 1700000000.0);
  ASSERT_EQ(info.hparams_size(), 4);
  EXPECT_EQ(info.hparams().at("optim.lr").kind_case(), google::protobuf::Value::kNumberValue);
  EXPECT_EQ(info.hparams().at("optim.lr").number_value(), 0.01);
  EXPECT_EQ(info.hparams().at("model.activation").string_value(), "relu");
  EXPECT_EQ(info.hparams().at("model.batchnorm").kind_case(), google::protobuf::Value::kBoolValue);
  EXPECT_FALSE(info.hparams().at("model.batchnorm").bool_value());
  EXPECT_EQ(info.hparams().at("model.hidden").string_value(), "[64, 32]");

  const pb::HParamsPluginData end = plugin_data(events[1], "_hparams_/session_end_info");
  ASSERT_TRUE(end.has_session_end_info());
  EXPECT_EQ(end.session_end_info().status(), pb::STATUS_FAILURE);
  EXPECT_EQ(end.session_end_info().end_time_secs(), 1700000123.25);
}

TEST(HParamsSession, EachStatusIsTensorBoards) {
  const std::pair<io::SessionStatus, pb::Status> cases[] = {{io::SessionStatus::unknown, pb::STATUS_UNKNOWN},
                                                            {io::SessionStatus::success, pb::STATUS_SUCCESS},
                                                            {io::SessionStatus::failure, pb::STATUS_FAILURE},
                                                            {io::SessionStatus::running, pb::STATUS_RUNNING}};
  for (const auto& [status, expected] : cases) {
    testing::TempDir dir;
    {
      io::TensorBoardWriter writer(dir.path());
      io::write_hparams_session(writer, {.status = status});
    }
    const std::vector<tensorboard::Event> events = written_events(dir.path());
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(plugin_data(events[1], "_hparams_/session_end_info").session_end_info().status(), expected);
  }
}

// The bytes against TensorBoard's field numbers. Ids of the fields used, from its .proto files:
// HParamsPluginData {version 1, experiment 2, session_start_info 3, session_end_info 4};
// Experiment {time_created_secs 3, hparam_infos 4, metric_infos 5}; HParamInfo {name 1, type 4,
// domain_discrete 5, domain_interval 6, differs 7}; Interval {min_value 1, max_value 2};
// MetricInfo {name 1}; MetricName {group 1, tag 2}; SessionStartInfo {hparams 1, group_name 4,
// start_time_secs 5}; SessionEndInfo {status 1, end_time_secs 2}; google.protobuf.Value
// {number_value 2, string_value 3, bool_value 4}; ListValue {values 1}; DATA_TYPE_FLOAT64 = 3,
// DATA_TYPE_STRING = 1, STATUS_SUCCESS = 1. version 0 is proto3's default: not written.
TEST(HParamsBytes, ExperimentMatchesTensorBoardsEncoding) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    io::write_hparams_experiment(
        writer,
        {.hparams =
             {{.name = "lr", .kind = io::HParamKind::number, .values = {0.5, 0.25}, .interval = true},
              {.name = "act", .kind = io::HParamKind::string, .values = {std::string("relu")}, .interval = false}},
         .metrics = {{.tag = "val/loss", .group = "eval"}},
         .time_created_secs = 2.0});
  }
  std::string interval = double_field(1, 0.25);
  interval += double_field(2, 0.5);
  std::string lr = len_field(1, "lr");
  lr += varint_field(4, 3);
  lr += len_field(6, interval);
  lr += varint_field(7, 1);
  std::string act = len_field(1, "act");
  act += varint_field(4, 1);
  act += len_field(5, len_field(1, len_field(3, "relu")));  // differs false: not written
  std::string metric_name = len_field(1, "eval");
  metric_name += len_field(2, "val/loss");
  std::string experiment = double_field(3, 2.0);
  experiment += len_field(4, lr);
  experiment += len_field(4, act);
  experiment += len_field(5, len_field(1, metric_name));
  const std::vector<tensorboard::Event> events = written_events(dir.path());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(serialized_value(events[0]), golden_value("_hparams_/experiment", len_field(2, experiment)));
}

TEST(HParamsBytes, SessionMatchesTensorBoardsEncoding) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    io::write_hparams_session(writer, {.hparams = {{"lr", 0.5}},  // one entry: map order is unspecified
                                       .group_name = "g",
                                       .start_time_secs = 10.0,
                                       .end_time_secs = 20.0,
                                       .status = io::SessionStatus::success});
  }
  std::string entry = len_field(1, "lr");
  entry += len_field(2, double_field(2, 0.5));
  std::string start = len_field(1, entry);
  start += len_field(4, "g");
  start += double_field(5, 10.0);
  std::string end = varint_field(1, 1);
  end += double_field(2, 20.0);
  const std::vector<tensorboard::Event> events = written_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(serialized_value(events[0]), golden_value("_hparams_/session_start_info", len_field(3, start)));
  EXPECT_EQ(serialized_value(events[1]), golden_value("_hparams_/session_end_info", len_field(4, end)));
}

TEST(HParamsExperiment, RejectsValuesOfAnotherKind) {
  testing::TempDir dir;
  io::TensorBoardWriter writer(dir.path());
  expect_throw_with<ValueError>(
      [&] {
        io::write_hparams_experiment(
            writer, {.hparams = {{.name = "lr", .kind = io::HParamKind::number, .values = {0.1, std::string("x")}}}});
      },
      "write_hparams_experiment: hparam 'lr' holds values of one kind (number, string, bool), got value 1 of another");
  expect_throw_with<ValueError>(
      [&] {
        io::write_hparams_experiment(
            writer,
            {.hparams = {
                 {.name = "act", .kind = io::HParamKind::string, .values = {std::string("relu")}, .interval = true}}});
      },
      "hparam 'act': an interval domain needs a number hparam with values, got 1 values of a non-number hparam");
  expect_throw_with<ValueError>(
      [&] {
        io::write_hparams_experiment(
            writer, {.hparams = {{.name = "lr", .kind = io::HParamKind::number, .values = {}, .interval = true}}});
      },
      "hparam 'lr': an interval domain needs a number hparam with values, got 0 values of a number hparam");
  writer.flush();
  EXPECT_EQ(testing::read_events(dir.path()).size(), 1u);  // nothing written
}

TEST(HParamsSession, RejectsAnHParamNamedTwice) {
  testing::TempDir dir;
  io::TensorBoardWriter writer(dir.path());
  expect_throw_with<ValueError>(
      [&] {
        io::write_hparams_session(writer, {.hparams = {{"lr", 0.1}, {"lr", 0.2}}, .group_name = "g"});
      },
      "write_hparams_session: each hparam once, got 'lr' twice (group 'g')");
}

}  // namespace nnlab
