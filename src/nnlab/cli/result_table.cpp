#include "nnlab/cli/result_table.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace nnlab::cli {
namespace {

std::string number(double value, const char* format) {
  return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : std::string("-");
}

}  // namespace

std::string split_table(const std::vector<SplitResult>& rows) {
  std::string out = "| split | examples |   loss   | accuracy |\n|-------|----------|----------|----------|\n";
  for (const SplitResult& row : rows) {
    out += fmt::format("| {:<5} | {:>8} | {:>8} | {:>8} |\n", row.split, row.examples, number(row.loss, "{:.4f}"),
                       std::isfinite(row.accuracy) ? fmt::format("{:.2f}%", 100.0 * row.accuracy) : "-");
  }
  return out;
}

std::string result_table(const lab::RunOutcome& outcome) {
  const train::TrainResult& result = outcome.result;
  if (result.history.empty()) return fmt::format("no epoch completed\nrun folder: {}\n", outcome.folder.string());
  const train::EpochMetrics& last = result.history.back();
  std::string out = fmt::format("\nafter epoch {} ({}):\n", last.epoch, train::to_string(result.stop_reason));
  out += split_table({{"train", last.get("train/loss"), last.get("train/accuracy"), outcome.train_examples},
                      {"val", last.get("val/loss"), last.get("val/accuracy"), outcome.val_examples},
                      {"test", last.get("test/loss"), last.get("test/accuracy"), outcome.test_examples}});
  out += fmt::format("training time {:.1f} s, {} optimiser steps, {} parameters\nrun folder: {}\nreport: {}\n",
                     result.seconds, result.steps, outcome.parameters, outcome.folder.string(),
                     (outcome.folder / "report.html").string());
  return out;
}

std::string text_columns(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < row.size(); ++i) line += fmt::format("{:<{}}  ", row[i], widths[i]);
    line.erase(line.find_last_not_of(' ') + 1);
    text += line;
    text += '\n';
  }
  return text;
}

}  // namespace nnlab::cli
