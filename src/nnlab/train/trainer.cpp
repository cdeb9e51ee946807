#include "nnlab/train/trainer.h"

#include <chrono>
#include <csignal>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/core/interrupt.h"
#include "nnlab/optim/clip.h"
#include "nnlab/train/evaluate.h"

namespace nnlab::train {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

Trainer::Trainer(nn::Module& model, optim::Optimizer& optimizer, Objective objective, TrainerOptions options,
                 Schedule schedule)
    : model_(model),
      optimizer_(optimizer),
      objective_(std::move(objective)),
      options_(options),
      schedule_(std::move(schedule)) {
  NNLAB_CHECK(options_.epochs >= 1, ValueError, "Trainer: epochs must be >= 1, got {}", options_.epochs);
  NNLAB_CHECK(options_.first_epoch >= 1, ValueError, "Trainer: first_epoch must be >= 1, got {}", options_.first_epoch);
  NNLAB_CHECK(options_.early_stopping >= 0, ValueError, "Trainer: early_stopping must be >= 0, got {}",
              options_.early_stopping);
  NNLAB_CHECK(options_.clip_grad_norm >= 0, ValueError, "Trainer: clip_grad_norm must be >= 0, got {}",
              options_.clip_grad_norm);
}

double Trainer::current_lr() const {
  const auto& groups = optimizer_.param_groups();
  return groups.empty() ? 0.0 : groups.front().lr;
}

bool Trainer::train_epoch(data::DataLoader& loader, std::int64_t epoch, EpochMetrics& metrics) {
  const std::int64_t batches = loader.size();
  for (Callback* callback : callbacks_) callback->on_epoch_begin(epoch, batches);
  const std::vector<Tensor> parameters = model_.parameters();
  model_.train();
  double loss_sum = 0.0;
  std::int64_t correct = 0, seen = 0, index = 0;
  for (const data::Batch& batch : loader) {
    if (interrupt_requested()) {  // between steps: the model and optimiser are never left half-updated
      result_.stop_reason = StopReason::interrupted;
      result_.message = fmt::format("interrupted by {} in epoch {}, after batch {} of {}",
                                    interrupt_signal() == SIGTERM ? "SIGTERM" : "SIGINT (Ctrl-C)", epoch, index,
                                    batches);
      return false;
    }
    const Tensor outputs = model_(batch.inputs);
    const Tensor loss = objective_.loss(outputs, batch.targets);
    const double value = loss.item();
    if (!std::isfinite(value)) {
      result_.stop_reason = StopReason::non_finite_loss;
      result_.message =
          fmt::format("loss became {} at epoch {}, batch {} of {} (step {}); {}", value, epoch, index + 1, batches,
                      result_.steps + 1,
                      std::isnan(last_finite_loss_) ? std::string("no finite loss before it")
                                                    : fmt::format("last finite loss {:.6g}", last_finite_loss_));
      if (options_.record_steps) metrics_.scalar("step/loss", result_.steps + 1, epoch, value);
      return false;
    }
    last_finite_loss_ = value;
    loss.backward();
    if (options_.clip_grad_norm > 0) optim::clip_grad_norm_(parameters, options_.clip_grad_norm);
    const std::int64_t rows = batch.inputs.size(0);
    ++result_.steps;
    const StepInfo info{.epoch = epoch,
                        .batch = index,
                        .batches = batches,
                        .step = result_.steps,
                        .loss = value,
                        .lr = current_lr(),
                        .inputs = &batch,
                        .outputs = &outputs,
                        .model = &model_};
    if (options_.record_steps) {
      metrics_.scalar("step/loss", info.step, epoch, value);
      metrics_.scalar("step/lr", info.step, epoch, info.lr);
    }
    for (Callback* callback : callbacks_) callback->on_step(info);
    optimizer_.step();
    optimizer_.zero_grad();
    if (schedule_.scheduler && schedule_.per_step) schedule_.scheduler->step();
    loss_sum += value * static_cast<double>(rows);
    if (objective_.classification) correct += count_correct(outputs, batch.targets);
    seen += rows;
    ++index;
  }
  if (seen > 0) {
    const double count = static_cast<double>(seen);
    metrics.values.emplace_back("train/loss", loss_sum / count);
    if (objective_.classification) metrics.values.emplace_back("train/accuracy", static_cast<double>(correct) / count);
  }
  return true;
}

void Trainer::finish_epoch(EpochMetrics& metrics, const data::Dataset& val, const data::Dataset& test,
                           double epoch_seconds, double seconds) {
  for (const auto& [split, dataset] : {std::pair{"val", &val}, {"test", &test}}) {
    if (dataset->size() == 0) continue;
    const Evaluation evaluation = evaluate(model_, *dataset, objective_, options_.eval_batch_size);
    metrics.values.emplace_back(fmt::format("{}/loss", split), evaluation.loss);
    if (objective_.classification) metrics.values.emplace_back(fmt::format("{}/accuracy", split), evaluation.accuracy);
  }
  metrics.step = result_.steps;
  metrics.values.emplace_back("time/epoch_seconds", epoch_seconds);
  metrics.values.emplace_back("time/seconds", seconds);
  for (const auto& [tag, value] : metrics.values) metrics_.scalar(tag, metrics.step, metrics.epoch, value);
}

void Trainer::step_schedule(const EpochMetrics& metrics) {
  if (schedule_.scheduler && !schedule_.per_step) schedule_.scheduler->step();
  if (schedule_.plateau) {
    schedule_.plateau->step(metrics.has("val/loss") ? metrics.get("val/loss") : metrics.get("train/loss"));
  }
}

TrainResult Trainer::fit(data::DataLoader& train, const data::Dataset& val, const data::Dataset& test) {
  result_ = TrainResult{};
  result_.steps = options_.first_step;
  last_finite_loss_ = std::numeric_limits<double>::quiet_NaN();
  // Epoch e of a resumed run gets the same batch order as in an uninterrupted one.
  for (std::int64_t e = 1; e < options_.first_epoch; ++e) train.start_epoch();
  for (Callback* callback : callbacks_) callback->on_train_begin(options_.first_epoch, options_.epochs);
  const auto start = Clock::now();
  double best_loss = std::numeric_limits<double>::infinity();
  std::int64_t epochs_without_improvement = 0;
  for (std::int64_t epoch = options_.first_epoch; epoch <= options_.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    EpochMetrics metrics{.epoch = epoch, .step = 0, .values = {}};
    const double lr = current_lr();
    if (!train_epoch(train, epoch, metrics)) break;
    metrics.values.emplace_back("lr", lr);
    finish_epoch(metrics, val, test, seconds_since(epoch_start), seconds_since(start));
    result_.history.push_back(metrics);
    for (Callback* callback : callbacks_) callback->on_epoch_end(metrics);
    metrics_.flush();
    step_schedule(metrics);

    const double monitored = val.size() > 0 ? metrics.get("val/loss") : metrics.get("train/loss");
    if (monitored < best_loss) {
      best_loss = monitored;
      result_.best_epoch = epoch;
      epochs_without_improvement = 0;
    } else if (options_.early_stopping > 0 && ++epochs_without_improvement >= options_.early_stopping) {
      result_.stop_reason = StopReason::early_stopping;
      result_.message = fmt::format("no lower {} loss for {} epochs (best {:.6g} at epoch {})",
                                    val.size() > 0 ? "validation" : "training", options_.early_stopping, best_loss,
                                    result_.best_epoch);
      break;
    }
    if (epoch == options_.pause_after_epoch && epoch < options_.epochs) {
      result_.stop_reason = StopReason::paused;
      result_.message = fmt::format("paused after epoch {} of {}", epoch, options_.epochs);
      break;
    }
  }
  result_.seconds = seconds_since(start);
  for (Callback* callback : callbacks_) callback->on_train_end(result_);
  metrics_.flush();
  return result_;
}

}  // namespace nnlab::train
