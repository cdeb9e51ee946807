// TensorBoard event files through libprotobuf (the Event messages); images as PNG (png_encode.h).
#include "nnlab/io/tensorboard_writer.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/io/crc32c.h"
#include "nnlab/io/png_encode.h"
#include "tensorboard.pb.h"

namespace nnlab::io {
namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

double seconds_since_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Opens a new file events.out.tfevents.<seconds>.<host>[.N]<suffix> in `dir`; "x" (exclusive
// create) never reuses a file another writer opened in the same second.
std::FILE* open_event_file(const std::filesystem::path& dir, std::string_view suffix, std::filesystem::path& path) {
  const auto seconds = static_cast<long long>(std::floor(seconds_since_epoch()));
  const std::string base = fmt::format("events.out.tfevents.{}.{}", seconds, host_name());
  for (int attempt = 1; attempt < 1000; ++attempt) {
    path = dir / (attempt == 1 ? fmt::format("{}{}", base, suffix) : fmt::format("{}.{}{}", base, attempt, suffix));
    std::FILE* file = std::fopen(path.c_str(), "wbx");
    if (file != nullptr) return file;
    const int open_errno = errno;
    NNLAB_CHECK(open_errno == EEXIST, IoError, "TensorBoardWriter: cannot create the event file '{}': {}",
                path.string(), std::strerror(open_errno));
  }
  throw IoError(fmt::format("TensorBoardWriter: cannot create an event file '{}/{}.N{}': every N up to 999 exists",
                            dir.string(), base, suffix));
}

tensorboard::Event make_event(std::int64_t step) {
  tensorboard::Event event;
  event.set_wall_time(seconds_since_epoch());
  event.set_step(step);
  return event;
}

std::string serialize(const tensorboard::Event& event) {
  std::string bytes;
  NNLAB_CHECK(event.SerializeToString(&bytes), InternalError,
              "TensorBoardWriter: protobuf could not serialize an Event");
  return bytes;
}

void put_little_endian(std::uint64_t value, int bytes, char* out) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>((value >> (8 * i)) & 0xFFu);
}

// ---------------------------------------------------------------------------------------------
// Heatmap colours

using Rgb = std::array<std::uint8_t, 3>;

// matplotlib's tab20 reordered: the ten tab10 colours first, then their light variants, so up to
// ten classes get the familiar, clearly distinct set.
constexpr std::array<Rgb, 20> kClassPalette = {{
    {31, 119, 180},  {255, 127, 14},  {44, 160, 44},   {214, 39, 40},   {148, 103, 189},
    {140, 86, 75},   {227, 119, 194}, {127, 127, 127}, {188, 189, 34},  {23, 190, 207},
    {174, 199, 232}, {255, 187, 120}, {152, 223, 138}, {255, 152, 150}, {197, 176, 213},
    {196, 156, 148}, {247, 182, 210}, {199, 199, 199}, {219, 219, 141}, {158, 218, 229},
}};
// Nine samples of matplotlib's viridis at 0, 1/8, ..., 1; the ramp interpolates between them.
constexpr std::array<Rgb, 9> kViridis = {{
    {68, 1, 84},
    {71, 44, 122},
    {59, 81, 139},
    {44, 113, 142},
    {33, 144, 141},
    {39, 173, 129},
    {92, 200, 99},
    {170, 220, 50},
    {253, 231, 37},
}};
constexpr Rgb kMissing = {160, 160, 160};  // NaN, or a negative class

Rgb class_colour(double value) {
  if (!(value >= 0.0) || !std::isfinite(value)) return kMissing;
  const auto index = static_cast<std::size_t>(std::llround(value));
  return kClassPalette[index % kClassPalette.size()];
}

// t in [0, 1] -> viridis.
Rgb ramp_colour(double t) {
  const double position = std::clamp(t, 0.0, 1.0) * static_cast<double>(kViridis.size() - 1);
  const auto low = std::min(static_cast<std::size_t>(position), kViridis.size() - 2);
  const double fraction = position - static_cast<double>(low);
  Rgb out{};
  for (std::size_t c = 0; c < 3; ++c) {
    const double mixed = (1.0 - fraction) * kViridis[low][c] + fraction * kViridis[low + 1][c];
    out[c] = static_cast<std::uint8_t>(std::lround(mixed));
  }
  return out;
}

// The shade a point is drawn in: dark enough to stand out on its own class's region.
Rgb darker(Rgb colour) {
  for (auto& channel : colour) channel = static_cast<std::uint8_t>(channel * 11 / 20);
  return colour;
}

// One colour per cell, row-major, in the record's row order.
std::vector<Rgb> cell_colours(const train::HeatmapRecord& record) {
  std::vector<Rgb> colours(record.values.size(), kMissing);
  if (record.categorical) {
    std::transform(record.values.begin(), record.values.end(), colours.begin(), class_colour);
    return colours;
  }
  double low = INFINITY, high = -INFINITY;
  for (const double value : record.values) {
    if (std::isfinite(value)) low = std::min(low, value), high = std::max(high, value);
  }
  for (std::size_t i = 0; i < colours.size(); ++i) {
    const double value = record.values[i];
    if (std::isnan(value)) continue;
    // all values equal: the ramp's low end, as a one-value colour bar would show it
    colours[i] = ramp_colour(high > low ? (value - low) / (high - low) : 0.0);
  }
  return colours;
}

// Where plane coordinate `v` falls in pixels along an axis of `cells` cells of `scale` pixels,
// cell 0's centre at v = low and the last cell's at v = high.
double to_pixel(double v, double low, double high, std::int64_t cells, std::int64_t scale) {
  const double cell = cells > 1 && high > low ? (v - low) / (high - low) * static_cast<double>(cells - 1) : 0.0;
  return cell * static_cast<double>(scale) + static_cast<double>(scale - 1) / 2.0;
}

void draw_points(const train::HeatmapRecord& record, std::int64_t scale, train::Image& image) {
  const auto& extent = *record.extent;
  for (const auto& point : record.points) {
    const double px = to_pixel(point.x, extent.x_min, extent.x_max, record.cols, scale);
    const double py_from_bottom = to_pixel(point.y, extent.y_min, extent.y_max, record.rows, scale);
    if (!std::isfinite(px) || !std::isfinite(py_from_bottom)) continue;
    const auto x = static_cast<std::int64_t>(std::lround(px));
    const auto y = image.height - 1 - static_cast<std::int64_t>(std::lround(py_from_bottom));
    const Rgb colour = darker(class_colour(static_cast<double>(point.label)));
    for (std::int64_t yy = std::max<std::int64_t>(y - 1, 0); yy <= std::min(y + 1, image.height - 1); ++yy) {
      for (std::int64_t xx = std::max<std::int64_t>(x - 1, 0); xx <= std::min(x + 1, image.width - 1); ++xx) {
        std::copy(colour.begin(), colour.end(), image.pixels.begin() + (yy * image.width + xx) * 3);
      }
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// render_heatmap

train::Image render_heatmap(const train::HeatmapRecord& record) {
  NNLAB_CHECK(record.rows > 0 && record.cols > 0, ValueError,
              "render_heatmap: heatmap '{}' must have at least one row and column, got {}x{}", record.tag, record.rows,
              record.cols);
  NNLAB_CHECK(record.values.size() == static_cast<std::size_t>(record.rows * record.cols), ValueError,
              "render_heatmap: heatmap '{}' of {}x{} (rows x cols) needs {} values, got {}", record.tag, record.rows,
              record.cols, record.rows * record.cols, record.values.size());
  // 256 / cells pixels per cell: a 10x10 confusion matrix is readable at TensorBoard's natural
  // size, while a 200x200 decision-region grid keeps one pixel per cell.
  const std::int64_t scale = std::max<std::int64_t>(1, 256 / std::max(record.rows, record.cols));
  train::Image image;
  image.height = record.rows * scale;
  image.width = record.cols * scale;
  image.channels = 3;
  image.pixels.resize(static_cast<std::size_t>(image.height * image.width * 3));
  const std::vector<Rgb> colours = cell_colours(record);
  for (std::int64_t y = 0; y < image.height; ++y) {
    const std::int64_t cell_row = record.extent ? record.rows - 1 - y / scale : y / scale;  // y_min at the bottom
    for (std::int64_t x = 0; x < image.width; ++x) {
      const Rgb& colour = colours[static_cast<std::size_t>(cell_row * record.cols + x / scale)];
      std::copy(colour.begin(), colour.end(), image.pixels.begin() + (y * image.width + x) * 3);
    }
  }
  if (record.extent) draw_points(record, scale, image);
  return image;
}

// ---------------------------------------------------------------------------------------------
// TensorBoardWriter

TensorBoardWriter::TensorBoardWriter(const std::filesystem::path& dir, std::string_view file_suffix) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  NNLAB_CHECK(!error, IoError, "TensorBoardWriter: cannot create the folder '{}': {}", dir.string(), error.message());
  file_ = open_event_file(dir, file_suffix, path_);
  tensorboard::Event event = make_event(0);
  event.set_file_version("brain.Event:2");
  try {
    write_record(serialize(event));
    flush();
  } catch (...) {
    std::fclose(file_);  // the destructor does not run for a constructor that throws
    throw;
  }
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void TensorBoardWriter::write(const train::ScalarRecord& record) {
  tensorboard::Event event = make_event(record.step);
  tensorboard::Summary::Value* value = event.mutable_summary()->add_value();
  value->set_tag(record.tag);
  value->set_simple_value(static_cast<float>(record.value));
  write_record(serialize(event));
}

void TensorBoardWriter::write(const train::HistogramRecord& record) {
  NNLAB_CHECK(record.edges.size() == record.counts.size() + 1, ValueError,
              "TensorBoardWriter: histogram '{}' needs one more edge than counts, got {} edges and {} counts",
              record.tag, record.edges.size(), record.counts.size());
  tensorboard::Event event = make_event(record.step);
  tensorboard::Summary::Value* value = event.mutable_summary()->add_value();
  value->set_tag(record.tag);
  tensorboard::HistogramProto* histogram = value->mutable_histo();
  histogram->set_min(record.min);
  histogram->set_max(record.max);
  histogram->set_num(static_cast<double>(record.count));
  histogram->set_sum(record.sum);
  histogram->set_sum_squares(record.sum_squares);
  // TensorBoard's buckets are given by their right edges; the first one's left edge is min.
  histogram->mutable_bucket_limit()->Add(record.edges.begin() + 1, record.edges.end());
  histogram->mutable_bucket()->Add(record.counts.begin(), record.counts.end());
  write_record(serialize(event));
}

void TensorBoardWriter::write(const train::ImageRecord& record) {
  tensorboard::Event event = make_event(record.step);
  for (std::size_t i = 0; i < record.images.size(); ++i) {
    const train::Image& image = record.images[i];
    tensorboard::Summary::Value* value = event.mutable_summary()->add_value();
    value->set_tag(record.images.size() == 1 ? record.tag : fmt::format("{}/{}", record.tag, i));
    tensorboard::Summary::Image* summary_image = value->mutable_image();
    summary_image->set_height(static_cast<std::int32_t>(image.height));
    summary_image->set_width(static_cast<std::int32_t>(image.width));
    summary_image->set_colorspace(static_cast<std::int32_t>(image.channels));  // 1 grey ... 4 RGBA
    summary_image->set_encoded_image_string(encode_png(image, fmt::format("'{}'", value->tag())));
  }
  if (event.summary().value_size() > 0) write_record(serialize(event));
}

void TensorBoardWriter::write(const train::HeatmapRecord& record) {
  write(train::ImageRecord{
      .tag = record.tag, .step = record.step, .epoch = record.epoch, .images = {render_heatmap(record)}});
}

void TensorBoardWriter::write_plugin_record(std::string_view tag, std::string_view plugin_name,
                                            std::string_view content, std::int64_t step) {
  tensorboard::Event event = make_event(step);
  tensorboard::Summary::Value* value = event.mutable_summary()->add_value();
  value->set_tag(std::string(tag));
  tensorboard::SummaryMetadata::PluginData* plugin = value->mutable_metadata()->mutable_plugin_data();
  plugin->set_plugin_name(std::string(plugin_name));
  plugin->set_content(std::string(content));
  // The empty tensor TensorBoard's own plugin summaries carry (hparams' metadata.NULL_TENSOR):
  // its readers store a plugin record as a tensor time series.
  tensorboard::TensorProto* tensor = value->mutable_tensor();
  tensor->set_dtype(tensorboard::DT_FLOAT);
  tensor->mutable_tensor_shape()->add_dim()->set_size(0);
  write_record(serialize(event));
}

void TensorBoardWriter::flush() {
  NNLAB_CHECK(std::fflush(file_) == 0, IoError, "TensorBoardWriter: cannot write '{}': {}", path_.string(),
              std::strerror(errno));
}

void TensorBoardWriter::write_record(std::string_view data) {
  char header[12];
  put_little_endian(data.size(), 8, header);
  put_little_endian(mask_crc32c(crc32c(std::string_view(header, 8))), 4, header + 8);
  char footer[4];
  put_little_endian(mask_crc32c(crc32c(data)), 4, footer);
  const bool written = std::fwrite(header, 1, sizeof(header), file_) == sizeof(header) &&
                       std::fwrite(data.data(), 1, data.size(), file_) == data.size() &&
                       std::fwrite(footer, 1, sizeof(footer), file_) == sizeof(footer);
  NNLAB_CHECK(written, IoError, "TensorBoardWriter: cannot write '{}': {}", path_.string(), std::strerror(errno));
}

}  // namespace nnlab::io
