// The experiment config's key tables, and the text helpers that describe and write their values.
#include "nnlab/io/config_schema.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "nnlab/core/error.h"

namespace nnlab::io {
namespace schema {
namespace {

using Exp = ExperimentConfig;

// The address of config.*Path[0].*Path[1]...: the field a key fills.
template <auto... Path>
Slot at(Exp& config) {
  return &(config.*....*Path);
}
template <auto Member>
Slot at_layer(LayerConfig& layer) {
  return &(layer.*Member);
}

constexpr std::string_view kSections[] = {"",
                                          "data",
                                          "data.augment",
                                          "model",
                                          "optim",
                                          "schedule",
                                          "train",
                                          "probes",
                                          "probes.grad_norms",
                                          "probes.weight_norms",
                                          "probes.snapshots",
                                          "probes.sensitivity",
                                          "probes.decision_boundary",
                                          "probes.confusion",
                                          "probes.misclassified",
                                          "probes.true_class_probability",
                                          "probes.weight_images"};
constexpr std::string_view kProbeSplits[] = {"test", "val", "train"};
using Probes = ProbesConfig;

constexpr std::string_view kDatasets[] = {"fashion-mnist", "mnist", "cifar10", "cifar100", "csv",
                                          "image-folder",  "map",   "spirals", "moons",    "circles",
                                          "xor",           "blobs", "function"};
constexpr std::string_view kFunctions[] = {"sinc", "sin", "square"};
constexpr std::string_view kTasks[] = {"classification", "regression"};
constexpr std::string_view kNormalize[] = {"dataset", "computed", "none"};
constexpr std::string_view kColors[] = {"rgb", "gray"};
constexpr std::string_view kModelTypes[] = {"mlp", "logistic", "perceptron", "cnn", "resnet18", "resnet34"};
constexpr std::string_view kActivations[] = {"relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "quadratic"};
constexpr std::string_view kInits[] = {"default", "xavier_normal", "xavier_uniform", "kaiming_normal",
                                       "kaiming_uniform"};
constexpr std::string_view kDTypes[] = {"float32", "float64"};
constexpr std::string_view kOptimizers[] = {"sgd", "adam", "adamw", "rmsprop", "adagrad"};
constexpr std::string_view kSchedules[] = {"none", "step", "multistep", "exponential", "cosine", "plateau", "onecycle"};
constexpr std::string_view kLosses[] = {"auto", "cross_entropy", "mse", "l1", "bce", "multi_margin", "perceptron"};
constexpr std::string_view kLayerTypes[] = {
    "conv",       "maxpool", "avgpool", "adaptive_avgpool", "batchnorm", "relu",  "sigmoid", "tanh",
    "leaky_relu", "gelu",    "elu",     "dropout",          "flatten",   "linear"};

// Caps tighter than kMaxSize, where a size past them only costs time or memory for nothing.
constexpr std::int64_t kMaxDepth = std::int64_t{1} << 16;  // model.depth: hidden layers
constexpr std::int64_t kMaxCells = 4096;                   // probes: decision grid side, histogram buckets
// name: the run folder is <name>-YYYYmmdd-HHMMSS plus "-N" when that exists, and a file name
// holds at most 255 bytes.
constexpr std::size_t kMaxNameLength = 200;

constexpr Rule kName = {.name_chars = true, .max_length = kMaxNameLength};
constexpr Rule kNonEmpty = {.non_empty = true};
constexpr Rule kAny = {};
constexpr Rule kFractionOrCount = {.min = 0, .max = 1, .max_open = true, .count = true};

const KeySpec kKeys[] = {
    {"", "name", at<&Exp::name>, kName, "run folder prefix"},
    {"", "seed", at<&Exp::seed>, at_least(0), "seeds every random draw of the run"},
    {"", "out", at<&Exp::out>, kNonEmpty, "parent folder of the run folders"},

    {"data", "dataset", at<&Exp::data, &DataConfig::dataset>, one_of(kDatasets), "dataset to train on"},
    {"data", "path", at<&Exp::data, &DataConfig::path>, kAny,
     "folder or file to read (empty: the dataset's default place)"},
    {"data", "samples", at<&Exp::data, &DataConfig::samples>, size_at_least(1), "synthetic: examples generated"},
    {"data", "classes", at<&Exp::data, &DataConfig::classes>, size_at_least(2),
     "synthetic map, spirals, blobs: classes"},
    {"data", "noise", at<&Exp::data, &DataConfig::noise>, at_least(0), "synthetic: Gaussian noise"},
    {"data", "function", at<&Exp::data, &DataConfig::function>, one_of(kFunctions), "synthetic function: target"},
    {"data", "label_column", at<&Exp::data, &DataConfig::label_column>, kNonEmpty,
     "csv: label column, by name or 0-based index (\"-1\": the last)"},
    {"data", "task", at<&Exp::data, &DataConfig::task>, one_of(kTasks), "csv: kind of target"},
    {"data", "keep_classes", at<&Exp::data, &DataConfig::keep_classes>, size_at_least(0),
     "only these classes, relabelled 0..k-1 in this order (empty: all)"},
    {"data", "validation", at<&Exp::data, &DataConfig::validation>, kFractionOrCount,
     "held out of the training data for validation"},
    {"data", "test", at<&Exp::data, &DataConfig::test>, kFractionOrCount,
     "held out for testing when the dataset has no test split"},
    {"data", "limit", at<&Exp::data, &DataConfig::limit>, at_least(0),
     "use only the first `limit` training examples (0: all)"},
    {"data", "test_limit", at<&Exp::data, &DataConfig::test_limit>, at_least(0),
     "use only the first `test_limit` test examples (0: all)"},
    {"data", "random_labels", at<&Exp::data, &DataConfig::random_labels>, kAny,
     "replace every label by a random class"},
    {"data", "normalize", at<&Exp::data, &DataConfig::normalize>, one_of(kNormalize),
     "input mean / std: published, fitted on the training split, or none"},
    {"data", "image_size", at<&Exp::data, &DataConfig::image_size>, size_at_least(0),
     "images: resize to size x size, antialiased bilinear (0: as read)"},
    {"data", "color", at<&Exp::data, &DataConfig::color>, one_of(kColors), "image-folder: channels"},

    {"data.augment", "flip", at<&Exp::data, &DataConfig::augment, &AugmentConfig::flip>, kAny,
     "random horizontal flip, p = 0.5"},
    {"data.augment", "translate", at<&Exp::data, &DataConfig::augment, &AugmentConfig::translate>, size_at_least(0),
     "random shift of up to this many pixels"},
    {"data.augment", "crop_padding", at<&Exp::data, &DataConfig::augment, &AugmentConfig::crop_padding>,
     size_at_least(0), "random crop after zero padding by this many pixels"},

    {"model", "type", at<&Exp::model, &ModelConfig::type>, one_of(kModelTypes), "architecture"},
    {"model", "hidden", at<&Exp::model, &ModelConfig::hidden>, size_at_least(1), "mlp: hidden widths"},
    {"model", "depth", at<&Exp::model, &ModelConfig::depth>, size_at_least(0, kMaxDepth),
     "mlp: hidden layers of `width` (0: hidden)"},
    {"model", "width", at<&Exp::model, &ModelConfig::width>, size_at_least(0), "mlp: units per layer with depth"},
    {"model", "activation", at<&Exp::model, &ModelConfig::activation>, one_of(kActivations), "hidden activation"},
    {"model", "batchnorm", at<&Exp::model, &ModelConfig::batchnorm>, kAny,
     "mlp: BatchNorm1d before each hidden activation"},
    {"model", "dropout", at<&Exp::model, &ModelConfig::dropout>, half_open(0, 1),
     "mlp: dropout after each hidden activation"},
    {"model", "init", at<&Exp::model, &ModelConfig::init>, one_of(kInits), "weight initialisation"},
    {"model", "dtype", at<&Exp::model, &ModelConfig::dtype>, one_of(kDTypes), "parameter and input type"},
    {"model", "small_images", at<&Exp::model, &ModelConfig::small_images>, kAny,
     "resnet: 3x3 stride-1 stem, no max-pool"},
    {"model", "init_from", at<&Exp::model, &ModelConfig::init_from>, kAny, "safetensors file of starting weights"},
    {"model", "init_skip", at<&Exp::model, &ModelConfig::init_skip>, kNonEmpty,
     "parameter name prefixes not loaded from init_from"},
    {"model", "freeze", at<&Exp::model, &ModelConfig::freeze>, kNonEmpty, "parameter name prefixes kept fixed"},
    {"model", "layers", at<&Exp::model, &ModelConfig::layers>, kAny, "cnn: the layers in order"},

    {"optim", "name", at<&Exp::optim, &OptimConfig::name>, one_of(kOptimizers), "optimiser"},
    {"optim", "lr", at<&Exp::optim, &OptimConfig::lr>, above(0), "learning rate"},
    {"optim", "momentum", at<&Exp::optim, &OptimConfig::momentum>, half_open(0, 1), "sgd, rmsprop: momentum"},
    {"optim", "nesterov", at<&Exp::optim, &OptimConfig::nesterov>, kAny, "sgd: Nesterov momentum"},
    {"optim", "weight_decay", at<&Exp::optim, &OptimConfig::weight_decay>, at_least(0),
     "L2 penalty (adamw: decoupled decay)"},
    {"optim", "l1", at<&Exp::optim, &OptimConfig::l1>, at_least(0), "sgd: L1 penalty"},
    {"optim", "beta1", at<&Exp::optim, &OptimConfig::beta1>, half_open(0, 1), "adam, adamw: first-moment decay"},
    {"optim", "beta2", at<&Exp::optim, &OptimConfig::beta2>, half_open(0, 1), "adam, adamw: second-moment decay"},
    {"optim", "eps", at<&Exp::optim, &OptimConfig::eps>, above(0), "adam, adamw, rmsprop, adagrad: denominator term"},
    {"optim", "alpha", at<&Exp::optim, &OptimConfig::alpha>, half_open(0, 1), "rmsprop: smoothing"},
    {"optim", "clip_grad_norm", at<&Exp::optim, &OptimConfig::clip_grad_norm>, at_least(0),
     "rescale gradients to at most this L2 norm (0: off)"},
    {"optim", "lr_by_prefix", at<&Exp::optim, &OptimConfig::lr_by_prefix>, above(0),
     "learning rate by parameter name prefix, first match wins"},

    {"schedule", "name", at<&Exp::schedule, &ScheduleConfig::name>, one_of(kSchedules), "learning-rate schedule"},
    {"schedule", "step_size", at<&Exp::schedule, &ScheduleConfig::step_size>, size_at_least(1),
     "step: epochs between decays"},
    {"schedule",
     "milestones",
     at<&Exp::schedule, &ScheduleConfig::milestones>,
     {.min = 1, .increasing = true, .size_cap = kMaxSize},
     "multistep: epochs at which to decay"},
    {"schedule", "gamma", at<&Exp::schedule, &ScheduleConfig::gamma>, above(0),
     "step, multistep, exponential: decay factor"},
    {"schedule", "min_lr", at<&Exp::schedule, &ScheduleConfig::min_lr>, at_least(0), "cosine: final learning rate"},
    {"schedule", "warmup_epochs", at<&Exp::schedule, &ScheduleConfig::warmup_epochs>, size_at_least(0),
     "linear warm-up epochs before the schedule"},
    {"schedule", "factor", at<&Exp::schedule, &ScheduleConfig::factor>, open(0, 1), "plateau: decay factor"},
    {"schedule", "patience", at<&Exp::schedule, &ScheduleConfig::patience>, size_at_least(0),
     "plateau: epochs without improvement before a decay"},
    {"schedule", "max_lr", at<&Exp::schedule, &ScheduleConfig::max_lr>, at_least(0),
     "onecycle: peak learning rate (0: optim.lr)"},

    {"train", "epochs", at<&Exp::train, &TrainConfig::epochs>, size_at_least(1), "passes over the training data"},
    {"train", "batch_size", at<&Exp::train, &TrainConfig::batch_size>, size_at_least(1), "examples per optimiser step"},
    {"train", "eval_batch_size", at<&Exp::train, &TrainConfig::eval_batch_size>, size_at_least(1),
     "examples per evaluation batch (never changes results)"},
    {"train", "loss", at<&Exp::train, &TrainConfig::loss>, one_of(kLosses),
     "loss (auto: cross_entropy, or mse for regression)"},
    {"train", "label_smoothing", at<&Exp::train, &TrainConfig::label_smoothing>, half_open(0, 1),
     "cross_entropy: label smoothing"},
    {"train", "shuffle", at<&Exp::train, &TrainConfig::shuffle>, kAny, "reshuffle the training data every epoch"},
    {"train", "drop_last", at<&Exp::train, &TrainConfig::drop_last>, kAny, "drop the last incomplete batch"},
    {"train", "early_stopping", at<&Exp::train, &TrainConfig::early_stopping>, size_at_least(0),
     "stop after this many epochs without a better val loss (0: off)"},
    {"train", "threads", at<&Exp::train, &TrainConfig::threads>, size_at_least(0, kMaxThreads),
     "worker threads (0: every core)"},
    {"train", "log_steps", at<&Exp::train, &TrainConfig::log_steps>, kAny, "also log every optimiser step"},
    {"train", "checkpoint_every", at<&Exp::train, &TrainConfig::checkpoint_every>, size_at_least(1),
     "write model.safetensors every N epochs"},
    {"train", "tensorboard", at<&Exp::train, &TrainConfig::tensorboard>, kAny, "write TensorBoard event files in tb/"},

    {"probes", "split", at<&Exp::probes, &Probes::split>, one_of(kProbeSplits), "the data probes evaluate on"},
    {"probes.grad_norms", "enabled", at<&Exp::probes, &Probes::grad_norms, &Probes::GradNorms::enabled>, kAny,
     "L2 norm of every parameter's and layer's gradient"},
    {"probes.grad_norms", "every", at<&Exp::probes, &Probes::grad_norms, &Probes::GradNorms::every>, size_at_least(1),
     "optimiser steps between records"},
    {"probes.weight_norms", "enabled", at<&Exp::probes, &Probes::weight_norms, &Probes::WeightNorms::enabled>, kAny,
     "L2 norm of every parameter and layer, per epoch"},
    {"probes.snapshots", "enabled", at<&Exp::probes, &Probes::snapshots, &Probes::Snapshots::enabled>, kAny,
     "every weight, saved in snapshots/ (for PCA)"},
    {"probes.snapshots", "every", at<&Exp::probes, &Probes::snapshots, &Probes::Snapshots::every>, size_at_least(1),
     "optimiser steps between snapshots"},
    {"probes.snapshots", "evaluate", at<&Exp::probes, &Probes::snapshots, &Probes::Snapshots::evaluate>, kAny,
     "record loss and accuracy on probes.split with each snapshot"},
    {"probes.sensitivity", "enabled", at<&Exp::probes, &Probes::sensitivity, &Probes::Evaluating::enabled>, kAny,
     "mean norm of d(loss)/d(input)"},
    {"probes.sensitivity", "every", at<&Exp::probes, &Probes::sensitivity, &Probes::Evaluating::every>,
     size_at_least(0), "epochs between records (0: after the last)"},
    {"probes.decision_boundary", "enabled",
     at<&Exp::probes, &Probes::decision_boundary, &Probes::DecisionBoundary::enabled>, kAny,
     "predicted class over the plane (2 inputs)"},
    {"probes.decision_boundary", "every",
     at<&Exp::probes, &Probes::decision_boundary, &Probes::DecisionBoundary::every>, size_at_least(0),
     "epochs between records (0: after the last)"},
    {"probes.decision_boundary", "resolution",
     at<&Exp::probes, &Probes::decision_boundary, &Probes::DecisionBoundary::resolution>, size_at_least(2, kMaxCells),
     "grid cells per side"},
    {"probes.confusion", "enabled", at<&Exp::probes, &Probes::confusion, &Probes::Evaluating::enabled>, kAny,
     "confusion matrix"},
    {"probes.confusion", "every", at<&Exp::probes, &Probes::confusion, &Probes::Evaluating::every>, size_at_least(0),
     "epochs between records (0: after the last)"},
    {"probes.misclassified", "enabled", at<&Exp::probes, &Probes::misclassified, &Probes::Misclassified::enabled>, kAny,
     "a grid of misclassified images"},
    {"probes.misclassified", "every", at<&Exp::probes, &Probes::misclassified, &Probes::Misclassified::every>,
     size_at_least(0), "epochs between records (0: after the last)"},
    {"probes.misclassified", "count", at<&Exp::probes, &Probes::misclassified, &Probes::Misclassified::count>,
     size_at_least(1), "images shown"},
    {"probes.true_class_probability", "enabled",
     at<&Exp::probes, &Probes::true_class_probability, &Probes::TrueClassProbability::enabled>, kAny,
     "histograms of the true class's probability"},
    {"probes.true_class_probability", "every",
     at<&Exp::probes, &Probes::true_class_probability, &Probes::TrueClassProbability::every>, size_at_least(0),
     "epochs between records (0: after the last)"},
    {"probes.true_class_probability", "buckets",
     at<&Exp::probes, &Probes::true_class_probability, &Probes::TrueClassProbability::buckets>,
     size_at_least(1, kMaxCells), "histogram buckets over [0, 1]"},
    {"probes.weight_images", "enabled", at<&Exp::probes, &Probes::weight_images, &Probes::Evaluating::enabled>, kAny,
     "the first layer's weight rows as images"},
    {"probes.weight_images", "every", at<&Exp::probes, &Probes::weight_images, &Probes::Evaluating::every>,
     size_at_least(0), "epochs between records (0: after the last)"},
};

constexpr std::string_view kConv[] = {"conv"};
constexpr std::string_view kConvLinear[] = {"conv", "linear"};
constexpr std::string_view kConvPools[] = {"conv", "maxpool", "avgpool"};
constexpr std::string_view kAdaptive[] = {"adaptive_avgpool"};
constexpr std::string_view kDropout[] = {"dropout"};
constexpr std::span<const std::string_view> kEveryType = {};

const LayerKeySpec kLayerKeys[] = {
    {"type", at_layer<&LayerConfig::type>, one_of(kLayerTypes), kEveryType, true, "layer type"},
    {"out", at_layer<&LayerConfig::out>, size_at_least(1), kConvLinear, true,
     "conv: out channels; linear: out features"},
    {"kernel", at_layer<&LayerConfig::kernel>, size_at_least(1), kConvPools, false, "kernel size"},
    {"stride", at_layer<&LayerConfig::stride>, size_at_least(0), kConvPools, false, "stride (0: conv 1, pools kernel)"},
    {"padding", at_layer<&LayerConfig::padding>, size_at_least(0), kConvPools, false, "zero padding"},
    {"dilation", at_layer<&LayerConfig::dilation>, size_at_least(1), kConv, false, "kernel dilation"},
    {"groups", at_layer<&LayerConfig::groups>, size_at_least(1), kConv, false, "channel groups"},
    {"bias", at_layer<&LayerConfig::bias>, kAny, kConvLinear, false, "learn a bias"},
    {"p", at_layer<&LayerConfig::p>, half_open(0, 1), kDropout, false, "probability of zeroing an element"},
    {"size", at_layer<&LayerConfig::size>, size_at_least(1), kAdaptive, false, "output size"},
};

template <typename... Fns>
struct Overloaded : Fns... {
  using Fns::operator()...;
};
template <typename... Fns>
Overloaded(Fns...) -> Overloaded<Fns...>;  // implicit in C++20, but clang 14 does not deduce aggregates

// "> 0", ">= 1", "in [0, 1)", or "" when unbounded.
std::string bounds_text(const Rule& rule) {
  const bool low = rule.min > -kInf;
  const bool high = rule.max < kInf;
  if (low && high) {
    return fmt::format("in {}{}, {}{}", rule.min_open ? '(' : '[', rule.min, rule.max, rule.max_open ? ')' : ']');
  }
  if (low) return fmt::format("{} {}", rule.min_open ? ">" : ">=", rule.min);
  if (high) return fmt::format("{} {}", rule.max_open ? "<" : "<=", rule.max);
  return "";
}

std::string join_words(std::string_view first, const std::string& second) {
  return second.empty() ? std::string(first) : fmt::format("{} {}", first, second);
}

// "string", "name matching [A-Za-z0-9._-]+", "one of a, b"; plural for list elements.
std::string string_text(const Rule& rule, bool plural) {
  if (!rule.choices.empty()) return fmt::format("one of {}", fmt::join(rule.choices, ", "));
  if (rule.name_chars) return plural ? "names matching [A-Za-z0-9._-]+" : "name matching [A-Za-z0-9._-]+";
  if (rule.non_empty) return plural ? "non-empty strings" : "non-empty string";
  return plural ? "strings" : "string";
}

}  // namespace

std::span<const std::string_view> sections() { return kSections; }
std::span<const KeySpec> keys() { return kKeys; }
std::span<const LayerKeySpec> layer_keys() { return kLayerKeys; }

const KeySpec* find_key(std::string_view section, std::string_view key) {
  for (const KeySpec& spec : kKeys) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

const LayerKeySpec* find_layer_key(std::string_view key) {
  for (const LayerKeySpec& spec : kLayerKeys) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

bool applies_to(const LayerKeySpec& spec, std::string_view layer_type) {
  return spec.applies_to.empty() ||
         std::find(spec.applies_to.begin(), spec.applies_to.end(), layer_type) != spec.applies_to.end();
}

std::string kind_text(const Slot& slot, const Rule& rule) {
  const std::string bounds = bounds_text(rule);
  return std::visit(
      Overloaded{
          [](bool*) { return std::string("boolean"); },
          [&](std::int64_t*) { return join_words("integer", bounds); },
          [&](std::uint64_t*) { return join_words("integer", bounds); },
          [&](double*) {
            return rule.count ? fmt::format("fraction {} or whole count >= 1", bounds) : join_words("number", bounds);
          },
          [&](std::string*) { return string_text(rule, false); },
          [&](std::vector<std::int64_t>*) {
            return join_words(rule.increasing ? "increasing array of integers" : "array of integers", bounds);
          },
          [&](std::vector<std::string>*) { return "array of " + string_text(rule, true); },
          [&](PrefixRates*) { return join_words("table of prefix = number", bounds); },
          [](std::vector<LayerConfig>*) { return std::string("array of tables (model.layers[].* below)"); },
      },
      slot);
}

bool in_bounds(double value, const Rule& rule) {
  return std::isfinite(value) && (rule.min_open ? value > rule.min : value >= rule.min) &&
         (rule.max_open ? value < rule.max : value <= rule.max);
}

std::optional<std::string> integer_refusal(const Slot& slot, const Rule& rule, std::int64_t value) {
  if (!in_bounds(static_cast<double>(value), rule)) return expectation(slot, rule);
  if (rule.size_cap > 0 && value > rule.size_cap) {
    return fmt::format("{} and <= {}", expectation(slot, rule), rule.size_cap);
  }
  return std::nullopt;
}

std::string expectation(const Slot& slot, const Rule& rule) {
  std::string text = kind_text(slot, rule);
  if (text.starts_with("one of")) return text;
  return (std::string_view("aeiou").find(text.front()) != std::string_view::npos ? "an " : "a ") + text;
}

std::string kind_noun(const Slot& slot) {
  return std::visit(Overloaded{
                        [](bool*) { return "a boolean"; },
                        [](std::int64_t*) { return "an integer"; },
                        [](std::uint64_t*) { return "an integer"; },
                        [](double*) { return "a number"; },
                        [](std::string*) { return "a string"; },
                        [](std::vector<std::int64_t>*) { return "an array of integers"; },
                        [](std::vector<std::string>*) { return "an array of strings"; },
                        [](PrefixRates*) { return "a table"; },
                        [](std::vector<LayerConfig>*) { return "an array of tables"; },
                    },
                    slot);
}

std::string format_value(const Slot& slot, const Rule& rule) {
  return std::visit(Overloaded{
                        [](bool* value) { return std::string(*value ? "true" : "false"); },
                        [](std::int64_t* value) { return fmt::format("{}", *value); },
                        [](std::uint64_t* value) { return fmt::format("{}", *value); },
                        [&](double* value) {
                          return is_whole_count(rule, *value) ? fmt::format("{:.0f}", *value) : format_float(*value);
                        },
                        [](std::string* value) { return quote(*value); },
                        [](std::vector<std::int64_t>* values) { return fmt::format("[{}]", fmt::join(*values, ", ")); },
                        [](std::vector<std::string>* values) {
                          std::vector<std::string> quoted;
                          for (const std::string& value : *values) quoted.push_back(quote(value));
                          return fmt::format("[{}]", fmt::join(quoted, ", "));
                        },
                        [](PrefixRates* rates) {
                          std::vector<std::string> entries;
                          for (const auto& [prefix, lr] : *rates)
                            entries.push_back(format_key(prefix) + " = " + format_float(lr));
                          return entries.empty() ? std::string("{}")
                                                 : fmt::format("{{ {} }}", fmt::join(entries, ", "));
                        },
                        [](std::vector<LayerConfig>*) -> std::string {
                          throw InternalError("format_value: layers are written as [[model.layers]] tables");
                        },
                    },
                    slot);
}

std::string format_float(double value) {
  std::string text = fmt::format("{}", value);  // the shortest text that reads back exactly
  // "1" would read back as an integer; TOML floats need a '.', an exponent, inf or nan.
  if (text.find_first_of(".eina") == std::string::npos) text += ".0";
  return text;
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        // TOML forbids the other control characters (and DEL) raw in a basic string.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string format_key(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? std::string(key) : quote(key);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];  // row[i-1][j-1]
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above_cell = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above_cell;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (best == nullptr || distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  // Close means at most 2 edits, and fewer than half the longer word (so "xy" is not "lr").
  const bool close = best != nullptr && best_distance <= 2 && 2 * best_distance < std::max(word.size(), best->size());
  return close ? fmt::format("; did you mean '{}'?", *best) : "";
}

}  // namespace schema

std::string describe_config_keys() {
  struct Line {
    std::string name, kind, fallback, doc;
  };
  std::vector<Line> lines;
  ExperimentConfig defaults;
  for (const schema::KeySpec& spec : schema::keys()) {
    const std::string name =
        spec.section.empty() ? std::string(spec.key) : fmt::format("{}.{}", spec.section, spec.key);
    const schema::Slot slot = spec.slot(defaults);
    const bool layers = std::holds_alternative<std::vector<LayerConfig>*>(slot);
    lines.push_back({name, schema::kind_text(slot, spec.rule),
                     layers ? "(default none)" : "(default " + schema::format_value(slot, spec.rule) + ")",
                     std::string(spec.doc)});
  }
  LayerConfig layer;
  for (const schema::LayerKeySpec& spec : schema::layer_keys()) {
    const schema::Slot slot = spec.slot(layer);
    const std::string types = spec.applies_to.empty() ? "" : fmt::format(" [{}]", fmt::join(spec.applies_to, ", "));
    lines.push_back({fmt::format("model.layers[].{}", spec.key), schema::kind_text(slot, spec.rule),
                     spec.required ? "(required)" : "(default " + schema::format_value(slot, spec.rule) + ")",
                     std::string(spec.doc) + types});
  }
  // Columns line up; a long list of choices overflows its column rather than widening every line.
  constexpr std::size_t kMaxKindWidth = 36;
  std::size_t name_width = 0, kind_width = 0, fallback_width = 0;
  for (const Line& line : lines) {
    name_width = std::max(name_width, line.name.size());
    if (line.kind.size() <= kMaxKindWidth) kind_width = std::max(kind_width, line.kind.size());
    fallback_width = std::max(fallback_width, line.fallback.size());
  }
  std::string text;
  for (const Line& line : lines) {
    text += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", line.name, name_width, line.kind, kind_width, line.fallback,
                        fallback_width, line.doc);
  }
  return text;
}

}  // namespace nnlab::io
