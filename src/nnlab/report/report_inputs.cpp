#include "nnlab/report/report_inputs.h"

#include <algorithm>
#include <iterator>
#include <regex>
#include <sstream>

#include "nnlab/core/check.h"
#include "nnlab/core/input_file.h"
#include "nnlab/io/run_folder.h"

namespace nnlab::report {
namespace {

namespace fs = std::filesystem;

JsonFile read_json_object(const fs::path& path) {
  const std::optional<std::string> text = read_optional_file(path);
  if (!text) return {};
  JsonFile file;
  try {
    nlohmann::ordered_json value = nlohmann::ordered_json::parse(*text);
    if (value.is_object()) {
      file.value = std::move(value);
    } else {
      file.error = path.filename().string() + " does not hold a JSON object";
    }
  } catch (const nlohmann::json::exception& error) {
    file.error = path.filename().string() + " is not valid JSON: " + error.what();
  }
  return file;
}

}  // namespace

std::string folder_name(const fs::path& dir) {
  const fs::path normal = fs::absolute(dir).lexically_normal();
  return normal.has_filename() ? normal.filename().string() : normal.parent_path().filename().string();
}

std::optional<std::string> read_optional_file(const fs::path& path) {
  if (not_a_regular_file(path)) return std::nullopt;  // a FIFO or device in a run folder is not waited on
  try {
    return read_input_file(path, {.where = "report", .max_bytes = kMaxReportInputBytes});
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::vector<PlotFile> read_plot_files(const fs::path& plots_dir) {
  std::vector<fs::path> paths;
  std::error_code error;
  for (fs::directory_iterator it(plots_dir, error), end; !error && it != end; it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".png") paths.push_back(it->path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<PlotFile> plots;
  for (const fs::path& path : paths) {
    if (std::optional<std::string> bytes = read_optional_file(path)) {
      plots.push_back({.stem = path.stem().string(), .bytes = std::move(*bytes)});
    }
  }
  return plots;
}

std::optional<std::string> config_name(const std::string& config_text) {
  static const std::regex kName(R"re(^\s*name\s*=\s*"([^"\\]*)"\s*(#.*)?$)re");
  std::istringstream config(config_text);
  for (std::string line; std::getline(config, line) && !line.starts_with("[");) {
    if (std::smatch match; std::regex_match(line, match, kName)) return match[1].str();
  }
  return std::nullopt;
}

ReportInputs read_report_inputs(const fs::path& run_dir) {
  const io::RunFolder folder = io::RunFolder::open(run_dir);
  ReportInputs inputs;
  inputs.folder_name = folder_name(run_dir);
  std::optional<std::string> config = read_optional_file(folder.config());
  NNLAB_CHECK(config.has_value(), IoError, "report: cannot read '{}'", folder.config().string());
  inputs.config_text = std::move(*config);
  inputs.summary = read_json_object(folder.summary());
  inputs.run_info = read_json_object(run_dir / "run.json");
  inputs.model_text = read_optional_file(run_dir / "model.txt");
  inputs.plots = read_plot_files(folder.plots());
  inputs.records = io::read_run_records(run_dir);
  return inputs;
}

}  // namespace nnlab::report
