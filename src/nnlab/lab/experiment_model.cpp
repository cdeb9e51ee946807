#include "nnlab/lab/experiment_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnlab/autograd/grad_mode.h"
#include "nnlab/core/check.h"
#include "nnlab/core/checked_arithmetic.h"
#include "nnlab/io/checkpoint.h"
#include "nnlab/nn/activations.h"
#include "nnlab/nn/batch_norm.h"
#include "nnlab/nn/builders.h"
#include "nnlab/nn/conv2d.h"
#include "nnlab/nn/dropout.h"
#include "nnlab/nn/flatten.h"
#include "nnlab/nn/init.h"
#include "nnlab/nn/linear.h"
#include "nnlab/nn/pool.h"
#include "nnlab/nn/resnet.h"
#include "nnlab/ops/conv.h"
#include "nnlab/ops/pool.h"

namespace nnlab::lab {
namespace {

// A `freeze` prefix that names nothing is a config mistake (a typo): say which key and what the
// model's top-level names are.
void freeze(nn::Module& model, const std::string& prefix) {
  try {
    model.freeze(prefix);
  } catch (const ValueError&) {
    std::vector<std::string> tops;
    for (const auto& [name, parameter] : model.named_parameters()) {
      const std::string top = name.substr(0, name.find('.'));
      if (tops.empty() || tops.back() != top) tops.push_back(top);
    }
    throw ConfigError(
        fmt::format("[model] freeze: no parameter of the model is named '{}' or starts with '{}.' "
                    "(top-level names: {})",
                    prefix, prefix, fmt::join(tops, ", ")));
  }
}

// A tensor the config asks for, refused before it is allocated when it passes kMaxTensorElements.
// `key` names the config key that sized it ("" where the caller's message adds it).
void check_size(const std::string& key, const std::string& what, const Shape& shape) {
  const std::optional<std::int64_t> elements = checked_product(shape.span());
  if (elements && *elements <= kMaxTensorElements) return;
  throw ConfigError(
      fmt::format("{}expected at most 2^34 elements (64 GiB of float32) per tensor, got {} of shape {} "
                  "({} elements)",
                  key.empty() ? key : key + ": ", what, shape,
                  elements ? fmt::format("{}", *elements) : std::string("more than 2^63 - 1")));
}

// An MLP's weights and one batch's outputs, layer by layer, before any is allocated.
void check_mlp_sizes(const io::ModelConfig& c, std::int64_t in, const std::vector<std::int64_t>& hidden,
                     std::int64_t outputs, std::int64_t batch) {
  std::string key = "[data]";  // without hidden layers, both sizes of the output layer come from the data
  for (std::size_t i = 0; i < hidden.size(); ++i) {
    key = c.depth > 0 ? std::string("[model] width") : fmt::format("[model] hidden[{}]", i);
    check_size(key, "a Linear weight", Shape{hidden[i], in});
    check_size(key, fmt::format("the output for a batch of {}", batch), Shape{batch, hidden[i]});
    in = hidden[i];
  }
  check_size(key, "the output layer's weight", Shape{outputs, in});
}

// Flatten, then the MLP's layers: torch's nn.Sequential(nn.Flatten(), nn.Linear(...), ...),
// so parameter names read "1.weight", "1.bias", ... whatever the input's rank.
std::shared_ptr<nn::Sequential> mlp(const io::ModelConfig& c, const Shape& example_shape, std::int64_t outputs,
                                    std::int64_t batch, Rng& rng) {
  const bool logistic = c.type == "logistic";
  const std::vector<std::int64_t> hidden = logistic ? std::vector<std::int64_t>{} : c.hidden;
  check_mlp_sizes(c, example_shape.numel(), hidden, outputs, batch);
  const auto layers = nn::mlp({.in_features = example_shape.numel(),
                               .hidden = hidden,
                               .out_features = outputs,
                               .activation = c.activation,
                               .batchnorm = c.batchnorm && !logistic,
                               .dropout = logistic ? 0.0 : c.dropout,
                               .init = c.init,
                               .dtype = model_dtype(c),
                               .rng = &rng});
  auto model = std::make_shared<nn::Sequential>();
  model->push_back(std::make_shared<nn::Flatten>());
  for (const auto& layer : layers->layers()) model->push_back(layer);
  return model;
}

// One [[model.layers]] entry as a module, for inputs of `in` (the batch dim included).
std::shared_ptr<nn::Module> make_layer(const io::LayerConfig& l, const Shape& in, DType dtype, Rng& rng) {
  const auto needs_rank = [&](int rank, const char* what) {
    NNLAB_CHECK(in.rank() == rank, ConfigError, "{} needs {} inputs, but its input is {}", l.type, what, in);
  };
  if (l.type == "conv") {
    needs_rank(4, "image (N, C, H, W)");
    return std::make_shared<nn::Conv2d>(nn::Conv2dOptions{.in_channels = in[1],
                                                          .out_channels = l.out,
                                                          .kernel_size = l.kernel,
                                                          .stride = l.stride == 0 ? 1 : l.stride,
                                                          .padding = l.padding,
                                                          .dilation = l.dilation,
                                                          .groups = l.groups,
                                                          .bias = l.bias,
                                                          .dtype = dtype,
                                                          .rng = &rng});
  }
  if (l.type == "maxpool" || l.type == "avgpool") {
    const nn::Pool2dOptions options{.kernel_size = l.kernel,
                                    .stride = l.stride == 0 ? std::nullopt : std::optional<ops::Size2d>(l.stride),
                                    .padding = l.padding};
    if (l.type == "maxpool") return std::make_shared<nn::MaxPool2d>(options);
    return std::make_shared<nn::AvgPool2d>(options);
  }
  if (l.type == "adaptive_avgpool")
    return std::make_shared<nn::AdaptiveAvgPool2d>(nn::AdaptiveAvgPool2dOptions{l.size});
  if (l.type == "batchnorm") {
    NNLAB_CHECK(in.rank() == 2 || in.rank() == 4, ConfigError,
                "batchnorm needs (N, C) or (N, C, H, W) inputs, but its input is {}", in);
    const nn::BatchNormOptions options{.num_features = in[1], .dtype = dtype};
    if (in.rank() == 4) return std::make_shared<nn::BatchNorm2d>(options);
    return std::make_shared<nn::BatchNorm1d>(options);
  }
  if (l.type == "dropout") return std::make_shared<nn::Dropout>(nn::DropoutOptions{.p = l.p, .rng = &rng});
  if (l.type == "flatten") return std::make_shared<nn::Flatten>();
  if (l.type == "linear") {
    needs_rank(2, "flat (N, features) — add a flatten layer before it —");
    return std::make_shared<nn::Linear>(
        nn::LinearOptions{.in_features = in[1], .out_features = l.out, .bias = l.bias, .dtype = dtype, .rng = &rng});
  }
  return nn::make_activation(l.type);
}

// The weight a conv or linear layer would allocate for inputs of shape `in` (batch dim included);
// a layer that cannot take such inputs is left to make_layer's checks.
void check_weight(const io::LayerConfig& l, const Shape& in) {
  if (l.type == "conv" && in.rank() == 4 && l.groups > 0 && in[1] % l.groups == 0) {
    check_size("", "a Conv2d weight", Shape{l.out, in[1] / l.groups, l.kernel, l.kernel});
  } else if (l.type == "linear" && in.rank() == 2) {
    check_size("", "a Linear weight", Shape{l.out, in[1]});
  }
}

// The shape `layer` (made from `l`) gives for inputs of shape `in`, worked out without running it;
// layers that keep their input's number of elements give `in`.
Shape output_shape(const io::LayerConfig& l, const nn::Module& layer, const Shape& in) {
  if (l.type == "conv") {
    const auto& conv = dynamic_cast<const nn::Conv2d&>(layer);
    const nn::Conv2dOptions& o = conv.options();
    return ops::conv2d_output_shape(
        in, conv.weight().shape(),
        {.stride = o.stride, .padding = o.padding, .dilation = o.dilation, .groups = o.groups});
  }
  if (l.type == "maxpool" || l.type == "avgpool") {
    return ops::pool2d_output_shape(in, l.kernel, l.stride == 0 ? std::nullopt : std::optional<ops::Size2d>(l.stride),
                                    l.padding);
  }
  if (l.type == "adaptive_avgpool") return ops::adaptive_avg_pool2d_output_shape(in, l.size);
  if (l.type == "linear") return {in[0], l.out};
  return in;
}

// The activation after layer i (for Kaiming gains), or "" if none follows directly.
std::string activation_after(const std::vector<io::LayerConfig>& layers, std::size_t i) {
  if (i + 1 >= layers.size()) return "";
  const std::string& next = layers[i + 1].type;
  return next == "batchnorm" ? activation_after(layers, i + 1) : next;
}

// E9's CNNs and their variations: the layer list in order, each layer's input size found by
// passing a one-example batch of zeros through the layers before it, so that a mistake (an
// image too small for a kernel, a linear without a flatten) is reported at its layer.
std::shared_ptr<nn::Sequential> cnn(const io::ModelConfig& c, const Shape& example_shape, std::int64_t outputs,
                                    std::int64_t batch, Rng& rng) {
  auto model = std::make_shared<nn::Sequential>();
  const DType dtype = model_dtype(c);
  std::vector<std::int64_t> first{1};
  first.insert(first.end(), example_shape.begin(), example_shape.end());
  Tensor probe = Tensor::zeros(Shape(std::span<const std::int64_t>(first)), dtype);
  NoGradGuard no_grad;
  for (std::size_t i = 0; i < c.layers.size(); ++i) {
    const io::LayerConfig& spec = c.layers[i];
    try {
      check_weight(spec, probe.shape());
      auto layer = make_layer(spec, probe.shape(), dtype, rng);
      // Checked before the probe runs: a kernel larger than its input, or an output too large.
      Shape out = output_shape(spec, *layer, probe.shape());
      out[0] = batch;
      check_size("", fmt::format("its output for a batch of {}", batch), out);
      nn::init::scheme_(*layer, c.init, activation_after(c.layers, i), rng);
      layer->eval();  // the probe must not move BatchNorm's running statistics
      probe = layer->forward(probe);
      layer->train();
      model->push_back(layer);
    } catch (const Error& e) {
      throw ConfigError(fmt::format("[[model.layers]] #{} ({}): {}", i + 1, spec.type, e.what()));
    }
  }
  NNLAB_CHECK(probe.dim() == 2 && probe.size(1) == outputs, ConfigError,
              "[[model.layers]]: the layers turn one example into {}, but the data needs {} outputs per example: "
              "end with a linear layer of out = {}",
              probe.shape(), outputs, outputs);
  return model;
}

// torchvision's ResNet-18/34 for (C, H, W) images: in_channels from the data, one logit per output.
std::shared_ptr<nn::Module> resnet(const io::ModelConfig& c, const Shape& example_shape, std::int64_t outputs,
                                   Rng& rng) {
  NNLAB_CHECK(example_shape.rank() == 3, ConfigError,
              "[model] type = '{}' needs image inputs (C, H, W), but the data's examples are {}", c.type,
              example_shape);
  NNLAB_CHECK(c.init == "default", ConfigError,
              "[model] init = '{}' does not apply to type = '{}', which initialises as torchvision (Kaiming normal, "
              "fan_out, for its convolutions): expected init = 'default'",
              c.init, c.type);
  const nn::ResNetOptions options{.num_classes = outputs,
                                  .in_channels = example_shape[0],
                                  .small_images = c.small_images,
                                  .dtype = model_dtype(c),
                                  .rng = &rng};
  if (c.type == "resnet18") return nn::resnet18(options);
  return nn::resnet34(options);
}

}  // namespace

DType model_dtype(const io::ModelConfig& config) { return config.dtype == "float64" ? DType::f64 : DType::f32; }

std::shared_ptr<nn::Module> build_model(const io::ModelConfig& c, const Shape& example_shape, std::int64_t outputs,
                                        Rng& rng, std::int64_t batch) {
  std::shared_ptr<nn::Module> model;
  if (c.type == "mlp" || c.type == "logistic") {
    model = mlp(c, example_shape, outputs, batch, rng);
  } else if (c.type == "perceptron") {
    // Flattened images, zero-initialised scores x Wᵀ + b: trained with loss "perceptron", SGD,
    // lr 1 and batch 1, the mistake-driven perceptron rule (E1).
    check_size("[data]", "the perceptron's weight", Shape{outputs, example_shape.numel()});
    auto sequential = std::make_shared<nn::Sequential>();
    sequential->push_back(std::make_shared<nn::Flatten>());
    sequential->push_back(std::make_shared<nn::Perceptron>(example_shape.numel(), outputs, model_dtype(c)));
    model = sequential;
  } else if (c.type == "cnn") {
    model = cnn(c, example_shape, outputs, batch, rng);
  } else if (c.type == "resnet18" || c.type == "resnet34") {
    model = resnet(c, example_shape, outputs, rng);
  } else {
    throw ConfigError(fmt::format("[model] type: unknown model type '{}'", c.type));
  }
  if (!c.init_from.empty()) io::load_model(*model, c.init_from, {.strict = false, .skip_prefixes = c.init_skip});
  for (const std::string& prefix : c.freeze) freeze(*model, prefix);
  return model;
}

}  // namespace nnlab::lab
