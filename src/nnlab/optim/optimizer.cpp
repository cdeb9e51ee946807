// Optimizer base: parameter groups, lazily created per-parameter state, and its serialisation.
#include "nnlab/optim/optimizer.h"

#include <cmath>

#include <charconv>

#include "nnlab/core/check.h"
#include "nnlab/tensor/copy.h"

namespace nnlab::optim {
namespace {

// Parses "<prefix><index>.<rest>" into index and rest; false if the key has another form.
bool split_key(const std::string& key, const std::string& prefix, std::size_t& index, std::string& rest) {
  if (key.rfind(prefix, 0) != 0) return false;
  const char* begin = key.data() + prefix.size();
  const char* end = key.data() + key.size();
  const auto [ptr, ec] = std::from_chars(begin, end, index);
  if (ec != std::errc() || ptr == begin || ptr == end || *ptr != '.') return false;
  rest.assign(ptr + 1, end);
  return true;
}

}  // namespace

std::vector<ParamGroup> single_group(std::vector<Tensor> params, double lr, double weight_decay) {
  std::vector<ParamGroup> groups(1);
  groups[0].params = std::move(params);
  return with_options(std::move(groups), lr, weight_decay);
}

std::vector<ParamGroup> with_options(std::vector<ParamGroup> groups, double lr, double weight_decay) {
  for (ParamGroup& group : groups) {
    if (std::isnan(group.lr)) group.lr = lr;
    if (std::isnan(group.weight_decay)) group.weight_decay = weight_decay;
  }
  return groups;
}

Optimizer::Optimizer(std::string where, std::vector<ParamGroup> groups)
    : where_(std::move(where)), groups_(std::move(groups)) {
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const auto& params = groups_[g].params;
    for (std::size_t k = 0; k < params.size(); ++k) {
      const Tensor& p = params[k];
      NNLAB_CHECK(p.defined(), ValueError, "{}: parameter {} of group {} must be a defined tensor, got an undefined one",
                  where_, k, g);
      NNLAB_CHECK(p.dtype() == DType::f32 || p.dtype() == DType::f64, DTypeError,
                  "{}: parameters must be float32 or float64, got {} for parameter {} of group {}", where_, p.dtype(),
                  k, g);
      NNLAB_CHECK(p.dtype() == params[0].dtype(), DTypeError,
                  "{}: parameters of one group must share a dtype, got {} and {} in group {}", where_,
                  params[0].dtype(), p.dtype(), g);
      NNLAB_CHECK(p.is_contiguous(), ShapeError,
                  "{}: parameters must be contiguous to be updated in place, got strides {} for shape {}", where_,
                  p.strides(), p.shape());
    }
  }
  states_.resize(param_count());
}

Optimizer::~Optimizer() = default;

void Optimizer::check_groups() const {
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    NNLAB_CHECK(groups_[g].lr >= 0, ValueError, "{}: lr must be non-negative, got {} (group {})", where_,
                groups_[g].lr, g);
    NNLAB_CHECK(groups_[g].weight_decay >= 0, ValueError, "{}: weight_decay must be non-negative, got {} (group {})",
                where_, groups_[g].weight_decay, g);
  }
}

std::size_t Optimizer::param_count() const {
  std::size_t n = 0;
  for (const auto& group : groups_) n += group.params.size();
  return n;
}

void Optimizer::zero_grad() {
  for (const auto& group : groups_) {
    for (const Tensor& p : group.params) p.zero_grad();
  }
}

DType Optimizer::group_dtype(std::size_t g) const {
  return groups_[g].params.empty() ? DType::f32 : groups_[g].params[0].dtype();
}

std::span<const kernels::OptimSlot> Optimizer::prepare_group(std::size_t g) {
  if (states_.size() < param_count()) states_.resize(param_count());
  std::size_t index = 0;
  for (std::size_t k = 0; k < g; ++k) index += groups_[k].params.size();
  const std::array<std::string, 3> names = buffer_names();
  slots_.clear();
  for (const Tensor& p : groups_[g].params) {
    ParamState& st = states_[index++];
    const Tensor grad = p.grad();
    if (!grad.defined()) continue;
    NNLAB_CHECK(grad.shape() == p.shape(), ShapeError, "{}: gradient must have its parameter's shape {}, got {}",
                where_, p.shape(), grad.shape());
    NNLAB_CHECK(grad.dtype() == p.dtype(), DTypeError, "{}: gradient must have its parameter's dtype {}, got {}",
                where_, p.dtype(), grad.dtype());
    NNLAB_CHECK(grad.is_contiguous(), ShapeError, "{}: gradient must be contiguous, got strides {} for shape {}",
                where_, grad.strides(), grad.shape());
    kernels::OptimSlot slot;
    slot.param = p.data_ptr();
    slot.grad = grad.data_ptr();
    slot.numel = p.numel();
    for (int b = 0; b < 3; ++b) {
      if (names[b].empty()) continue;
      if (!st.buffers[b].defined()) st.buffers[b] = Tensor::full(p.shape(), initial_buffer_value(b), p.dtype());
      slot.state[b] = st.buffers[b].data_ptr();
    }
    slot.step = ++st.step;
    slots_.push_back(slot);
  }
  return slots_;
}

NamedTensors Optimizer::state() const {
  NamedTensors out;
  const std::array<std::string, 3> names = buffer_names();
  for (std::size_t i = 0; i < states_.size(); ++i) {
    const ParamState& st = states_[i];
    if (st.step == 0) continue;
    const std::string prefix = "state." + std::to_string(i) + ".";
    out.emplace_back(prefix + "step", Tensor::scalar(static_cast<double>(st.step), DType::i64));
    for (int b = 0; b < 3; ++b) {
      if (!names[b].empty() && st.buffers[b].defined()) out.emplace_back(prefix + names[b], clone(st.buffers[b]));
    }
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    out.emplace_back("param_groups." + std::to_string(g) + ".lr", Tensor::scalar(groups_[g].lr, DType::f64));
  }
  return out;
}

void Optimizer::load_state(const NamedTensors& state) {
  std::vector<const Tensor*> params;
  for (const auto& group : groups_) {
    for (const Tensor& p : group.params) params.push_back(&p);
  }
  const std::array<std::string, 3> names = buffer_names();
  std::vector<ParamState> loaded(params.size());
  std::vector<double> lrs;
  for (const auto& group : groups_) lrs.push_back(group.lr);
  for (const auto& [key, value] : state) {
    std::size_t index = 0;
    std::string rest;
    if (split_key(key, "param_groups.", index, rest) && rest == "lr") {
      NNLAB_CHECK(index < groups_.size(), DataError, "{}: state key '{}' names group {}, but there are {} groups",
                  where_, key, index, groups_.size());
      lrs[index] = value.item();
      continue;
    }
    NNLAB_CHECK(split_key(key, "state.", index, rest), DataError,
                "{}: state keys must read 'state.<i>.<name>' or 'param_groups.<g>.lr', got '{}'", where_, key);
    NNLAB_CHECK(index < params.size(), DataError, "{}: state key '{}' names parameter {}, but there are {}", where_,
                key, index, params.size());
    if (rest == "step") {
      loaded[index].step = static_cast<std::int64_t>(value.item());
      continue;
    }
    int b = 0;
    while (b < 3 && names[b] != rest) ++b;
    NNLAB_CHECK(b < 3 && !rest.empty(), DataError, "{}: unknown state buffer '{}' in key '{}'", where_, rest, key);
    const Tensor& p = *params[index];
    NNLAB_CHECK(value.shape() == p.shape() && value.dtype() == p.dtype(), DataError,
                "{}: state '{}' must have its parameter's shape {} and dtype {}, got {} and {}", where_, key,
                p.shape(), p.dtype(), value.shape(), value.dtype());
    loaded[index].buffers[b] = contiguous(clone(value));
  }
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    if (loaded[i].step == 0) continue;
    for (int b = 0; b < 3; ++b) {
      NNLAB_CHECK(names[b].empty() || loaded[i].buffers[b].defined(), DataError,
                  "{}: state of parameter {} must include '{}', got only its step", where_, i, names[b]);
    }
  }
  states_ = std::move(loaded);
  for (std::size_t g = 0; g < groups_.size(); ++g) groups_[g].lr = lrs[g];
}

}  // namespace nnlab::optim
