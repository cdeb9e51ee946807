// ResNet-18 against PyTorch (fixtures/nn/resnet18.safetensors, from tests/fixtures/gen_resnet.py,
// which copies torchvision's ResNet-18): the state_dict's keys, shapes and order; and from the
// same weights, loaded through a safetensors checkpoint, the train-mode logits, cross-entropy
// loss, gradients, two SGD(lr=0.1, momentum=0.9) steps and the eval-mode logits after the first.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/nn/resnet.h"
#include "nnlab/ops/loss.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/tensor/copy.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::nn {
namespace {

// PyTorch float32 against nnlab float32 through 20 convolutions and BatchNorms: the bounds
// for logits (abs 1e-4) and loss (rel 1e-5); gradients and updated weights use Tol::f32(), and
// float64 runs Tol::f64() (measured: about 3e-6, 5e-7, 1e-6 and 1e-14 at most).
constexpr double kLogitsAtol = 1e-4;
constexpr double kLossRtol = 1e-5;
// Eval mode after one step: running statistics from a single batch leave the layers' outputs
// unnormalised and the logits near ±75, so the bound is mostly relative (measured: 1.2e-4 abs).
constexpr Tol kEvalTol{1e-4, 1e-5};

const io::SafetensorsFile& fixture() {
  static const io::SafetensorsFile file =
      io::load_safetensors(std::string(NNLAB_FIXTURE_DIR) + "/nn/resnet18.safetensors");
  return file;
}

Tensor expected(const std::string& name) {
  const auto found = fixture().tensors.find(name);
  if (found == fixture().tensors.end())
    throw ValueError("resnet18 fixture: no tensor '" + name + "'; run gen_resnet.py");
  return found->second;
}

// The fixture script's weight formula (see gen_resnet.py's docstring), repeated here exactly:
// a SplitMix64 stream keyed by the FNV-1a hash of the tensor's name, mapped to
// center ± half_width in float64 and rounded to the tensor's dtype.
std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char byte : text) h = (h ^ byte) * 0x100000001B3ULL;
  return h;
}

double formula_uniform(std::uint64_t key, std::uint64_t i) {
  std::uint64_t z = key + (i + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

void fill_by_formula(const std::string& name, const Tensor& t) {
  double center = 0, half_width = 0.25;
  if (t.dim() == 4) {
    half_width = std::sqrt(6.0 / static_cast<double>(t.size(1) * t.size(2) * t.size(3)));
  } else if (name.starts_with("fc.")) {
    half_width = 1.0 / std::sqrt(512.0);
  } else if (name.ends_with("weight")) {
    center = 1.0;
  }
  const std::uint64_t key = fnv1a64(name);
  std::vector<double> values(static_cast<std::size_t>(t.numel()));
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = center + (2.0 * formula_uniform(key, i) - 1.0) * half_width;
  copy_into(t, Tensor::from_doubles(values, t.shape(), t.dtype()));
}

std::map<std::string, Tensor> by_name(const std::vector<NamedTensor>& list) { return {list.begin(), list.end()}; }

// A 2-class ResNet-18 in `dtype` whose weights come from `checkpoint`, and nowhere else: its own
// initialisation uses a seed the checkpoint's model did not.
std::shared_ptr<ResNet> load_resnet18(const std::string& checkpoint, DType dtype) {
  Rng rng(99);
  auto model = resnet18({.num_classes = 2, .dtype = dtype, .rng = &rng});
  io::load_model(*model, checkpoint);
  return model;
}

// The formula's float32 weights, written with save_model (torch's float32 state_dict).
std::string write_formula_checkpoint(const testing::TempDir& dir) {
  auto model = resnet18({.num_classes = 2});
  for (const auto& [name, t] : model->named_parameters()) fill_by_formula(name, t);
  const std::string path = dir.file("resnet18_formula.safetensors");
  io::save_model(*model, path);
  return path;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  const std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(x[i] - y[i]));
  return worst;
}

// EXPECT_CLOSE, with the largest absolute difference recorded as a test property (in the XML
// output, --gtest_output=xml), so the margin under each bound stays visible.
void expect_close_recorded(const std::string& what, const Tensor& actual, const Tensor& wanted, Tol tol) {
  ::testing::Test::RecordProperty(what + ".max_abs_diff", fmt::format("{:.3g}", max_abs_diff(actual, wanted)));
  EXPECT_CLOSE(actual, wanted, tol) << what;
}

// One train-mode step as torch's loop: zero_grad, forward, cross_entropy, backward, step.
Tensor train_step(ResNet& model, optim::SGD& sgd, const Tensor& x, const Tensor& target, Tensor* logits = nullptr) {
  sgd.zero_grad();
  const Tensor out = model(x);
  const Tensor loss = ops::cross_entropy(out, target);
  loss.backward();
  sgd.step();
  if (logits != nullptr) *logits = out;
  return loss;
}

const char* const kChecked[] = {"conv1.weight", "layer2.0.downsample.1.weight", "layer4.1.bn2.weight", "fc.weight"};

}  // namespace

TEST(ResNetParity, StateKeysShapesAndOrderEqualTorchvisions) {
  const auto model = resnet18({.num_classes = 2});
  const std::vector<NamedTensor> state = model->state();
  std::size_t in_fixture = 0;
  for (const auto& [name, t] : fixture().tensors) in_fixture += name.starts_with("state.") ? 1 : 0;
  EXPECT_EQ(state.size(), in_fixture);
  for (std::size_t position = 0; position < state.size(); ++position) {
    const auto& [name, t] = state[position];
    // [position in torch's state_dict, *shape]
    std::vector<std::int64_t> ours{static_cast<std::int64_t>(position)};
    ours.insert(ours.end(), t.shape().begin(), t.shape().end());
    EXPECT_EQ(expected("state." + name).to_vector<std::int64_t>(), ours) << name;
  }
}

TEST(ResNetParity, FormulaWeightsEqualTheScripts) {
  const auto model = resnet18({.num_classes = 2});
  for (const auto& [name, t] : model->named_parameters()) {
    fill_by_formula(name, t);
    double sum = 0;
    for (double v : t.to_vector<double>()) sum += v;
    EXPECT_NEAR(sum, expected("sum." + name).item(), 1e-9 * (1.0 + std::abs(sum))) << name;
  }
}

TEST(ResNetParity, Float32ForwardLossAndSgdStepsMatchPyTorch) {
  testing::TempDir dir;
  const auto model = load_resnet18(write_formula_checkpoint(dir), DType::f32);
  const Tensor x = expected("x"), target = expected("target");
  optim::SGD sgd(model->parameters(), {.lr = 0.1, .momentum = 0.9});

  Tensor logits;
  const Tensor loss = train_step(*model, sgd, x, target, &logits);
  const double logits_diff = max_abs_diff(logits, expected("logits"));
  const double loss_rel = std::abs(loss.item() - expected("loss").item()) / std::abs(expected("loss").item());
  RecordProperty("logits.max_abs_diff", fmt::format("{:.3g}", logits_diff));
  RecordProperty("loss.rel_diff", fmt::format("{:.3g}", loss_rel));
  EXPECT_LT(logits_diff, kLogitsAtol);
  EXPECT_LT(loss_rel, kLossRtol);

  const auto params = by_name(model->named_parameters());
  for (const std::string name : kChecked) {
    // step() leaves .grad in place, as torch's does, so the first step's gradient is still there.
    expect_close_recorded("grad." + name, params.at(name).grad(), expected("grad." + name), Tol::f32());
    expect_close_recorded("step1." + name, params.at(name), expected("step1." + name), Tol::f32());
  }
  const auto buffers = by_name(model->named_buffers());
  expect_close_recorded("step1.bn1.running_mean", buffers.at("bn1.running_mean"), expected("step1.bn1.running_mean"),
                        Tol::f32());
  EXPECT_EQ(buffers.at("bn1.num_batches_tracked").item(), 1);

  model->eval();
  expect_close_recorded("eval_logits", model->forward(x), expected("eval_logits"), kEvalTol);
  model->train();

  train_step(*model, sgd, x, target);  // momentum's buffer now acts: b = 0.9 b + g
  for (const std::string name : kChecked) {
    expect_close_recorded("step2." + name, params.at(name), expected("step2." + name), Tol::f32());
  }
  expect_close_recorded("step2.bn1.running_mean", buffers.at("bn1.running_mean"), expected("step2.bn1.running_mean"),
                        Tol::f32());
}

TEST(ResNetParity, Float64ForwardAndGradientsMatchPyTorch) {
  testing::TempDir dir;
  const auto model = load_resnet18(write_formula_checkpoint(dir), DType::f64);
  const Tensor logits = model->forward(to_dtype(expected("x"), DType::f64));
  const Tensor loss = ops::cross_entropy(logits, expected("target"));
  loss.backward();
  expect_close_recorded("f64.logits", logits, expected("f64.logits"), Tol::f64());
  expect_close_recorded("f64.loss", loss, expected("f64.loss"), Tol::f64());
  const auto params = by_name(model->named_parameters());
  for (const std::string name : kChecked) {
    expect_close_recorded("f64.grad." + name, params.at(name).grad(), expected("f64.grad." + name), Tol::f64());
  }
}

}  // namespace nnlab::nn
