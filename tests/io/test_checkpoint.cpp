#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "nnlab/core/check.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/nn/init.h"
#include "nnlab/ops/activation.h"
#include "nnlab/ops/linear.h"
#include "nnlab/ops/math.h"
#include "nnlab/ops/reduce.h"
#include "nnlab/optim/adam.h"
#include "nnlab/tensor/copy.h"
#include "nnlab/tensor/creation.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

// Linear layers named as torch.nn.Sequential(Linear(3, 4), ReLU(), Linear(4, 2)) names them.
struct Dense final : nn::Module {
  Tensor weight, bias;
  Dense(std::int64_t in, std::int64_t out, Rng& rng) {
    weight = register_parameter("weight", Tensor::empty({out, in}));
    bias = register_parameter("bias", Tensor::empty({out}));
    nn::init::uniform_(weight, -0.5, 0.5, rng);
    nn::init::uniform_(bias, -0.5, 0.5, rng);
  }
  Tensor forward(const Tensor& x) override { return ops::linear(x, weight, bias); }
  std::string describe() const override { return "Dense"; }
};

struct Mlp final : nn::Module {
  std::shared_ptr<Dense> first, second;
  explicit Mlp(std::uint64_t seed) {
    Rng rng(seed);
    first = register_module("0", std::make_shared<Dense>(3, 4, rng));
    second = register_module("2", std::make_shared<Dense>(4, 2, rng));
  }
  Tensor forward(const Tensor& x) override { return second->forward(ops::relu(first->forward(x))); }
  std::string describe() const override { return "Mlp"; }
};

std::string fixture(const std::string& name) { return std::string(NNLAB_FIXTURE_DIR) + "/io/" + name; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(Checkpoint, SaveLoadRoundTripIsBitExact) {
  testing::TempDir dir;
  Mlp saved(1), loaded(2);
  io::save_model(saved, dir.file("m.safetensors"));
  const io::LoadReport report = io::load_model(loaded, dir.file("m.safetensors"));
  EXPECT_EQ(report.loaded.size(), 4u);
  for (std::size_t i = 0; i < saved.state().size(); ++i) expect_equal(loaded.state()[i].second, saved.state()[i].second);
}

TEST(Checkpoint, MissingTensorIsNamedAndNothingIsLoaded) {
  testing::TempDir dir;
  Mlp source(1), target(2);
  io::save_safetensors(dir.file("partial"), {{"0.weight", source.first->weight}});
  const Tensor before = clone(target.first->weight);
  expect_throw_with<DataError>([&] { io::load_model(target, dir.file("partial")); },
                               "has no tensor '0.bias', which the model needs");
  expect_equal(target.first->weight, before);  // checked everything before writing anything
}

TEST(Checkpoint, WrongShapeIsNamed) {
  testing::TempDir dir;
  Mlp target(2);
  auto state = target.state();
  state[0].second = Tensor::zeros({4, 5});
  io::save_safetensors(dir.file("bad"), state);
  expect_throw_with<DataError>([&] { io::load_model(target, dir.file("bad")); },
                               "tensor '0.weight' has shape [4, 5] in the file, the model expects [4, 3]");
}

TEST(Checkpoint, ExtraTensorsNeedNonStrictLoading) {
  testing::TempDir dir;
  Mlp target(2);
  auto state = target.state();
  state.emplace_back("fc.weight", Tensor::zeros({2}));
  io::save_safetensors(dir.file("extra"), state);
  // The message once suggested strict=false, which no config key or flag sets: it names what does.
  expect_throw_with<DataError>([&] { io::load_model(target, dir.file("extra")); },
                               "holds tensors the model does not have: fc.weight; it was saved from another model "
                               "than this one (to start a model from some of a file's tensors, name the file in "
                               "[model] init_from, which ignores the others)");
  EXPECT_EQ(io::load_model(target, dir.file("extra"), {.strict = false}).unexpected,
            std::vector<std::string>{"fc.weight"});
}

TEST(Checkpoint, SkippedPrefixesKeepTheModelsOwnValues) {
  // A new head: the file's "2.*" has another shape, and the model keeps its own "2.*".
  testing::TempDir dir;
  Mlp source(1), target(2);
  auto state = source.state();
  state[2].second = Tensor::zeros({5, 4});  // "2.weight" for 5 classes instead of 2
  io::save_safetensors(dir.file("backbone"), state);
  const Tensor head_before = clone(target.second->weight);
  expect_throw_with<DataError>([&] { io::load_model(target, dir.file("backbone")); }, "'2.weight' has shape");
  const io::LoadReport report = io::load_model(target, dir.file("backbone"), {.skip_prefixes = {"2."}});
  EXPECT_EQ(report.loaded, (std::vector<std::string>{"0.weight", "0.bias"}));
  expect_equal(target.first->weight, source.first->weight);
  expect_equal(target.second->weight, head_before);
}

TEST(Checkpoint, LoadsWeightsWrittenByPyTorch) {
  Mlp model(3);
  io::load_model(model, fixture("torch_mlp.safetensors"));  // strict: the names must match torch's
  const auto io_file = io::load_safetensors(fixture("torch_mlp_io.safetensors")).tensors;
  expect_close(model.forward(io_file.at("x")), io_file.at("y"), Tol::f32());
}

// The committed nnlab_mlp.safetensors is what save_model writes today; gen_checkpoint.py
// checks that PyTorch loads it (strict) and reproduces nnlab's output.
TEST(Checkpoint, CommittedNnlabCheckpointIsCurrent) {
  testing::TempDir dir;
  Mlp model(4);
  Rng rng(5);
  const Tensor x = uniform({5, 3}, -1, 1, rng);
  const io::NamedTensors inout = {{"x", x}, {"y", model.forward(x).detach()}};
  if (std::getenv("NNLAB_WRITE_FIXTURES") != nullptr) {
    io::save_model(model, fixture("nnlab_mlp.safetensors"));
    io::save_safetensors(fixture("nnlab_mlp_io.safetensors"), inout);
  }
  io::save_model(model, dir.file("now.safetensors"));
  EXPECT_EQ(read_file(dir.file("now.safetensors")), read_file(fixture("nnlab_mlp.safetensors")));
  // The output may differ in the last bit between build types (FMA contraction), not more.
  const auto committed = io::load_safetensors(fixture("nnlab_mlp_io.safetensors")).tensors;
  expect_equal(committed.at("x"), x);
  expect_close(committed.at("y"), inout[1].second, Tol::f32());
}

}  // namespace nnlab

namespace nnlab {

namespace {
void adam_steps(Mlp& model, optim::Adam& adam, int steps) {
  Rng rng(6);
  const Tensor x = uniform({8, 3}, -1, 1, rng);
  for (int i = 0; i < steps; ++i) {
    adam.zero_grad();
    ops::sum(ops::square(model.forward(x))).backward();
    adam.step();
  }
}
}  // namespace

TEST(Checkpoint, OptimizerStateResumesTrainingExactly) {
  testing::TempDir dir;
  Mlp a(1), b(1);
  optim::Adam adam_a(a.parameters(), {.lr = 0.01});
  adam_steps(a, adam_a, 3);
  io::save_model(a, dir.file("model.safetensors"));
  io::save_optimizer(adam_a, dir.file("optim.safetensors"));

  optim::Adam adam_b(b.parameters(), {.lr = 0.01});
  io::load_model(b, dir.file("model.safetensors"));
  io::load_optimizer(adam_b, dir.file("optim.safetensors"));
  adam_steps(a, adam_a, 2);
  adam_steps(b, adam_b, 2);
  for (std::size_t i = 0; i < a.state().size(); ++i) expect_equal(b.state()[i].second, a.state()[i].second);
}

TEST(Checkpoint, OptimizerStateOfAnotherModelIsRejected) {
  testing::TempDir dir;
  Mlp a(1);
  optim::Adam adam_a(a.parameters(), {.lr = 0.01});
  adam_steps(a, adam_a, 1);
  io::save_optimizer(adam_a, dir.file("optim.safetensors"));
  const Tensor lone = Tensor::zeros({7}).requires_grad_();
  optim::Adam other({lone}, {.lr = 0.01});
  expect_throw_with<DataError>([&] { io::load_optimizer(other, dir.file("optim.safetensors")); },
                               "load_optimizer: '" + dir.file("optim.safetensors") + "'");
}

}  // namespace nnlab
