#pragma once
// `nnlab analyze pca`: the weight snapshots of one or many runs (the snapshots probe) projected
// onto their first two principal components, every run's trajectory in one picture coloured by
// accuracy (E10). Writes OUT/pca.csv (run, step, epoch, pc1, pc2, loss, accuracy) and
// OUT/pca.png / .svg.
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
