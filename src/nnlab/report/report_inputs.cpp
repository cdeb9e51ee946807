#include "nnlab/report/report_inputs.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "nnlab/core/check.h"
#include "nnlab/io/run_folder.h"

namespace nnlab::report {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

JsonFile read_json_object(const fs::path& path) {
  const std::optional<std::string> text = read_text(path);
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

// plots/*.png sorted by name; a missing folder gives none.
std::vector<PlotFile> read_plots(const fs::path& folder) {
  std::vector<fs::path> paths;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".png") paths.push_back(it->path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<PlotFile> plots;
  for (const fs::path& path : paths) {
    if (std::optional<std::string> bytes = read_text(path)) {
      plots.push_back({.stem = path.stem().string(), .bytes = std::move(*bytes)});
    }
  }
  return plots;
}

}  // namespace

ReportInputs read_report_inputs(const fs::path& run_dir) {
  const io::RunFolder folder = io::RunFolder::open(run_dir);
  ReportInputs inputs;
  inputs.folder_name = fs::absolute(run_dir).lexically_normal().filename().string();
  if (inputs.folder_name.empty())
    inputs.folder_name = fs::absolute(run_dir).lexically_normal().parent_path().filename().string();
  std::optional<std::string> config = read_text(folder.config());
  NNLAB_CHECK(config.has_value(), IoError, "report: cannot read '{}'", folder.config().string());
  inputs.config_text = std::move(*config);
  inputs.summary = read_json_object(folder.summary());
  inputs.run_info = read_json_object(run_dir / "run.json");
  inputs.model_text = read_text(run_dir / "model.txt");
  inputs.plots = read_plots(folder.plots());
  inputs.records = io::read_run_records(run_dir);
  return inputs;
}

}  // namespace nnlab::report
