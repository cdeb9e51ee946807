#pragma once
// L2 norms of parameters and of their gradients: per parameter, per layer, in total, and the
// ratio of the first layer's to the last layer's (E6, E10, E14's vanishing-gradient probes).
#include <string>
#include <vector>

#include "nnlab/nn/module.h"

namespace nnlab::analysis {

struct NamedNorm {
  std::string name;
  double norm = 0.0;
};

// Norms of one set of tensors (the parameters or their gradients).
//   parameters: one entry per tensor counted, named as nn::Module::named_parameters names it.
//   layers: one entry per layer, in order of first appearance. A layer is the parameter name
//     without its last ".part" ("layer1.0.conv1.weight" -> "layer1.0.conv1"; a name with no
//     dot belongs to the root module, named ""). Its norm is sqrt(sum of its tensors' norm²).
//   total: sqrt(sum of every counted tensor's norm²).
//   first_to_last_ratio: layers.front().norm / layers.back().norm (inf when the last is 0 and
//     the first not, NaN when both are 0 or no tensor was counted).
struct NormSummary {
  std::vector<NamedNorm> parameters;
  std::vector<NamedNorm> layers;
  double total = 0.0;
  double first_to_last_ratio = 0.0;
};

// The L2 norms of the gradients of `parameters` (as Module::named_parameters gives them),
// accumulated in double. Parameters without a gradient (frozen, or not reached by backward)
// are skipped. Reads the data in place: no tensor is allocated.
// Throws DTypeError for a gradient that is not float32/float64.
NormSummary gradient_norms(const std::vector<nn::NamedTensor>& parameters);

// The L2 norms of the parameters' values themselves, every parameter counted (frozen ones too).
NormSummary parameter_norms(const std::vector<nn::NamedTensor>& parameters);

// The layer a parameter belongs to: its name without the last ".part" ("0.weight" -> "0").
std::string layer_name(const std::string& parameter_name);

// The sum of squares of a float32 / float64 tensor of any layout, in double.
// Throws DTypeError for int64.
double squared_l2_norm(const Tensor& tensor);

}  // namespace nnlab::analysis
