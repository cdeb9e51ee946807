#include "nnlab/io/metrics_log.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/core/checked_arithmetic.h"
#include "nnlab/core/input_file.h"
#include "nnlab/io/base64.h"

namespace nnlab::io {
namespace {

using Json = nlohmann::ordered_json;

Json number_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }
double number_or_nan(const Json& value) {
  return value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

Json head(const char* kind, const std::string& tag, std::int64_t step, std::int64_t epoch) {
  Json record;
  if (kind != nullptr) record["kind"] = kind;
  record["tag"] = tag;
  record["step"] = step;
  record["epoch"] = epoch;
  return record;
}

template <typename T>
std::vector<T> list(const Json& value) {
  return value.is_array() ? value.get<std::vector<T>>() : std::vector<T>{};
}

// An integer of a record. get<std::int64_t>() alone would also take a float, through a cast that
// is undefined behaviour past int64's range ("step": 1e300).
std::int64_t integer(const Json& value, std::string_view what) {
  const bool fits = value.is_number_integer() &&
                    (!value.is_number_unsigned() || value.get<std::uint64_t>() <= std::uint64_t{INT64_MAX});
  NNLAB_CHECK(fits, DataError, "'{}': expected an integer, got {}", what, value.dump());
  return value.get<std::int64_t>();
}

// The product of sizes that must each be >= 0 (an image's height, width, channels), or nullopt
// when one is negative or the product overflows.
std::optional<std::int64_t> element_count(std::initializer_list<std::int64_t> sizes) {
  if (std::any_of(sizes.begin(), sizes.end(), [](std::int64_t size) { return size < 0; })) return std::nullopt;
  return checked_product(std::span(sizes.begin(), sizes.size()));
}

void read_head(const Json& j, std::string& tag, std::int64_t& step, std::int64_t& epoch) {
  tag = j.at("tag").get<std::string>();
  step = integer(j.at("step"), "step");
  epoch = integer(j.at("epoch"), "epoch");
}

train::ImageRecord image_from_json(const Json& j) {
  train::ImageRecord record;
  read_head(j, record.tag, record.step, record.epoch);
  for (const Json& item : j.at("images")) {
    train::Image image{.height = integer(item.at("height"), "height"),
                       .width = integer(item.at("width"), "width"),
                       .channels = integer(item.at("channels"), "channels"),
                       .pixels = {},
                       .caption = item.value("caption", "")};
    const bool decoded = base64_decode(item.at("pixels").get<std::string>(), image.pixels);
    const std::optional<std::int64_t> bytes = element_count({image.height, image.width, image.channels});
    NNLAB_CHECK(decoded && bytes == static_cast<std::int64_t>(image.pixels.size()), DataError,
                "image '{}': pixels do not hold {}x{}x{} bytes", record.tag, image.height, image.width, image.channels);
    record.images.push_back(std::move(image));
  }
  return record;
}

train::HeatmapRecord heatmap_from_json(const Json& j) {
  train::HeatmapRecord record;
  read_head(j, record.tag, record.step, record.epoch);
  record.rows = integer(j.at("rows"), "rows");
  record.cols = integer(j.at("cols"), "cols");
  for (const Json& v : j.at("values")) record.values.push_back(number_or_nan(v));
  NNLAB_CHECK(element_count({record.rows, record.cols}) == static_cast<std::int64_t>(record.values.size()), DataError,
              "heatmap '{}': {} values for {}x{} cells", record.tag, record.values.size(), record.rows, record.cols);
  record.categorical = j.value("categorical", false);
  record.x_title = j.value("x_title", "");
  record.y_title = j.value("y_title", "");
  record.x_labels = list<std::string>(j.value("x_labels", Json()));
  record.y_labels = list<std::string>(j.value("y_labels", Json()));
  if (const Json& e = j.value("extent", Json()); e.is_object()) {
    record.extent = train::HeatmapRecord::Extent{.x_min = e.at("x_min").get<double>(),
                                                 .x_max = e.at("x_max").get<double>(),
                                                 .y_min = e.at("y_min").get<double>(),
                                                 .y_max = e.at("y_max").get<double>()};
  }
  for (const Json& p : j.value("points", Json::array())) {
    record.points.push_back(
        {.x = p.at(0).get<double>(), .y = p.at(1).get<double>(), .label = integer(p.at(2), "label")});
  }
  return record;
}

train::HistogramRecord histogram_from_json(const Json& j) {
  train::HistogramRecord record;
  read_head(j, record.tag, record.step, record.epoch);
  record.min = number_or_nan(j.at("min"));
  record.max = number_or_nan(j.at("max"));
  record.sum = number_or_nan(j.at("sum"));
  record.sum_squares = number_or_nan(j.at("sum_squares"));
  record.count = integer(j.at("count"), "count");
  record.edges = list<double>(j.at("edges"));
  record.counts = list<double>(j.at("counts"));
  NNLAB_CHECK(record.counts.empty() ? record.edges.empty() : record.edges.size() == record.counts.size() + 1, DataError,
              "histogram '{}': {} edges for {} buckets", record.tag, record.edges.size(), record.counts.size());
  return record;
}

SnapshotEntry snapshot_from_json(const Json& j) {
  SnapshotEntry entry;
  read_head(j, entry.tag, entry.step, entry.epoch);
  entry.file = j.at("file").get<std::string>();
  const Json info = j.value("info", Json::object());  // named: items() would outlive a temporary
  for (const auto& [name, value] : info.items()) entry.info.emplace_back(name, number_or_nan(value));
  return entry;
}

// Calls `read(json, line_number)` for every non-empty line of `path`; a missing file has none.
// Anything else that is not a regular file (a FIFO, a device) is refused by name, not waited on.
template <typename Read>
void for_each_line(const std::filesystem::path& path, Read read) {
  if (not_a_regular_file(path) == "no such file") return;
  InputFile in(path, {.where = "metrics", .expected = "a JSON-lines log"});
  in.for_each_line([&](std::string_view line, std::int64_t number) {
    if (line.empty()) return;
    try {
      read(Json::parse(line));
    } catch (const nlohmann::json::exception& e) {
      throw DataError(fmt::format("'{}' line {}: not a record nnlab writes ({})", path.string(), number, e.what()));
    } catch (const DataError& e) {
      throw DataError(fmt::format("'{}' line {}: {}", path.string(), number, e.what()));
    }
  });
}

}  // namespace

Json to_json(const train::ScalarRecord& r) {
  Json record = head(nullptr, r.tag, r.step, r.epoch);
  record["value"] = number_or_null(r.value);
  return record;
}

Json to_json(const train::HistogramRecord& r) {
  Json record = head("histogram", r.tag, r.step, r.epoch);
  record["min"] = number_or_null(r.min);
  record["max"] = number_or_null(r.max);
  record["sum"] = number_or_null(r.sum);
  record["sum_squares"] = number_or_null(r.sum_squares);
  record["count"] = r.count;
  record["edges"] = r.edges;
  record["counts"] = r.counts;
  return record;
}

Json to_json(const train::ImageRecord& r) {
  Json record = head("image", r.tag, r.step, r.epoch);
  Json images = Json::array();
  for (const train::Image& image : r.images) {
    images.push_back({{"height", image.height},
                      {"width", image.width},
                      {"channels", image.channels},
                      {"caption", image.caption},
                      {"pixels", base64_encode(std::string_view(reinterpret_cast<const char*>(image.pixels.data()),
                                                                image.pixels.size()))}});
  }
  record["images"] = std::move(images);
  return record;
}

Json to_json(const train::HeatmapRecord& r) {
  Json record = head("heatmap", r.tag, r.step, r.epoch);
  record["rows"] = r.rows;
  record["cols"] = r.cols;
  Json values = Json::array();
  for (double v : r.values) values.push_back(number_or_null(v));
  record["values"] = std::move(values);
  record["categorical"] = r.categorical;
  record["x_title"] = r.x_title;
  record["y_title"] = r.y_title;
  record["x_labels"] = r.x_labels;
  record["y_labels"] = r.y_labels;
  record["extent"] = r.extent ? Json{{"x_min", r.extent->x_min},
                                     {"x_max", r.extent->x_max},
                                     {"y_min", r.extent->y_min},
                                     {"y_max", r.extent->y_max}}
                              : Json(nullptr);
  Json points = Json::array();
  for (const auto& p : r.points) points.push_back(Json::array({p.x, p.y, p.label}));
  record["points"] = std::move(points);
  return record;
}

Json to_json(const SnapshotEntry& entry) {
  Json record = head("snapshot", entry.tag, entry.step, entry.epoch);
  record["file"] = entry.file;
  Json info = Json::object();
  for (const auto& [name, value] : entry.info) info[name] = number_or_null(value);
  record["info"] = std::move(info);
  return record;
}

std::string to_jsonl_line(const train::ScalarRecord& r) {
  const bool plain_tag = std::all_of(r.tag.begin(), r.tag.end(), [](char c) {
    return c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  const std::string tag = plain_tag ? "\"" + r.tag + "\"" : Json(r.tag).dump();
  std::string value = "null";
  if (std::isfinite(r.value)) {
    value = fmt::format("{}", r.value);  // the shortest text that reads back exactly, as JSON writes it
    if (value.find_first_of(".e") == std::string::npos) value += ".0";  // JSON's 2.0, not fmt's 2
  }
  return fmt::format("{{\"tag\":{},\"step\":{},\"epoch\":{},\"value\":{}}}", tag, r.step, r.epoch, value);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string to_csv_row(const train::ScalarRecord& r) {
  return fmt::format("{},{},{},{}", csv_field(r.tag), r.step, r.epoch, std::isfinite(r.value) ? fmt::format("{}", r.value) : "");
}

std::string snapshot_file_name(const std::string& tag, std::int64_t step) {
  std::string name;
  for (char c : tag) name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return fmt::format("{}-{:08d}.safetensors", name, step);
}

std::vector<train::ScalarRecord> RunRecords::series(const std::string& tag) const {
  std::vector<train::ScalarRecord> out;
  for (const auto& record : scalars) {
    if (record.tag == tag) out.push_back(record);
  }
  return out;
}

std::vector<std::string> RunRecords::scalar_tags() const {
  std::vector<std::string> tags;
  for (const auto& record : scalars) {
    if (std::find(tags.begin(), tags.end(), record.tag) == tags.end()) tags.push_back(record.tag);
  }
  return tags;
}

RunRecords read_run_records(const std::filesystem::path& run_dir) {
  RunRecords records;
  for_each_line(run_dir / "metrics.jsonl", [&](const Json& j) {
    train::ScalarRecord record;
    read_head(j, record.tag, record.step, record.epoch);
    record.value = number_or_nan(j.at("value"));
    records.scalars.push_back(std::move(record));
  });
  for_each_line(run_dir / "probes.jsonl", [&](const Json& j) {
    const std::string kind = j.at("kind").get<std::string>();
    if (kind == "histogram") {
      records.histograms.push_back(histogram_from_json(j));
    } else if (kind == "image") {
      records.images.push_back(image_from_json(j));
    } else if (kind == "heatmap") {
      records.heatmaps.push_back(heatmap_from_json(j));
    } else if (kind == "snapshot") {
      records.snapshots.push_back(snapshot_from_json(j));
    } else {
      throw DataError(fmt::format("unknown record kind '{}'", kind));
    }
  });
  return records;
}

std::int64_t record_epoch(const std::string& line) {
  const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object() || !record.contains("epoch") || !record["epoch"].is_number_integer()) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return record["epoch"].get<std::int64_t>();
}

}  // namespace nnlab::io
