#pragma once
// `nnlab analyze pca`: the weight snapshots of one or many runs (the snapshots probe) projected
// onto their first two principal components, every run's trajectory in one picture coloured by
// accuracy (E10). Writes OUT/pca.csv (run, step, epoch, pc1, pc2, loss, accuracy, weight_norm),
// OUT/pca.png / .svg and, when the snapshots recorded their loss, OUT/weight_norm_loss.png / .svg
// (the L2 norm of all weights against the loss, a path per run).
#include <cstdint>
#include <filesystem>
#include <vector>

#include "nnlab/analysis/pca.h"

namespace nnlab::lab {

struct TrajectoryPca {
  analysis::PcaResult pca;
  std::int64_t runs = 0;
  std::int64_t snapshots = 0;
};

// Throws ConfigError when a run has no snapshots (naming it and the probe to turn on) and
// DataError when the runs' snapshots do not hold the same parameters (naming the run).
TrajectoryPca trajectory_pca(const std::vector<std::filesystem::path>& run_dirs, const std::filesystem::path& out_dir);

}  // namespace nnlab::lab
