#pragma once
// What `nnlab optimize` leaves in its run folder: config.toml (the settings, to run again),
// results.csv (one row per optimiser), paths.csv (each path, thinned), and three charts as PNG
// and SVG: contour (paths over log-spaced contours, start and minima marked), distance (to the
// nearest minimum per step, log scales) and value (f per step).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nnlab/io/optimize_config.h"
#include "nnlab/lab/optimize.h"

namespace nnlab::lab {

struct PlaygroundFiles {
  std::vector<std::filesystem::path> files = {};  // in the order written
  std::vector<std::string> notes = {};            // charts left out, and why
};

// Writes the files above into `folder`, which exists. `config` is written as config.toml with
// the start and the optimisers' labels filled in. The distance chart needs a known minimum; the
// contour chart a function that is finite somewhere in its window. Throws IoError when a file
// cannot be written.
PlaygroundFiles write_playground_outputs(const PlaygroundOutcome& outcome, const io::OptimizeConfig& config,
                                         const std::filesystem::path& folder);

// The indices of at most about `count` of the recorded steps, spread both evenly and evenly in
// log(step + 1), so that a log-scaled x axis is drawn as smoothly as a linear one. Increasing;
// the first and the last are always included.
std::vector<std::size_t> thin_steps(const std::vector<std::int64_t>& steps, std::size_t count);

// The contour window {x_min, x_max, y_min, y_max}: the function's own window if the config gave
// one; else the named function's window (or a box around the start and minima) grown to hold the
// start, the minima and every path point that lies within a few window sizes of them (points
// far beyond, on the way to a divergence, are clipped instead).
std::array<double, 4> playground_window(const PlaygroundOutcome& outcome, bool window_given);

}  // namespace nnlab::lab
