#pragma once
// report.html: one self-contained page about one run, built from its run folder alone (no live
// objects), so `nnlab report RUN_DIR` can rebuild it for any run and the Trainer can refresh it
// after every epoch. Chart.js and every picture are inline: the page needs no network and no
// file beside it.
#include <filesystem>
#include <string>

namespace nnlab::report {

// The page for `run_dir`: title, overview (status, final loss and accuracy), per-epoch table,
// interactive curves (Chart.js), histograms, images, plots/*.png, model summary, timing,
// reproduce (run.json), config. Any file but config.toml may be missing or still growing; what is
// absent reads "not recorded". Throws IoError if `run_dir` is not a run folder (no config.toml),
// DataError for a metrics or probes line that is not a record.
std::string render_html_report(const std::filesystem::path& run_dir);

// Writes render_html_report(run_dir) to run_dir/report.html atomically (a reader never sees half
// a page). Throws as render_html_report, and IoError when the file cannot be written.
void write_html_report(const std::filesystem::path& run_dir);

}  // namespace nnlab::report
