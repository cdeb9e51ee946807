#pragma once
// An experiment's report.html (`nnlab run`): one self-contained page in the experiment's folder,
// made from the folder alone (experiment.toml, experiment.json and each part's folder), with a
// section per part in the experiment file's order:
//   train        the run's final metrics, its linear-region bound when it has one, its plots
//   sweep        the ranked table (trials linked to their reports), the comparison plots, and
//                the plots of the trials the part's show_trials names (best, worst)
//   optimize,    results.csv as a table and the part's pictures
//   closed_form
// A part that failed or did not run says so; the others still show.
#include <filesystem>
#include <string>

namespace nnlab::lab {

// The page for the experiment folder `dir`. Throws IoError when it holds no experiment.toml.
std::string render_experiment_report(const std::filesystem::path& dir);

// Writes render_experiment_report(dir) to dir/report.html atomically.
void write_experiment_report(const std::filesystem::path& dir);

}  // namespace nnlab::lab
