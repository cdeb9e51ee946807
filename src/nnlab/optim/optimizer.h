#pragma once
// Optimizer: the base of every torch.optim-style optimiser. Parameters come in groups, each
// with its own learning rate and weight decay; per-parameter state is keyed by the
// parameter's position in the flattened parameter list (group 0's first, then group 1's...),
// which is stable and can be written to a safetensors file.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nnlab/kernels/optim.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::optim {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

// A group field left at kFromOptions takes the optimiser's option, as torch's param_groups do.
inline constexpr double kFromOptions = std::numeric_limits<double>::quiet_NaN();

// A set of parameters updated with one learning rate and weight decay (torch's param_groups).
// The other hyper-parameters are the optimiser's options, shared by all its groups.
struct ParamGroup {
  std::vector<Tensor> params = {};
  double lr = kFromOptions;
  double weight_decay = kFromOptions;
  // The lr schedules start from; set by the first schedule attached (torch's "initial_lr").
  std::optional<double> initial_lr = std::nullopt;
};

class Optimizer {
 public:
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient, in place and under NoGradGuard.
  // Parameters whose grad is undefined are skipped and their state is untouched (as torch).
  // Throws ShapeError / DTypeError if a gradient does not match its parameter.
  virtual void step() = 0;

  // Drops every parameter's gradient (torch's zero_grad(set_to_none=True)).
  void zero_grad();

  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }

  // The optimiser's state: "state.<i>.step" (int64 scalar) and "state.<i>.<buffer>" (the
  // parameter's shape and dtype) for every parameter i that has been updated, plus
  // "param_groups.<g>.lr" (float64 scalar) for every group.
  virtual NamedTensors state() const;
  // Restores what state() wrote, copying the tensors. Throws DataError for an unknown key, a
  // parameter index past the list or a buffer whose shape or dtype differs from its parameter's.
  virtual void load_state(const NamedTensors& state);

 protected:
  // `where` names the optimiser in errors ("Adam"). Every parameter must be a defined,
  // contiguous float32 or float64 tensor; a group's parameters share one dtype.
  Optimizer(std::string where, std::vector<ParamGroup> groups);

  // The names of the up-to-three state buffers this optimiser keeps per parameter, in the
  // order of kernels::OptimSlot::state; an empty name marks an unused slot.
  virtual std::array<std::string, 3> buffer_names() const = 0;
  // The value a new state buffer starts at (Adagrad's initial_accumulator_value).
  virtual double initial_buffer_value(int /*buffer*/) const { return 0.0; }

  // The slots of group g's parameters that have a gradient, their state created on first use
  // and their step counts advanced. Valid until the next call.
  std::span<const kernels::OptimSlot> prepare_group(std::size_t g);
  // The dtype of group g's parameters (float32 for an empty group).
  DType group_dtype(std::size_t g) const;

  // Checks lr and weight_decay of every group; called by the subclass constructors.
  void check_groups() const;

  std::string where_;
  std::vector<ParamGroup> groups_;

 private:
  struct ParamState {
    std::int64_t step = 0;
    std::array<Tensor, 3> buffers;
  };
  std::size_t param_count() const;
  std::vector<ParamState> states_;            // by flat parameter position
  std::vector<kernels::OptimSlot> slots_;     // reused by prepare_group
};

// Wraps a plain parameter list as one group with the given lr and weight decay.
std::vector<ParamGroup> single_group(std::vector<Tensor> params, double lr, double weight_decay);
// The groups with every field left at kFromOptions set to the optimiser's lr / weight_decay.
std::vector<ParamGroup> with_options(std::vector<ParamGroup> groups, double lr, double weight_decay);

}  // namespace nnlab::optim
