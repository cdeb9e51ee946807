#pragma once
// Tensor factories beyond Tensor::zeros/ones/full: ranges, random draws, *_like.
// Random factories take an Rng explicitly: one seed makes a run reproducible.
#include <cstdint>

#include "nnlab/core/rng.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab {

// start, start+step, ... below end (above end for a negative step), like torch.arange.
Tensor arange(double start, double end, double step = 1.0, DType dtype = DType::f32);
// `steps` evenly spaced values from start to end inclusive, like torch.linspace.
Tensor linspace(double start, double end, std::int64_t steps, DType dtype = DType::f32);

Tensor rand(const Shape& shape, Rng& rng, DType dtype = DType::f32);   // U[0, 1)
Tensor randn(const Shape& shape, Rng& rng, DType dtype = DType::f32);  // N(0, 1)
Tensor uniform(const Shape& shape, double low, double high, Rng& rng, DType dtype = DType::f32);
Tensor normal(const Shape& shape, double mean, double stddev, Rng& rng, DType dtype = DType::f32);
Tensor bernoulli(const Shape& shape, double p, Rng& rng, DType dtype = DType::f32);  // 0/1 values
Tensor randperm(std::int64_t n, Rng& rng);                                         // int64

Tensor empty_like(const Tensor& t);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor full_like(const Tensor& t, double value);

}  // namespace nnlab
