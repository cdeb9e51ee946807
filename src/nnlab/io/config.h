#pragma once
// An experiment config: a TOML file read into typed structs. Every key is checked on the way
// in (unknown key, wrong type, value out of range -> one ConfigError naming the file, line and
// key, and what is allowed), so code that uses an ExperimentConfig can trust every field.
//
//   name = "fashion-mlp"
//   seed = 0
//   [data]      dataset = "fashion-mnist", validation = 5000
//   [model]     type = "mlp", hidden = [128], activation = "relu"
//   [optim]     name = "sgd", lr = 0.1, momentum = 0.9
//   [schedule]  name = "step", step_size = 10, gamma = 0.1
//   [train]     epochs = 5, batch_size = 64, loss = "cross_entropy"
//
// Every key has a default, so an empty file is a valid experiment (the defaults below).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nnlab::io {

// [data.augment]: applied to every training batch, never to evaluation.
struct AugmentConfig {
  bool flip = false;              // random horizontal flip, p = 0.5
  std::int64_t translate = 0;     // random shift of up to this many pixels (>= 0), zero fill
  std::int64_t crop_padding = 0;  // random crop of the input size after zero padding (>= 0)

  bool operator==(const AugmentConfig&) const = default;
};

struct DataConfig {
  // fashion-mnist, mnist, cifar10, cifar100, csv, image-folder (files), or the synthetic
  // sets map, spirals, moons, circles, xor, blobs, function.
  std::string dataset = "fashion-mnist";
  // The folder (mnist, cifar, image-folder) or file (csv) to read. Empty means the dataset's
  // default place: only fashion-mnist has one (the Debian package's folder).
  std::string path;
  // Synthetic sets: examples generated in all (>= 1), classes (>= 2, map / spirals / blobs),
  // Gaussian noise (>= 0), the target of `function` (sinc, sin, square).
  std::int64_t samples = 1000;
  std::int64_t classes = 10;
  double noise = 0.0;
  std::string function = "sinc";
  // csv: the label column by name, or by 0-based index written as a string ("-1": the last).
  std::string label_column = "-1";
  std::string task = "classification";  // csv: classification or regression
  // Classification: only the examples of these classes (>= 2 distinct indices), in train and
  // test, relabelled 0..k-1 in the order listed, class names kept ([5, 7]: Sandal, Sneaker).
  // Empty: every class.
  std::vector<std::int64_t> keep_classes{};
  // Held out of the training data: a fraction in [0, 1) or a count (>= 1, a whole number).
  double validation = 0.1;
  // Held out for testing when the dataset has no test split of its own (csv, image-folder,
  // synthetic); ignored otherwise. Fraction or count, as `validation`.
  double test = 0.2;
  std::int64_t limit = 0;      // > 0: use only the first `limit` training examples (quick runs)
  std::int64_t test_limit = 0;  // > 0: use only the first `test_limit` test examples (quick runs)
  bool random_labels = false;  // E11: every train / val / test label replaced by a random class
  // dataset: the dataset's published mean / std (fashion-mnist 0.2860 / 0.3530, ...), or
  // computed when it has none; computed: fitted on the training split; none: raw inputs.
  std::string normalize = "dataset";
  // Images (fashion-mnist, mnist, cifar10/100, image-folder): resized to size x size with
  // antialiased bilinear filtering, torchvision's Resize, before normalisation (0: as read).
  std::int64_t image_size = 0;
  std::string color = "rgb";  // image-folder: rgb or gray
  AugmentConfig augment;

  bool operator==(const DataConfig&) const = default;
};

// One entry of [[model.layers]] (type = "cnn"): a layer spec in the order applied.
struct LayerConfig {
  std::string type;           // conv, maxpool, avgpool, adaptive_avgpool, batchnorm, relu, sigmoid,
                              // tanh, leaky_relu, gelu, elu, dropout, flatten, linear
  std::int64_t out = 0;       // conv: out channels; linear: out features (>= 1)
  std::int64_t kernel = 3;    // conv, pools (>= 1)
  std::int64_t stride = 0;    // conv: 0 means 1; pools: 0 means kernel
  std::int64_t padding = 0;   // conv, pools (>= 0)
  std::int64_t dilation = 1;  // conv (>= 1)
  std::int64_t groups = 1;    // conv (>= 1)
  bool bias = true;           // conv, linear
  double p = 0.5;             // dropout, in [0, 1)
  std::int64_t size = 1;      // adaptive_avgpool: output size (>= 1)

  bool operator==(const LayerConfig&) const = default;
};

struct ModelConfig {
  // mlp, logistic (one Linear layer), cnn (built from `layers`), resnet18, resnet34.
  std::string type = "mlp";
  std::vector<std::int64_t> hidden = {128};  // mlp: hidden widths (each >= 1; may be empty)
  // mlp: both > 0 give `depth` hidden layers of `width` units in place of `hidden`, as numbers a
  // sweep can vary and chart (E6's depth and width studies).
  std::int64_t depth = 0;
  std::int64_t width = 0;
  std::string activation = "relu";           // relu, sigmoid, tanh, leaky_relu, elu, gelu, quadratic
  bool batchnorm = false;                    // mlp: BatchNorm1d before each hidden activation
  double dropout = 0.0;                      // mlp: after each hidden activation, in [0, 1)
  // default (torch.nn.Linear's), xavier_normal, xavier_uniform, kaiming_normal, kaiming_uniform
  std::string init = "default";
  std::string dtype = "float32";    // float32 or float64
  std::vector<LayerConfig> layers;  // cnn
  bool small_images = false;        // resnet: 3x3 stride-1 stem, no max-pool (CIFAR-sized inputs)
  // A safetensors file of starting weights, named as the model's parameters; `skip` lists name
  // prefixes not to load (e.g. a head replaced for a new number of classes).
  std::string init_from;
  std::vector<std::string> init_skip;
  std::vector<std::string> freeze;  // name prefixes of parameters kept fixed (linear probe)

  bool operator==(const ModelConfig&) const = default;
};

struct OptimConfig {
  std::string name = "sgd";     // sgd, adam, adamw, rmsprop, adagrad
  double lr = 0.01;             // > 0
  double momentum = 0.0;        // sgd, rmsprop; in [0, 1)
  bool nesterov = false;        // sgd
  double weight_decay = 0.0;    // >= 0; L2 for all but adamw (decoupled)
  double l1 = 0.0;              // sgd: L1 penalty's gradient l1 * sign(w), >= 0
  double beta1 = 0.9;           // adam, adamw; in [0, 1)
  double beta2 = 0.999;         // adam, adamw; in [0, 1)
  double eps = 1e-8;            // adam, adamw, rmsprop, adagrad; > 0
  double alpha = 0.99;          // rmsprop smoothing; in [0, 1)
  double clip_grad_norm = 0.0;  // > 0: rescale gradients to at most this total L2 norm
  // Parameter groups with their own learning rate: name prefix -> lr (fine-tuning a head
  // faster than a backbone). Written as a TOML table: [optim.lr_by_prefix] fc = 0.01
  std::vector<std::pair<std::string, double>> lr_by_prefix;

  bool operator==(const OptimConfig&) const = default;
};

// Learning-rate schedule, stepped once per epoch (onecycle: once per optimiser step).
struct ScheduleConfig {
  std::string name = "none";             // none, step, multistep, exponential, cosine, plateau, onecycle
  std::int64_t step_size = 10;           // step (>= 1)
  std::vector<std::int64_t> milestones;  // multistep: increasing epochs (>= 1)
  double gamma = 0.1;                    // step, multistep, exponential; > 0
  double min_lr = 0.0;                   // cosine; >= 0
  std::int64_t warmup_epochs = 0;        // >= 0: linear warm-up before the schedule
  double factor = 0.1;                   // plateau; in (0, 1)
  std::int64_t patience = 10;            // plateau (>= 0)
  double max_lr = 0.0;                   // onecycle; 0 means optim.lr

  bool operator==(const ScheduleConfig&) const = default;
};

struct TrainConfig {
  std::int64_t epochs = 10;             // >= 1
  std::int64_t batch_size = 64;         // >= 1
  std::int64_t eval_batch_size = 1000;  // >= 1; evaluation only, never changes results
  // cross_entropy, mse (on one-hot targets for classification), l1, bce (sigmoid + binary
  // cross-entropy on one-hot targets), multi_margin. Default: cross_entropy for classification,
  // mse for regression.
  std::string loss = "auto";
  double label_smoothing = 0.0;  // cross_entropy; in [0, 1)
  bool shuffle = true;
  bool drop_last = false;
  std::int64_t early_stopping = 0;    // > 0: stop after this many epochs without a better val loss
  std::int64_t threads = 0;           // 0: every core
  bool log_steps = false;             // also write one record per optimiser step
  std::int64_t checkpoint_every = 1;  // write model.safetensors every N epochs (>= 1)
  bool tensorboard = true;            // write tb/events.out.tfevents.* for TensorBoard

  bool operator==(const TrainConfig&) const = default;
};

// [probes]: what a run measures beyond loss and accuracy. Each probe is off unless turned on:
// `grad_norms = true` (its defaults) or a table of its options (`grad_norms = { every = 10 }`
// turns it on too; `enabled = false` in the table keeps it off). Probes that evaluate the model
// on data use the split `split`, after every `every` epochs and always after the last one
// (every = 0: after the last only).
struct ProbesConfig {
  std::string split = "test";  // test, val or train (an empty split falls back: test -> val -> train)
  struct GradNorms {
    bool enabled = false;
    std::int64_t every = 1;  // optimiser steps between records (>= 1)
    bool operator==(const GradNorms&) const = default;
  } grad_norms;
  struct WeightNorms {
    bool enabled = false;
    bool operator==(const WeightNorms&) const = default;
  } weight_norms;
  struct Snapshots {
    bool enabled = false;
    std::int64_t every = 100;  // optimiser steps between snapshots (>= 1); the first is taken at step 0
    bool evaluate = true;      // record the loss and accuracy on `split` with each snapshot
    bool operator==(const Snapshots&) const = default;
  } snapshots;
  struct Evaluating {  // sensitivity, decision_boundary, confusion, misclassified, ...
    bool enabled = false;
    std::int64_t every = 0;  // epochs between records (0: after the last epoch only)
    bool operator==(const Evaluating&) const = default;
  } sensitivity, confusion, weight_images;
  struct DecisionBoundary {
    bool enabled = false;
    std::int64_t every = 0;
    std::int64_t resolution = 200;  // grid cells per side (>= 2)
    bool operator==(const DecisionBoundary&) const = default;
  } decision_boundary;
  struct Misclassified {
    bool enabled = false;
    std::int64_t every = 0;
    std::int64_t count = 36;  // examples shown (>= 1)
    bool operator==(const Misclassified&) const = default;
  } misclassified;
  struct TrueClassProbability {
    bool enabled = false;
    std::int64_t every = 0;
    std::int64_t buckets = 20;  // histogram buckets over [0, 1] (>= 1)
    bool operator==(const TrueClassProbability&) const = default;
  } true_class_probability;

  bool operator==(const ProbesConfig&) const = default;
};

struct ExperimentConfig {
  // Run folder prefix: letters, digits, '-', '_', '.'; at most 200 characters, so that
  // <name>-<timestamp>[-N] stays within the 255 bytes of a file name.
  std::string name = "experiment";
  std::uint64_t seed = 0;
  std::string out = "runs";  // parent of the run folders
  DataConfig data;
  ModelConfig model;
  OptimConfig optim;
  ScheduleConfig schedule;
  TrainConfig train;
  ProbesConfig probes;

  bool operator==(const ExperimentConfig&) const = default;
};

// Parses `text` as TOML; `source` names it in errors ("experiments/e1.toml"). Then applies
// each override "section.key=value" in order (the value is read as a TOML value; a bare word is
// a string), so `--set optim.lr=0.01 --set data.dataset=mnist` work as typed. Overrides are merged
// into the file's table before any check, so they are checked as the file is; they may set keys
// the file lacks, and an override replaces a whole value (an array or inline table included).
// Where the key holds a string, the value is always taken as text (`--set name=2024`).
// Throws ConfigError:
//   "<source>:<line>: [optim] lr: expected a number > 0, got -1"
//   "<source>:<line>: unknown key 'lrr' in [optim] (known: lr, momentum, ...); did you mean 'lr'?"
//   "<source>:<line>: [[model.layers]] #3 (conv) kernel: expected an integer >= 1, got 0"
//     (layers are numbered from 1, in file order)
//   "<source>:<line>:<column>: <toml++'s description>" for a TOML syntax error
//   "--set optim.lrr=1: unknown key 'lrr' in [optim] (known: ...)"
// An integer is accepted where a number is expected, never a float where an integer is.
// Sizes and counts (widths, kernels, paddings, batch sizes, epochs, ...) are capped at 2^31 - 1,
// model.depth at 2^16, train.threads, the decision grid and histogram buckets at 4096:
//   "<source>:<line>: [train] batch_size: expected an integer >= 1 and <= 2147483647, got 9223372036854775807"
// so that no sum or product of a few sizes overflows. A size within its cap that makes a layer or
// an activation too large for memory is refused when the model is built (lab::build_model).
// Three combinations are refused too: model.type = "cnn" without layers, schedule "multistep"
// without milestones, and sgd's nesterov = true with momentum = 0 (as torch.optim.SGD).
// [optim.lr_by_prefix] keeps the file's order; prefixes added by overrides come after it.
ExperimentConfig parse_config(std::string_view text, const std::string& source,
                              const std::vector<std::string>& overrides = {});

// Reads and parses a file (errors name `path` as given); IoError if it cannot be read.
ExperimentConfig load_config(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

// The config as TOML with every key written out (defaults included) in a fixed order, so a run
// folder's config.toml says exactly what ran; parse_config(to_toml(c)) gives back c for any c
// that parse_config can produce. A layer is written with the keys its type takes only;
// [[model.layers]] appears only when there are layers.
std::string to_toml(const ExperimentConfig& config);

// Every key, one per line, for `nnlab train --help`:
//   "optim.lr  number > 0  (default 0.01)  learning rate"
// Layer keys read "model.layers[].kernel ... [conv, maxpool, avgpool]" (the types that take them).
std::string describe_config_keys();

}  // namespace nnlab::io
