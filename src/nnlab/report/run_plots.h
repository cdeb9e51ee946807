#pragma once
// The pictures of one run, drawn from its folder alone into RUN_DIR/plots/ (PNG and SVG):
//   loss, accuracy           train / val / test curves against epochs
//   lr, step_loss            the learning rate when it changes; the loss of every step when logged
//   grad_norm                per-layer gradient norms against steps (log scale), and with
//   grad_norm_by_layer       step/loss logged, grad_norm_and_loss (two y axes); the norm of every
//                            layer against its index at four steps (vanishing gradients)
//   weight_norm              per-layer and total weight norms against epochs
//   sensitivity, snapshots   the probe's numbers against epochs / steps
//   <heat map tag>           confusion matrices; decision regions with the data on top
//   <histogram group>        e.g. true_class_probability: correct and incorrect overlaid
//   <image tag>              grids of images with captions (misclassified, weight_images)
// A chart needs only the records it draws: whatever a run did not record is left out.
#include <filesystem>
#include <vector>

#include "nnlab/report/chart.h"

namespace nnlab::report {

// Draws every chart the folder's records allow; returns the files written, in drawing order.
// Throws DataError for unreadable logs and IoError when a file cannot be written.
std::vector<ChartFiles> draw_run_plots(const std::filesystem::path& run_dir);

// draw_run_plots, then report.html (html_report.h), which shows the plots: what `nnlab report`
// and the end of every run do.
void write_run_report(const std::filesystem::path& run_dir);

}  // namespace nnlab::report
