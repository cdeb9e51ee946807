#pragma once
// The pieces every WORKLOADS.md job shares: run options, the result line, the timed loop, and
// the registry's entry type. A workload is one function that builds its data, model and
// optimiser and hands one step to time_training().
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/data/dataset.h"
#include "nnlab/data/loader.h"
#include "nnlab/nn/module.h"
#include "nnlab/optim/optimizer.h"
#include "nnlab/tensor/tensor.h"

namespace nnlab::bench {

// The warm-up that WORKLOADS.md prescribes before the timed steps.
inline constexpr std::int64_t kWarmupSteps = 20;

struct RunOptions {
  std::optional<std::int64_t> steps;  // timed steps; unset: the workload's own count
  std::optional<bool> prefetch = std::nullopt;  // DataLoader's background batch preparation (unset: its own rule)
  std::uint64_t seed = 0;             // data, initialisation and batch order
  bool phases = false;                // print where a supervised step's time goes
  bool replay = true;                 // W7: capture the step's gradient once and replay it
};

// Seconds spent in each phase of the timed supervised steps (train_supervised only).
struct PhaseSeconds {
  double batch = 0;     // waiting for / gathering the batch
  double forward = 0;   // zero_grad, forward and loss
  double backward = 0;
  double step = 0;      // the optimiser step
};

// What one (workload, variant) run prints as a JSON line.
struct Result {
  std::string variant;       // "" when the workload has one; "b16", "adam", ...
  std::int64_t batch = 0;    // examples per step (the nominal batch size)
  std::int64_t steps = 0;    // timed optimiser steps
  std::int64_t samples = 0;  // examples processed in the timed steps
  double seconds = 0;        // wall-clock time of the timed steps
  double final_loss = 0;     // loss of the last timed step
  std::optional<PhaseSeconds> phases;
  // P1: the same job without the probe, timed in segments interleaved with the probe's in one
  // process (so that the machine's drifts fall on both alike); printed as its own line.
  std::vector<Result> baseline;
};

// One optimiser step: returns the step's loss (a 0-D tensor) and how many examples it used.
struct StepOutcome {
  Tensor loss;
  std::int64_t samples = 0;
};

// Runs `warmup` untimed steps (WORKLOADS.md's 20 unless a workload says otherwise), then `steps`
// timed ones, and reads the last loss.
template <typename Step>
Result time_training(std::int64_t steps, Step&& step, std::int64_t warmup = kWarmupSteps) {
  for (std::int64_t i = 0; i < warmup; ++i) step();
  Result result;
  result.steps = steps;
  StepOutcome last;
  const auto start = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < steps; ++i) {
    last = step();
    result.samples += last.samples;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.final_loss = last.loss.defined() ? last.loss.item() : 0.0;
  return result;
}

// loss(outputs, targets) -> 0-D tensor.
using LossFn = std::function<Tensor(const Tensor& outputs, const Tensor& targets)>;
// ops::cross_entropy with its defaults (mean over the batch), as a LossFn.
Tensor cross_entropy_loss(const Tensor& outputs, const Tensor& targets);

// The standard supervised job: batches from a shuffling DataLoader (a new order every epoch;
// the timed steps run on into the next epoch when they outlast one), zero_grad, forward, loss,
// backward, step, after `warmup` untimed steps. The result's batch is loader_options.batch_size.
// `after_backward` (when set) runs between backward and the step, as a Trainer callback would,
// with the batch, its loss and the 1-based step count; its time counts in the backward phase.
using AfterBackward = std::function<void(const data::Batch& batch, const Tensor& loss, std::int64_t step)>;
Result train_supervised(nn::Module& model, optim::Optimizer& optimizer, const data::Dataset& dataset,
                        const data::LoaderOptions& loader_options, const LossFn& loss, std::int64_t steps,
                        std::int64_t warmup = kWarmupSteps, const AfterBackward& after_backward = {});

// Fashion-MNIST's training set, flattened to (60000, 784) float32 and normalised with
// WORKLOADS.md's mean 0.2860 and std 0.3530.
data::Dataset fashion_mnist_flat();

// The same images as (60000, 1, 28, 28) float32, normalised the same way (W4, W5).
data::Dataset fashion_mnist_images();

// A workload's entry point: runs one variant (one of the registry's `variants`, or "" when it
// has none) and returns its result.
using WorkloadFn = std::function<Result(const std::string& variant, const RunOptions& options)>;

struct Workload {
  std::string id;                     // "W2"
  std::string name;                   // "mlp-deep", as in WORKLOADS.md
  std::vector<std::string> variants;  // run in order; empty: one run with variant ""
  WorkloadFn run;
};

// --- the workloads (workloads/*.cpp); the registry in workloads.cpp lists them ---
Result run_mlp_sigmoid(const std::string& variant, const RunOptions& options);  // W1
Result run_mlp_deep(const std::string& variant, const RunOptions& options);     // W2
Result run_mlp2d_bn(const std::string& variant, const RunOptions& options);     // W3
Result run_cnn_shallow(const std::string& variant, const RunOptions& options);  // W4
Result run_cnn_deep(const std::string& variant, const RunOptions& options);     // W5
Result run_sinc(const std::string& variant, const RunOptions& options);         // W6
Result run_rosenbrock(const std::string& variant, const RunOptions& options);   // W7
Result run_resnet18(const std::string& variant, const RunOptions& options);      // W8
Result run_linear_cifar(const std::string& variant, const RunOptions& options);  // W9
Result run_probe_cost(const std::string& variant, const RunOptions& options);   // P1: W2 with grad_norms, and without

}  // namespace nnlab::bench
