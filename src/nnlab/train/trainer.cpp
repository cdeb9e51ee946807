#include "nnlab/train/trainer.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/optim/clip.h"
#include "nnlab/train/evaluate.h"

namespace nnlab::train {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

Trainer::Trainer(nn::Module& model, optim::Optimizer& optimizer, Objective objective, TrainerOptions options,
                 Schedule schedule)
    : model_(model), optimizer_(optimizer), objective_(std::move(objective)), options_(options),
      schedule_(std::move(schedule)) {
  NNLAB_CHECK(options_.epochs >= 1, ValueError, "Trainer: epochs must be >= 1, got {}", options_.epochs);
  NNLAB_CHECK(options_.first_epoch >= 1, ValueError, "Trainer: first_epoch must be >= 1, got {}",
              options_.first_epoch);
  NNLAB_CHECK(options_.early_stopping >= 0, ValueError, "Trainer: early_stopping must be >= 0, got {}",
              options_.early_stopping);
  NNLAB_CHECK(options_.clip_grad_norm >= 0, ValueError, "Trainer: clip_grad_norm must be >= 0, got {}",
              options_.clip_grad_norm);
}

double Trainer::current_lr() const {
  const auto& groups = optimizer_.param_groups();
  return groups.empty() ? 0.0 : groups.front().lr;
}

bool Trainer::train_epoch(data::DataLoader& loader, std::int64_t epoch, EpochRecord& record) {
  const std::int64_t batches = loader.size();
  for (Callback* callback : callbacks_) callback->on_epoch_begin(epoch, batches);
  const std::vector<Tensor> parameters = model_.parameters();
  model_.train();
  double loss_sum = 0.0;
  std::int64_t correct = 0, seen = 0, index = 0;
  for (const data::Batch& batch : loader) {
    const Tensor outputs = model_(batch.inputs);
    const Tensor loss = objective_.loss(outputs, batch.targets);
    const double value = loss.item();
    if (!std::isfinite(value)) {
      result_.stop_reason = "non_finite_loss";
      result_.message = fmt::format("loss became {} at epoch {}, batch {} of {} (step {}); last finite loss {:.6g}",
                                    value, epoch, index + 1, batches, result_.steps + 1, last_finite_loss_);
      return false;
    }
    last_finite_loss_ = value;
    loss.backward();
    if (options_.clip_grad_norm > 0) optim::clip_grad_norm_(parameters, options_.clip_grad_norm);
    const std::int64_t rows = batch.inputs.size(0);
    ++result_.steps;
    const StepInfo info{.epoch = epoch, .batch = index, .batches = batches, .step = result_.steps, .loss = value,
                        .lr = current_lr(), .inputs = &batch, .outputs = &outputs, .model = &model_};
    for (Callback* callback : callbacks_) callback->on_step(info);
    optimizer_.step();
    optimizer_.zero_grad();
    if (schedule_.scheduler && schedule_.per_step) schedule_.scheduler->step();
    loss_sum += value * static_cast<double>(rows);
    if (objective_.classification) correct += count_correct(outputs, batch.targets);
    seen += rows;
    ++index;
  }
  const double count = static_cast<double>(seen);
  record.train_loss = seen > 0 ? loss_sum / count : std::numeric_limits<double>::quiet_NaN();
  record.train_accuracy = objective_.classification && seen > 0 ? static_cast<double>(correct) / count
                                                                : std::numeric_limits<double>::quiet_NaN();
  record.examples = seen;
  return true;
}

void Trainer::step_schedule(const EpochRecord& record) {
  if (schedule_.scheduler && !schedule_.per_step) schedule_.scheduler->step();
  if (schedule_.plateau) {
    schedule_.plateau->step(std::isnan(record.val_loss) ? record.train_loss : record.val_loss);
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
    EpochRecord record{.epoch = epoch, .lr = current_lr()};
    if (!train_epoch(train, epoch, record)) break;
    const Evaluation on_val = evaluate(model_, val, objective_, options_.eval_batch_size);
    const Evaluation on_test = evaluate(model_, test, objective_, options_.eval_batch_size);
    record.val_loss = on_val.loss;
    record.val_accuracy = on_val.accuracy;
    record.test_loss = on_test.loss;
    record.test_accuracy = on_test.accuracy;
    record.steps = result_.steps;
    record.epoch_seconds = seconds_since(epoch_start);
    record.seconds = seconds_since(start);
    result_.history.push_back(record);
    for (Callback* callback : callbacks_) callback->on_epoch_end(record);
    step_schedule(record);

    const double monitored = val.size() > 0 ? record.val_loss : record.train_loss;
    if (monitored < best_loss) {
      best_loss = monitored;
      result_.best_epoch = epoch;
      epochs_without_improvement = 0;
    } else if (options_.early_stopping > 0 && ++epochs_without_improvement >= options_.early_stopping) {
      result_.stop_reason = "early_stopping";
      result_.message = fmt::format("no lower {} loss for {} epochs (best {:.6g} at epoch {})",
                                    val.size() > 0 ? "validation" : "training", options_.early_stopping,
                                    best_loss, result_.best_epoch);
      break;
    }
  }
  result_.seconds = seconds_since(start);
  for (Callback* callback : callbacks_) callback->on_train_end(result_);
  return result_;
}

}  // namespace nnlab::train
