#pragma once
// Weight initialisation, with torch.nn.init's formulas and names. Each function overwrites
// the tensor's values in place (outside autograd) from the given Rng.
// https://pytorch.org/docs/stable/nn.init.html
#include <string>

#include "nnlab/core/rng.h"
#include "nnlab/nn/module.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::nn::init {

enum class FanMode { fan_in, fan_out };

// The recommended gain for a nonlinearity: "linear", "conv2d", "sigmoid" -> 1, "tanh" -> 5/3,
// "relu" -> sqrt(2), "leaky_relu" -> sqrt(2 / (1 + slope^2)), "selu" -> 3/4, and nnlab's
// "quadratic" -> 1.
double calculate_gain(const std::string& nonlinearity, double param = 0.01);

// (fan_in, fan_out) of a weight: (in, out) for (out, in); conv weights (out, in, k...) multiply
// both by the receptive field size. Needs rank >= 2.
std::pair<double, double> fans(const Tensor& weight);

void uniform_(const Tensor& t, double low, double high, Rng& rng);
void normal_(const Tensor& t, double mean, double stddev, Rng& rng);
void constant_(const Tensor& t, double value);
void zeros_(const Tensor& t);
void ones_(const Tensor& t);
// U(±gain * sqrt(6 / (fan_in + fan_out))) and N(0, gain^2 * 2 / (fan_in + fan_out)).
void xavier_uniform_(const Tensor& t, Rng& rng, double gain = 1.0);
void xavier_normal_(const Tensor& t, Rng& rng, double gain = 1.0);
// U(±gain * sqrt(3 / fan)) and N(0, gain^2 / fan), gain from `nonlinearity` and `a`
// (PyTorch's defaults: a = 0, fan_in, leaky_relu).
void kaiming_uniform_(const Tensor& t, Rng& rng, double a = 0.0, FanMode mode = FanMode::fan_in,
                      const std::string& nonlinearity = "leaky_relu");
void kaiming_normal_(const Tensor& t, Rng& rng, double a = 0.0, FanMode mode = FanMode::fan_in,
                     const std::string& nonlinearity = "leaky_relu");

// torch's own draw for a Linear or Conv2d layer: weight and bias (if defined) U(±1/sqrt(fan_in)),
// what kaiming_uniform_(a=sqrt(5)) reduces to for the weight, and torch's bias rule.
void layer_default_(const Tensor& weight, const Tensor& bias, Rng& rng);

// Re-initialises a layer's weight (Linear or Conv2d) by a named scheme and zeroes its bias (if
// defined): "default" leaves the layer's own torch draw untouched; xavier_normal / xavier_uniform
// use gain 1; kaiming_normal / kaiming_uniform use the gain of `activation` (leaky_relu's with
// slope 0.01, else relu's), as torch.nn.init.kaiming_*_(w, nonlinearity=...) does. Throws
// ConfigError for an unknown scheme.
void scheme_(const Tensor& weight, const Tensor& bias, const std::string& scheme, const std::string& activation,
             Rng& rng);
// The same for any layer that owns a "weight" of rank >= 2 (Linear, Conv2d) and maybe a "bias";
// other layers (activations, pools, BatchNorm's 1-D weight) are left as they are.
void scheme_(const Module& layer, const std::string& scheme, const std::string& activation, Rng& rng);

}  // namespace nnlab::nn::init
