#pragma once
// The [probes] section made concrete: one Trainer callback per probe the config turns on, each
// recording into the Trainer's metrics stream. Everything is checked here, before training
// starts: a probe that cannot apply to the model or data is a ConfigError naming its key.
#include <memory>
#include <vector>

#include "nnlab/io/config.h"
#include "nnlab/lab/experiment_data.h"
#include "nnlab/nn/module.h"
#include "nnlab/train/callback.h"
#include "nnlab/train/metrics.h"
#include "nnlab/train/objective.h"

namespace nnlab::lab {

// The probes of `config.probes`, borrowing `stream`, `model` and `data` (which must outlive them).
std::vector<std::unique_ptr<train::Callback>> build_probes(const io::ExperimentConfig& config,
                                                           const train::MetricsStream& stream, nn::Module& model,
                                                           const ExperimentData& data,
                                                           const train::Objective& objective);

}  // namespace nnlab::lab
