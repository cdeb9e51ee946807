#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/io/config.h"
#include "nnlab/io/config_schema.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::io {
namespace {

ExperimentConfig parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return parse_config(text, "cfg.toml", overrides);
}

void expect_config_error(const std::string& text, const std::string& fragment,
                         const std::vector<std::string>& overrides = {}) {
  SCOPED_TRACE(text);
  expect_throw_with<ConfigError>([&] { parse(text, overrides); }, fragment);
}

constexpr const char* kFullFile = R"(
name = "full-run.2"
seed = 42
out = "/tmp/runs"

[data]
dataset = "spirals"
path = "data/x"
samples = 500
classes = 3
noise = 0.25
function = "sin"
label_column = "target"
task = "regression"
validation = 5000
test = 0.3
limit = 100
random_labels = true
normalize = "computed"
image_size = 32
color = "gray"

[data.augment]
flip = true
translate = 2
crop_padding = 4

[model]
type = "cnn"
hidden = [64, 32]
activation = "gelu"
batchnorm = true
dropout = 0.5
init = "kaiming_normal"
dtype = "float64"
small_images = true
init_from = "start.safetensors"
init_skip = ["fc"]
freeze = ["conv1", "bn1"]

[[model.layers]]
type = "conv"
out = 16
kernel = 5
stride = 2
padding = 1
dilation = 2
groups = 1
bias = false

[[model.layers]]
type = "relu"

[[model.layers]]
type = "maxpool"
kernel = 2

[[model.layers]]
type = "adaptive_avgpool"
size = 4

[[model.layers]]
type = "dropout"
p = 0.25

[[model.layers]]
type = "flatten"

[[model.layers]]
type = "linear"
out = 10

[optim]
name = "sgd"
lr = 0.1
momentum = 0.9
nesterov = true
weight_decay = 5e-4
l1 = 1e-5
beta1 = 0.8
beta2 = 0.99
eps = 1e-6
alpha = 0.9
clip_grad_norm = 1.5

[optim.lr_by_prefix]
zz = 0.5
aa = 0.25
"layer1.0" = 0.125

[schedule]
name = "multistep"
step_size = 3
milestones = [5, 10, 20]
gamma = 0.5
min_lr = 1e-4
warmup_epochs = 2
factor = 0.2
patience = 4
max_lr = 0.3

[train]
epochs = 7
batch_size = 32
eval_batch_size = 256
loss = "mse"
label_smoothing = 0.1
shuffle = false
drop_last = true
early_stopping = 3
threads = 2
log_steps = true
checkpoint_every = 2
)";

TEST(Config, EmptyFileGivesTheDefaults) {
  const ExperimentConfig config = parse("");
  EXPECT_EQ(config, ExperimentConfig{});
  EXPECT_EQ(config.name, "experiment");
  EXPECT_EQ(config.data.dataset, "fashion-mnist");
  EXPECT_EQ(config.model.hidden, std::vector<std::int64_t>{128});
  EXPECT_DOUBLE_EQ(config.optim.lr, 0.01);
  EXPECT_TRUE(config.model.layers.empty());
  EXPECT_TRUE(config.optim.lr_by_prefix.empty());
}

TEST(Config, ReadsEverySection) {
  const ExperimentConfig c = parse(kFullFile);
  EXPECT_EQ(c.name, "full-run.2");
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.out, "/tmp/runs");
  EXPECT_EQ(c.data.dataset, "spirals");
  EXPECT_EQ(c.data.path, "data/x");
  EXPECT_EQ(c.data.samples, 500);
  EXPECT_EQ(c.data.classes, 3);
  EXPECT_DOUBLE_EQ(c.data.noise, 0.25);
  EXPECT_EQ(c.data.function, "sin");
  EXPECT_EQ(c.data.label_column, "target");
  EXPECT_EQ(c.data.task, "regression");
  EXPECT_DOUBLE_EQ(c.data.validation, 5000);
  EXPECT_DOUBLE_EQ(c.data.test, 0.3);
  EXPECT_EQ(c.data.limit, 100);
  EXPECT_TRUE(c.data.random_labels);
  EXPECT_EQ(c.data.normalize, "computed");
  EXPECT_EQ(c.data.image_size, 32);
  EXPECT_EQ(c.data.color, "gray");
  EXPECT_EQ(c.data.augment, (AugmentConfig{.flip = true, .translate = 2, .crop_padding = 4}));
  EXPECT_EQ(c.model.type, "cnn");
  EXPECT_EQ(c.model.hidden, (std::vector<std::int64_t>{64, 32}));
  EXPECT_EQ(c.model.activation, "gelu");
  EXPECT_TRUE(c.model.batchnorm);
  EXPECT_DOUBLE_EQ(c.model.dropout, 0.5);
  EXPECT_EQ(c.model.init, "kaiming_normal");
  EXPECT_EQ(c.model.dtype, "float64");
  EXPECT_TRUE(c.model.small_images);
  EXPECT_EQ(c.model.init_from, "start.safetensors");
  EXPECT_EQ(c.model.init_skip, std::vector<std::string>{"fc"});
  EXPECT_EQ(c.model.freeze, (std::vector<std::string>{"conv1", "bn1"}));
  EXPECT_EQ(c.optim.name, "sgd");
  EXPECT_DOUBLE_EQ(c.optim.lr, 0.1);
  EXPECT_DOUBLE_EQ(c.optim.momentum, 0.9);
  EXPECT_TRUE(c.optim.nesterov);
  EXPECT_DOUBLE_EQ(c.optim.weight_decay, 5e-4);
  EXPECT_DOUBLE_EQ(c.optim.l1, 1e-5);
  EXPECT_DOUBLE_EQ(c.optim.beta1, 0.8);
  EXPECT_DOUBLE_EQ(c.optim.beta2, 0.99);
  EXPECT_DOUBLE_EQ(c.optim.eps, 1e-6);
  EXPECT_DOUBLE_EQ(c.optim.alpha, 0.9);
  EXPECT_DOUBLE_EQ(c.optim.clip_grad_norm, 1.5);
  EXPECT_EQ(c.schedule.name, "multistep");
  EXPECT_EQ(c.schedule.step_size, 3);
  EXPECT_EQ(c.schedule.milestones, (std::vector<std::int64_t>{5, 10, 20}));
  EXPECT_DOUBLE_EQ(c.schedule.gamma, 0.5);
  EXPECT_DOUBLE_EQ(c.schedule.min_lr, 1e-4);
  EXPECT_EQ(c.schedule.warmup_epochs, 2);
  EXPECT_DOUBLE_EQ(c.schedule.factor, 0.2);
  EXPECT_EQ(c.schedule.patience, 4);
  EXPECT_DOUBLE_EQ(c.schedule.max_lr, 0.3);
  EXPECT_EQ(c.train.epochs, 7);
  EXPECT_EQ(c.train.batch_size, 32);
  EXPECT_EQ(c.train.eval_batch_size, 256);
  EXPECT_EQ(c.train.loss, "mse");
  EXPECT_DOUBLE_EQ(c.train.label_smoothing, 0.1);
  EXPECT_FALSE(c.train.shuffle);
  EXPECT_TRUE(c.train.drop_last);
  EXPECT_EQ(c.train.early_stopping, 3);
  EXPECT_EQ(c.train.threads, 2);
  EXPECT_TRUE(c.train.log_steps);
  EXPECT_EQ(c.train.checkpoint_every, 2);
}

TEST(Config, ReadsLayersInOrderWithDefaultsForUnwrittenKeys) {
  const std::vector<LayerConfig>& layers = parse(kFullFile).model.layers;
  ASSERT_EQ(layers.size(), 7u);
  EXPECT_EQ(layers[0], (LayerConfig{.type = "conv",
                                    .out = 16,
                                    .kernel = 5,
                                    .stride = 2,
                                    .padding = 1,
                                    .dilation = 2,
                                    .groups = 1,
                                    .bias = false}));
  EXPECT_EQ(layers[1], LayerConfig{.type = "relu"});
  EXPECT_EQ(layers[2], (LayerConfig{.type = "maxpool", .kernel = 2}));
  EXPECT_EQ(layers[3], (LayerConfig{.type = "adaptive_avgpool", .size = 4}));
  EXPECT_EQ(layers[4], (LayerConfig{.type = "dropout", .p = 0.25}));
  EXPECT_EQ(layers[5], LayerConfig{.type = "flatten"});
  EXPECT_EQ(layers[6], (LayerConfig{.type = "linear", .out = 10}));
}

TEST(Config, LrByPrefixKeepsTheFileOrder) {
  // toml++ keeps a table's keys sorted; the first matching prefix wins, so order matters.
  const auto& rates = parse(kFullFile).optim.lr_by_prefix;
  const std::vector<std::pair<std::string, double>> expected = {{"zz", 0.5}, {"aa", 0.25}, {"layer1.0", 0.125}};
  EXPECT_EQ(rates, expected);
}

TEST(Config, AcceptsAnIntegerWhereANumberIsExpected) {
  const ExperimentConfig c = parse("[optim]\nlr = 1\n[data]\nnoise = 0\n");
  EXPECT_EQ(c.optim.lr, 1.0);
  EXPECT_EQ(c.data.noise, 0.0);
}

TEST(Config, ValidationIsAFractionOrAWholeCount) {
  EXPECT_EQ(parse("[data]\nvalidation = 0.25").data.validation, 0.25);
  EXPECT_EQ(parse("[data]\nvalidation = 0").data.validation, 0.0);
  EXPECT_EQ(parse("[data]\nvalidation = 5000").data.validation, 5000.0);
  EXPECT_EQ(parse("[data]\nvalidation = 1.0").data.validation, 1.0);
  expect_config_error("[data]\nvalidation = 2.5",
                      "cfg.toml:2: [data] validation: expected a fraction in [0, 1) or whole count >= 1, got 2.5");
  expect_config_error("[data]\ntest = -0.1", "cfg.toml:2: [data] test: expected a fraction");
}

TEST(Config, RejectsAnUnknownKeyWithTheKnownOnesAndAHint) {
  expect_config_error("[optim]\nlr = 0.1\nlrr = 1\n",
                      "cfg.toml:3: unknown key 'lrr' in [optim] (known: name, lr, momentum, nesterov,");
  expect_config_error("[optim]\nlrr = 1\n", "; did you mean 'lr'?");
  expect_config_error("seed = 1\nsede = 2\n",
                      "cfg.toml:2: unknown key 'sede' at the top level (known: name, seed, out");
  expect_config_error("[train]\nbatchsize = 2\n", "did you mean 'batch_size'?");
}

TEST(Config, GivesNoHintWhenNothingIsClose) {
  try {
    parse("[optim]\nxyzzy = 1\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("did you mean"), std::string::npos) << e.what();
  }
}

TEST(Config, RejectsAnUnknownSection) {
  expect_config_error("seed = 1\n\n[optimizer]\nlr = 0.1\n",
                      "cfg.toml:3: unknown section [optimizer] (known: data, data.augment, model, optim,");
  expect_config_error("[optm]\n",
                      "cfg.toml:1: unknown section [optm] (known: data, data.augment, model, optim, "
                      "schedule, train, probes); did you mean 'optim'?");
  expect_config_error("[data]\n[data.augmnet]\nflip = true\n", "cfg.toml:2: unknown section [data.augmnet]");
  expect_config_error("[data.augment.extra]\nx = 1\n", "unknown section [data.augment.extra]");
}

TEST(Config, RejectsASectionWrittenAsAValue) {
  expect_config_error("optim = 3\n", "cfg.toml:1: [optim]: expected a table, got an integer 3");
}

TEST(Config, RejectsAWrongType) {
  expect_config_error("[optim]\nlr = \"0.1\"\n", "cfg.toml:2: [optim] lr: expected a number, got a string \"0.1\"");
  expect_config_error("[train]\nshuffle = 1\n", "cfg.toml:2: [train] shuffle: expected a boolean, got an integer 1");
  expect_config_error("name = 3\n", "cfg.toml:1: name: expected a string, got an integer 3");
  expect_config_error("[model]\nhidden = 64\n", "[model] hidden: expected an array of integers, got an integer 64");
  expect_config_error("[model]\nfreeze = [\"a\", 1]\n", "[model] freeze[1]: expected a string, got an integer 1");
  expect_config_error("[optim]\nlr_by_prefix = 0.1\n", "[optim] lr_by_prefix: expected a table, got a float 0.1");
  expect_config_error("[data]\npath = 2024-01-01\n", "[data] path: expected a string, got a date 2024-01-01");
}

TEST(Config, RejectsAFloatWhereAnIntegerIsExpected) {
  expect_config_error("[train]\nepochs = 2.0\n", "cfg.toml:2: [train] epochs: expected an integer, got a float 2.0");
  expect_config_error("seed = 1.5\n", "seed: expected an integer, got a float 1.5");
  expect_config_error("[model]\nhidden = [64, 32.0]\n", "[model] hidden[1]: expected an integer, got a float 32.0");
}

TEST(Config, RejectsValuesOutOfRange) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[optim]\nlr = -1", "cfg.toml:2: [optim] lr: expected a number > 0, got -1"},
      {"[optim]\nlr = 0", "[optim] lr: expected a number > 0, got 0"},
      {"[optim]\nlr = inf", "[optim] lr: expected a number > 0, got inf"},
      {"[optim]\nlr = nan", "[optim] lr: expected a number > 0, got nan"},
      {"[optim]\nmomentum = 1", "[optim] momentum: expected a number in [0, 1), got 1"},
      {"[optim]\nbeta2 = -0.5", "[optim] beta2: expected a number in [0, 1), got -0.5"},
      {"[optim]\neps = 0.0", "[optim] eps: expected a number > 0, got 0.0"},
      {"[optim]\nweight_decay = -1e-4", "[optim] weight_decay: expected a number >= 0, got -0.0001"},
      {"[optim.lr_by_prefix]\nfc = 0", "[optim] lr_by_prefix.fc: expected a number > 0, got 0"},
      {"[optim.lr_by_prefix]\n\"\" = 0.1", "[optim] lr_by_prefix.\"\": expected a non-empty name prefix"},
      {"seed = -1", "cfg.toml:1: seed: expected an integer >= 0, got -1"},
      {"[data]\nclasses = 1", "[data] classes: expected an integer >= 2, got 1"},
      {"[data]\nsamples = 0", "[data] samples: expected an integer >= 1, got 0"},
      {"[data.augment]\ntranslate = -2", "[data.augment] translate: expected an integer >= 0, got -2"},
      {"[model]\nhidden = [64, 0]", "cfg.toml:2: [model] hidden[1]: expected an integer >= 1, got 0"},
      {"[model]\ndropout = 1.0", "[model] dropout: expected a number in [0, 1), got 1.0"},
      {"[model]\nfreeze = [\"\"]", "[model] freeze[0]: expected a non-empty string, got \"\""},
      {"[schedule]\nfactor = 1", "[schedule] factor: expected a number in (0, 1), got 1"},
      {"[schedule]\nmilestones = [5, 3]",
       "[schedule] milestones[1]: expected an integer > 5 (the list must increase), got 3"},
      {"[schedule]\nmilestones = [0, 3]", "[schedule] milestones[0]: expected an integer >= 1, got 0"},
      {"[train]\nepochs = 0", "cfg.toml:2: [train] epochs: expected an integer >= 1, got 0"},
      {"[train]\nlabel_smoothing = 1", "[train] label_smoothing: expected a number in [0, 1), got 1"},
      {"name = \"my run\"", "name: expected a name matching [A-Za-z0-9._-]+, got \"my run\""},
      {"name = \"\"", "name: expected a name matching [A-Za-z0-9._-]+, got \"\""},
      {"out = \"\"", "out: expected a non-empty string, got \"\""},
  };
  for (const auto& [text, fragment] : cases) expect_config_error(text, fragment);
}

// Sizes past 2^31 - 1 overflowed once multiplied or padded (a crash, or a conv padding of 2^63 - 1
// that trained with a wrong output shape): refused here, naming the key.
TEST(Config, RejectsSizesPastTheirCap) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[model]\nhidden = [9223372036854775807]",
       "cfg.toml:2: [model] hidden[0]: expected an integer >= 1 and <= 2147483647, got 9223372036854775807"},
      {"[model]\nwidth = 2147483648", "[model] width: expected an integer >= 0 and <= 2147483647, got 2147483648"},
      {"[model]\ndepth = 65537", "[model] depth: expected an integer >= 0 and <= 65536, got 65537"},
      {"[train]\nbatch_size = 9223372036854775807", "[train] batch_size: expected an integer >= 1 and <= 2147483647"},
      {"[train]\nthreads = 100000", "[train] threads: expected an integer >= 0 and <= 4096, got 100000"},
      {"[data.augment]\ncrop_padding = 9223372036854775807",
       "[data.augment] crop_padding: expected an integer >= 0 and"},
      {"[data]\nimage_size = 4294967296", "[data] image_size: expected an integer >= 0 and <= 2147483647"},
      {"[schedule]\nmilestones = [2, 4611686018427387904]", "[schedule] milestones[1]: expected an integer >= 1 and"},
      {"[probes.decision_boundary]\nresolution = 5000", "resolution: expected an integer >= 2 and <= 4096, got 5000"},
      {"[model]\ntype = \"cnn\"\n[[model.layers]]\ntype = \"conv\"\nout = 1\npadding = 9223372036854775807",
       "cfg.toml:6: [[model.layers]] #1 (conv) padding: expected an integer >= 0 and <= 2147483647"},
  };
  for (const auto& [text, fragment] : cases) expect_config_error(text, fragment);
  const ExperimentConfig largest =
      parse_config("[model]\nhidden = [2147483647]\n[train]\nbatch_size = 2147483647\n", "cfg.toml");
  EXPECT_EQ(largest.model.hidden, std::vector<std::int64_t>{2147483647});
  EXPECT_EQ(largest.train.batch_size, 2147483647);
}

// The run folder is <name>-YYYYmmdd-HHMMSS[-N], and a file name holds at most 255 bytes.
TEST(Config, RejectsARunNameTooLongForAFolderName) {
  expect_config_error("name = \"" + std::string(201, 'a') + "\"",
                      "cfg.toml:1: name: expected a name matching [A-Za-z0-9._-]+ of at most 200 characters, got 201 "
                      "characters");
  EXPECT_EQ(parse_config("name = \"" + std::string(200, 'a') + "\"", "cfg.toml").name, std::string(200, 'a'));
}

TEST(Config, RejectsAChoiceNotInTheList) {
  expect_config_error("\n[data]\ndataset = \"mnsit\"\n",
                      "cfg.toml:3: [data] dataset: expected one of fashion-mnist, mnist, cifar10, cifar100, csv, "
                      "image-folder, map, spirals, moons, circles, xor, blobs, function, got \"mnsit\"; "
                      "did you mean 'mnist'?");
  expect_config_error("[optim]\nname = \"adamax\"\n",
                      "[optim] name: expected one of sgd, adam, adamw, rmsprop, adagrad, got \"adamax\"");
  expect_config_error("[schedule]\nname = \"linear\"\n", "[schedule] name: expected one of none, step,");
  expect_config_error("[train]\nloss = \"nll\"\n", "[train] loss: expected one of auto, cross_entropy,");
}

TEST(Config, RejectsATomlSyntaxErrorWithLineAndColumn) {
  expect_config_error("seed = 1\nname = \n", "cfg.toml:2:8: Error while parsing key-value pair: expected value");
  expect_config_error("seed = 1\nseed = 2\n", "cfg.toml:2:");
}

TEST(Config, RejectsBadLayers) {
  const std::string head = "[model]\ntype = \"cnn\"\n[[model.layers]]\ntype = \"relu\"\n[[model.layers]]\n";
  expect_config_error(head + "type = \"conv\"\nout = 8\nkernel = 0\n",
                      "cfg.toml:8: [[model.layers]] #2 (conv) kernel: expected an integer >= 1, got 0");
  expect_config_error(head + "type = \"relu\"\nout = 8\n",
                      "cfg.toml:7: [[model.layers]] #2 (relu): key 'out' does not apply to relu layers "
                      "(only to conv, linear; relu takes: type)");
  expect_config_error(head + "type = \"conv\"\nout = 8\nkernal = 3\n",
                      "cfg.toml:8: [[model.layers]] #2 (conv): unknown key 'kernal' (known for conv: type, out, "
                      "kernel, stride, padding, dilation, groups, bias); did you mean 'kernel'?");
  expect_config_error(head + "out = 8\n", "cfg.toml:5: [[model.layers]] #2: missing key 'type' (one of conv,");
  expect_config_error(head + "type = \"conv2d\"\n", "cfg.toml:6: [[model.layers]] #2 type: expected one of conv,");
  expect_config_error(head + "type = \"linear\"\n",
                      "cfg.toml:5: [[model.layers]] #2 (linear): missing key 'out' (an integer >= 1)");
  expect_config_error(head + "type = \"dropout\"\np = 1\n",
                      "[[model.layers]] #2 (dropout) p: expected a number in [0, 1)");
  expect_config_error("[model]\ntype = \"cnn\"\nlayers = [1]\n",
                      "cfg.toml:3: [[model.layers]] #1: expected a table, got an integer 1");
  expect_config_error("[model]\nlayers = 1\n", "[model] layers: expected an array of tables, got an integer 1");
}

TEST(Config, RejectsSettingsThatDoNotFitTogether) {
  expect_config_error("[model]\ntype = \"cnn\"\n", "cfg.toml:2: [model] type = \"cnn\": expected its layers");
  expect_config_error("[schedule]\nname = \"multistep\"\n",
                      "cfg.toml:2: [schedule] name = \"multistep\": expected milestones");
  expect_config_error("[optim]\nnesterov = true\n", "cfg.toml:2: [optim] nesterov = true: expected momentum > 0");
}

TEST(Config, OverridesApplyInOrderAndMayAddKeys) {
  const ExperimentConfig c = parse(
      "[optim]\nlr = 0.1\n", {"optim.lr=0.01", "optim.lr=0.5", "model.hidden=[64,32]", "data.dataset=mnist",
                              "data.augment.flip=true", "name=run2", "train.epochs = 3", "schedule.name=\"cosine\""});
  EXPECT_EQ(c.optim.lr, 0.5);
  EXPECT_EQ(c.model.hidden, (std::vector<std::int64_t>{64, 32}));
  EXPECT_EQ(c.data.dataset, "mnist");
  EXPECT_TRUE(c.data.augment.flip);
  EXPECT_EQ(c.name, "run2");
  EXPECT_EQ(c.train.epochs, 3);
  EXPECT_EQ(c.schedule.name, "cosine");
}

TEST(Config, OverridesOfStringKeysKeepTheText) {
  const ExperimentConfig c = parse("", {"name=2024", "data.label_column=-1", "data.path=a b", "out=true"});
  EXPECT_EQ(c.name, "2024");
  EXPECT_EQ(c.data.label_column, "-1");
  EXPECT_EQ(c.data.path, "a b");
  EXPECT_EQ(c.out, "true");
}

TEST(Config, OverridesCanSetTablesAndLayers) {
  const ExperimentConfig c =
      parse("[optim.lr_by_prefix]\nzz = 0.5\naa = 0.25\n",
            {"optim.lr_by_prefix.new=0.1", "optim.lr_by_prefix.zz=0.75", "optim.lr_by_prefix.\"layer1.0\"=0.2",
             "model.layers=[{type=\"flatten\"}, {type=\"linear\", out=3}]", "model.type=cnn"});
  const std::vector<std::pair<std::string, double>> rates = {
      {"zz", 0.75}, {"aa", 0.25}, {"new", 0.1}, {"layer1.0", 0.2}};
  EXPECT_EQ(c.optim.lr_by_prefix, rates);  // a replaced prefix keeps its place, new ones come after
  ASSERT_EQ(c.model.layers.size(), 2u);
  EXPECT_EQ(c.model.layers[1], (LayerConfig{.type = "linear", .out = 3}));
}

TEST(Config, OverridesAreValidatedAndNamed) {
  expect_config_error("", "--set optim.lr=-1: [optim] lr: expected a number > 0, got -1", {"optim.lr=-1"});
  expect_config_error("[optim]\nlr = 0.1\n", "--set optim.lrr=1: unknown key 'lrr' in [optim] (known: name, lr,",
                      {"optim.lr=0.2", "optim.lrr=1"});
  expect_config_error("", "--set foo.bar=1: unknown section [foo]", {"foo.bar=1"});
  expect_config_error("", "--set train.epochs=2.5: [train] epochs: expected an integer, got a float 2.5",
                      {"train.epochs=2.5"});
  expect_config_error("", "--set data.dataset=mnsit: [data] dataset: expected one of", {"data.dataset=mnsit"});
  expect_config_error("", "--set model.layers=[{type=\"relu\", out=2}]: [[model.layers]] #1 (relu): key 'out'",
                      {"model.layers=[{type=\"relu\", out=2}]"});
}

TEST(Config, RejectsMalformedOverrides) {
  expect_config_error("", "--set optim.lr: expected section.key=value, got no '='", {"optim.lr"});
  expect_config_error("", "--set =1: expected a key such as optim.lr before '=', got ''", {"=1"});
  expect_config_error("", "--set optim..lr=1: expected a key such as optim.lr", {"optim..lr=1"});
  expect_config_error("[optim]\nlr = 0.1\n",
                      "--set optim.lr.x=1: optim.lr is a value, not a table, so it has no key 'x'", {"optim.lr.x=1"});
}

TEST(Config, SyntaxErrorsComeBeforeOverrides) {
  // A syntax error stops before any override is looked at.
  expect_config_error("name = \n", "cfg.toml:1:", {"optim.lr"});
}

TEST(Config, ToTomlRoundTripsTheDefaults) {
  const ExperimentConfig defaults;
  const std::string text = to_toml(defaults);
  EXPECT_EQ(parse(text), defaults);
  EXPECT_EQ(text.find("[[model.layers]]"), std::string::npos);
  ExperimentConfig probe;
  for (const schema::KeySpec& spec : schema::keys()) {
    if (std::holds_alternative<std::vector<LayerConfig>*>(spec.slot(probe))) continue;
    EXPECT_NE(text.find(fmt::format("\n{} = ", spec.key)), std::string::npos) << spec.key;
  }
}

TEST(Config, ToTomlRoundTripsAFullConfig) {
  ExperimentConfig c = parse(kFullFile);
  c.seed = std::numeric_limits<std::int64_t>::max();
  c.data.path = "quote \" backslash \\ newline \n tab \t bell \x07 del \x7f unicode \xc3\xa9";
  c.data.noise = 0.1 + 0.2;  // 0.30000000000000004
  c.data.test = 1.0 / 3.0;
  c.optim.lr = 1e-300;
  c.optim.eps = 123.456e-7;
  c.schedule.max_lr = 2.0;
  c.model.init_skip = {"a\"b", "c.d"};
  const std::string text = to_toml(c);
  EXPECT_NE(text.find("[[model.layers]]"), std::string::npos);
  EXPECT_NE(text.find("max_lr = 2.0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("validation = 5000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lr_by_prefix = { zz = 0.5, aa = 0.25, \"layer1.0\" = 0.125 }"), std::string::npos) << text;
  const ExperimentConfig back = parse_config(text, "written.toml");
  EXPECT_EQ(back, c) << text;
  EXPECT_EQ(to_toml(back), text);
}

TEST(Config, ToTomlWritesOnlyTheKeysALayerTakes) {
  const std::string text = to_toml(parse(kFullFile));
  EXPECT_NE(text.find("[[model.layers]]\ntype = \"relu\"\n\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[[model.layers]]\ntype = \"linear\"\nout = 10\nbias = true\n"), std::string::npos) << text;
}

TEST(Config, LoadConfigReadsAFileAndNamesItInErrors) {
  testing::TempDir dir;
  const std::string path = dir.file("e1.toml");
  std::ofstream(path) << "[optim]\nlr = 0.5\n";
  EXPECT_EQ(load_config(path).optim.lr, 0.5);
  EXPECT_EQ(load_config(path, {"optim.lr=0.25"}).optim.lr, 0.25);
  std::ofstream(path) << "[optim]\nlr = -0.5\n";
  expect_throw_with<ConfigError>([&] { load_config(path); }, path + ":2: [optim] lr: expected a number > 0");
}

TEST(Config, LoadConfigOnAMissingFileIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  const std::string path = dir.file("missing.toml");
  expect_throw_with<IoError>([&] { load_config(path); },
                             "load_config: '" + path + "': expected a TOML file, got no such file");
  expect_throw_with<IoError>([&] { load_config(dir.path()); }, "expected a TOML file, got a folder");
}

TEST(Config, DescribeListsEveryKeyOnItsOwnLine) {
  const std::string text = describe_config_keys();
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, schema::keys().size() + schema::layer_keys().size());
  const auto line_of = [&](const std::string& start) {
    const std::size_t at = text.find(start);
    EXPECT_NE(at, std::string::npos) << start;
    return at == std::string::npos ? std::string() : text.substr(at, text.find('\n', at) - at);
  };
  const std::string lr = line_of("optim.lr ");
  EXPECT_NE(lr.find("number > 0"), std::string::npos) << lr;
  EXPECT_NE(lr.find("(default 0.01)"), std::string::npos) << lr;
  EXPECT_NE(lr.find("learning rate"), std::string::npos) << lr;
  EXPECT_NE(line_of("data.dataset ").find("one of fashion-mnist, mnist"), std::string::npos);
  EXPECT_NE(line_of("model.layers[].kernel ").find("[conv, maxpool, avgpool]"), std::string::npos);
  EXPECT_NE(line_of("model.layers[].out ").find("(required)"), std::string::npos);
}

}  // namespace
}  // namespace nnlab::io

namespace nnlab::io {
namespace {

TEST(Config, DepthAndWidthGiveTheHiddenLayersAndGoTogether) {
  const ExperimentConfig c = parse_config("[model]\nhidden = [7]\ndepth = 3\nwidth = 16\n", "cfg.toml", {});
  EXPECT_EQ(c.model.hidden, (std::vector<std::int64_t>{16, 16, 16}));
  // As a sweep varies it: an override of depth alone.
  const ExperimentConfig deeper =
      parse_config("[model]\ndepth = 3\nwidth = 16\n", "cfg.toml", {"model.depth=6"});
  EXPECT_EQ(deeper.model.hidden, std::vector<std::int64_t>(6, 16));
  EXPECT_EQ(parse_config(to_toml(deeper), "again.toml", {}).model.hidden, deeper.model.hidden);
  expect_throw_with<ConfigError>([] { parse_config("[model]\ndepth = 3\n", "cfg.toml", {}); },
                                 "cfg.toml:2: [model] depth and width go together");
}

}  // namespace
}  // namespace nnlab::io
