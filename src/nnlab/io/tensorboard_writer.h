#pragma once
// TensorBoard event files: the metrics stream as TFRecords of tensorboard.Event messages, which
// `tensorboard --logdir RUN_DIR` reads. Scalars, histograms and images map to TensorBoard's
// own kinds; heatmaps are drawn as RGB images; tensor snapshots are not written.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "nnlab/train/metrics.h"

namespace nnlab::io {

// A MetricsSink writing one event file, events.out.tfevents.<unix seconds>.<hostname><suffix>,
// in a folder of its own (RUN_DIR/tb). Each record becomes one Event with wall_time = now and
// step = record.step. Records are appended as they come; flush() pushes them to the file.
//
// Each record is framed as TFRecord: uint64 length (little endian), masked CRC-32C of those 8
// bytes, the serialized Event, masked CRC-32C of it (see crc32c.h).
class TensorBoardWriter final : public train::MetricsSink {
 public:
  // Creates `dir` (parents included) and a new event file in it, whose first event is the
  // file_version "brain.Event:2". If a file of that name exists it is kept, and ".2", ".3", ...
  // goes before `file_suffix` in the new name. The suffix (as TensorFlow's filename_suffix, e.g.
  // ".hparams") tells a writer's files apart; TensorBoard reads every name holding "tfevents".
  // Throws IoError naming the folder or the file when either cannot be created or written.
  explicit TensorBoardWriter(const std::filesystem::path& dir, std::string_view file_suffix = "");
  ~TensorBoardWriter() override;  // closes the file; a last flush error is not reported
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  const std::filesystem::path& path() const { return path_; }  // the event file

  using train::MetricsSink::write;  // TensorsRecord: the sink's default, which ignores it

  // One Summary.Value with simple_value = value as float (NaN and infinities as they are).
  void write(const train::ScalarRecord& record) override;
  // One HistogramProto: bucket_limit = the buckets' right edges (edges[1..]), bucket = counts,
  // min / max / num (= count) / sum / sum_squares from the record. Throws ValueError unless
  // edges.size() == counts.size() + 1.
  void write(const train::HistogramRecord& record) override;
  // One PNG-encoded Summary.Image per image (1 channel grey, 2 grey+alpha, 3 RGB, 4 RGBA), all
  // in one event: tagged "<tag>" when there is one image, "<tag>/<index>" when there are several.
  // Captions are not written; a record without images writes nothing. Throws ValueError for an
  // empty image, 0 or more than 4 channels, or pixels.size() != height * width * channels.
  void write(const train::ImageRecord& record) override;
  // One RGB image under "<tag>" (see render_heatmap). Throws ValueError if values.size() != rows * cols.
  void write(const train::HeatmapRecord& record) override;
  // One Summary.Value tagged `tag` holding a plugin's own record, as TensorBoard's plugins write
  // it: metadata.plugin_data = {plugin_name, content} and, as the value, an empty float tensor of
  // shape (0,). `content` is the plugin's serialized message (e.g. tensorboard_hparams.h's).
  void write_plugin_record(std::string_view tag, std::string_view plugin_name, std::string_view content,
                           std::int64_t step);
  // Pushes every written event to the file (fflush). Throws IoError naming the file on failure.
  void flush() override;

 private:
  void write_record(std::string_view data);  // one TFRecord; throws IoError naming the file

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

// A heatmap drawn as an RGB image: each cell becomes a square of s x s pixels, with
// s = max(1, 256 / max(rows, cols)) (integer division), so the image is (rows * s, cols * s).
// Categorical values are class indices drawn in a fixed palette of 20 colours (class i and
// i + 20 share one); other values go through a viridis ramp from their finite min to their max.
// NaN (and a negative class) is grey. Without `extent`, row 0 is the top row (a confusion
// matrix's first true class); with it, row 0 (y_min) is the bottom row, and each point is a
// 3 x 3 square in a darker shade of its class colour. Axis titles and labels are not drawn.
// Throws ValueError if rows or cols < 1 or values.size() != rows * cols.
train::Image render_heatmap(const train::HeatmapRecord& record);

}  // namespace nnlab::io
