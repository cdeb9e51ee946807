// The fully connected workloads: W1 mlp-sigmoid, W2 mlp-deep, W3 mlp2d-bn and W6 sinc.
#include <fmt/format.h>

#include "nnlab/core/error.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/data/synthetic.h"
#include "nnlab/nn/builders.h"
#include "nnlab/ops/loss.h"
#include "nnlab/optim/adam.h"
#include "nnlab/optim/sgd.h"
#include "nnlab/train/probes/norm_probes.h"
#include "workloads/workload.h"

namespace nnlab::bench {
namespace {

Tensor mse(const Tensor& outputs, const Tensor& targets) { return ops::mse_loss(outputs, targets); }

// W3's data: 10 seeded Gaussian clusters in the plane (E6's "map").
constexpr std::int64_t kMapPoints = 106'897;

}  // namespace

// W1: 784-30-10 sigmoid, Xavier-normal weights and zero biases, SGD lr 0.1, batch 10,
// one epoch (6,000 steps).
Result run_mlp_sigmoid(const std::string& /*variant*/, const RunOptions& options) {
  const data::Dataset dataset = fashion_mnist_flat();
  Rng rng(options.seed);
  auto model = nn::mlp({.in_features = 784,
                        .hidden = {30},
                        .out_features = 10,
                        .activation = "sigmoid",
                        .init = "xavier_normal",
                        .rng = &rng});
  optim::SGD optimizer(model->parameters(), {.lr = 0.1});
  return train_supervised(*model, optimizer, dataset,
                          {.batch_size = 10, .seed = options.seed, .prefetch = options.prefetch},
                          cross_entropy_loss, options.steps.value_or(6000));
}

// W2: 784-512-256-128-64-10 ReLU, Kaiming-uniform (relu gain, fan_in, zero biases), Adam lr 1e-3
// with weight decay 1e-4, batch 64, one epoch (938 steps, the last batch of an epoch short).
// P1: what the grad_norms probe adds to W2's step. W2's job in 16 segments, half of them with
// the probe at every step recording into a metrics stream whose sink encodes each record as the
// run folder's logs do, in the order plain, probe, probe, plain, ... (so a slow drift of the
// machine falls on both alike). Returns the probe's segments as variant "grad_norms" and the
// plain ones as its baseline.
Result run_probe_cost(const std::string& /*variant*/, const RunOptions& options) {
  const data::Dataset dataset = fashion_mnist_flat();
  Rng rng(options.seed);
  auto model = nn::mlp({.in_features = 784, .hidden = {512, 256, 128, 64}, .out_features = 10,
                        .activation = "relu", .init = "kaiming_uniform", .rng = &rng});
  optim::Adam optimizer(model->parameters(), {.lr = 1e-3, .weight_decay = 1e-4});
  // Encodes every scalar as metrics.jsonl and metrics.csv lines, into memory.
  struct EncodingSink final : train::MetricsSink {
    std::string jsonl, csv;
    void write(const train::ScalarRecord& record) override {
      jsonl += io::to_jsonl_line(record) + "\n";
      csv += io::to_csv_row(record) + "\n";
      if (jsonl.size() > (1 << 20)) jsonl.clear(), csv.clear();
    }
  } sink;
  train::MetricsStream stream;
  stream.add_sink(sink);
  train::GradNormProbe probe(stream, /*every=*/1);
  const AfterBackward record = [&](const data::Batch& batch, const Tensor& loss, std::int64_t step) {
    probe.on_step({.epoch = 1, .batch = 0, .batches = 1 << 30, .step = step, .loss = loss.item(), .lr = 1e-3,
                   .inputs = &batch, .outputs = nullptr, .model = model.get()});
  };
  constexpr int kSegments = 16;
  const std::int64_t segment_steps = std::max<std::int64_t>(1, options.steps.value_or(938) / (kSegments / 2));
  Result with_probe, plain;
  with_probe.variant = "grad_norms";
  plain.variant = "plain";
  for (int segment = 0; segment < kSegments; ++segment) {
    const bool probed = segment % 4 == 1 || segment % 4 == 2;  // plain, probe, probe, plain, ...
    const Result part = train_supervised(*model, optimizer, dataset,
                                         {.batch_size = 64, .seed = options.seed, .prefetch = options.prefetch},
                                         cross_entropy_loss, segment_steps, segment == 0 ? kWarmupSteps : 0,
                                         probed ? record : AfterBackward{});
    Result& total = probed ? with_probe : plain;
    total.batch = part.batch;
    total.steps += part.steps;
    total.samples += part.samples;
    total.seconds += part.seconds;
    total.final_loss = part.final_loss;
  }
  with_probe.baseline.push_back(plain);
  return with_probe;
}

Result run_mlp_deep(const std::string& /*variant*/, const RunOptions& options) {
  const data::Dataset dataset = fashion_mnist_flat();
  Rng rng(options.seed);
  auto model = nn::mlp({.in_features = 784,
                        .hidden = {512, 256, 128, 64},
                        .out_features = 10,
                        .activation = "relu",
                        .init = "kaiming_uniform",
                        .rng = &rng});
  optim::Adam optimizer(model->parameters(), {.lr = 1e-3, .weight_decay = 1e-4});
  return train_supervised(*model, optimizer, dataset,
                          {.batch_size = 64, .seed = options.seed, .prefetch = options.prefetch},
                          cross_entropy_loss, options.steps.value_or(938));
}

// W3: 2 -> six hidden Linear(16) each followed by BatchNorm1d and ReLU -> 10, torch's default
// init, Adam lr 1e-3, drop_last; variant "b<batch>" for batch 1, 16, 128 or 1024. One epoch each
// (floor(106,897 / batch) steps), batch 1 only its first 20,000 steps and without BatchNorm:
// a batch of one has no variance to normalise.
Result run_mlp2d_bn(const std::string& variant, const RunOptions& options) {
  std::int64_t batch = 0;
  if (variant == "b1") batch = 1;
  if (variant == "b16") batch = 16;
  if (variant == "b128") batch = 128;
  if (variant == "b1024") batch = 1024;
  if (batch == 0) throw ValueError(fmt::format("W3: expected variant b1, b16, b128 or b1024, got '{}'", variant));

  const data::Dataset dataset = data::map_clusters(kMapPoints, options.seed, 10);
  Rng rng(options.seed);
  auto model = nn::mlp({.in_features = 2,
                        .hidden = std::vector<std::int64_t>(6, 16),
                        .out_features = 10,
                        .activation = "relu",
                        .batchnorm = batch > 1,
                        .rng = &rng});
  optim::Adam optimizer(model->parameters(), {.lr = 1e-3});
  const std::int64_t epoch_steps = batch == 1 ? 20'000 : kMapPoints / batch;
  return train_supervised(*model, optimizer, dataset,
                          {.batch_size = batch, .drop_last = true, .seed = options.seed, .prefetch = options.prefetch},
                          cross_entropy_loss, options.steps.value_or(epoch_steps));
}

// W6: 1,000 evenly spaced x in [-2, 2], y = sin(5 pi x) / (5 pi x); 1-50-50-1 ReLU with torch's
// default init, Adam lr 1e-3, MSE, full batch (reshuffled every step), 3,000 steps.
Result run_sinc(const std::string& /*variant*/, const RunOptions& options) {
  const data::Dataset dataset = data::function_regression(1000, options.seed, -2.0, 2.0);
  Rng rng(options.seed);
  auto model = nn::mlp({.in_features = 1, .hidden = {50, 50}, .out_features = 1, .activation = "relu", .rng = &rng});
  optim::Adam optimizer(model->parameters(), {.lr = 1e-3});
  return train_supervised(*model, optimizer, dataset,
                          {.batch_size = 1000, .seed = options.seed, .prefetch = options.prefetch}, mse,
                          options.steps.value_or(3000));
}

}  // namespace nnlab::bench
