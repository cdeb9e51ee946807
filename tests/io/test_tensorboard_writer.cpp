// TensorBoardWriter, checked through a TFRecord reader written from the format's description
// (testing/event_files.h, not the writer's framing code): every record's two CRCs, then the Events.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "nnlab/core/error.h"
#include "nnlab/data/image_decode.h"
#include "nnlab/io/tensorboard_writer.h"
#include "tensorboard.pb.h"
#include "testing/asserts.h"
#include "testing/event_files.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

using testing::read_bytes;
using testing::read_events;
using testing::read_tfrecords;
using testing::Records;

// The only Summary.Value of an event.
const tensorboard::Summary::Value& only_value(const tensorboard::Event& event) {
  EXPECT_TRUE(event.has_summary());
  EXPECT_EQ(event.summary().value_size(), 1);
  return event.summary().value(0);
}

// PNG: 8-byte signature, IHDR chunk (length, "IHDR", width, height, bit depth, colour type).
int png_colour_type(const std::string& png) {
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n"));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  return static_cast<std::uint8_t>(png[25]);
}

data::DecodedImage decode(const std::string& png) {
  return data::decode_image(std::span(reinterpret_cast<const std::uint8_t*>(png.data()), png.size()), "event");
}

std::vector<std::uint8_t> rgb_at(const data::DecodedImage& image, std::int64_t y, std::int64_t x) {
  const auto at = image.rgb.begin() + (y * image.width + x) * 3;
  return {at, at + 3};
}

std::vector<std::uint8_t> rgb_at(const train::Image& image, std::int64_t y, std::int64_t x) {
  const auto at = image.pixels.begin() + (y * image.width + x) * 3;
  return {at, at + 3};
}

train::Image make_image(std::int64_t height, std::int64_t width, std::int64_t channels,
                        std::vector<std::uint8_t> pixels) {
  train::Image image;
  image.height = height;
  image.width = width;
  image.channels = channels;
  image.pixels = std::move(pixels);
  return image;
}

train::ImageRecord make_image_record(std::string tag, std::int64_t step, std::vector<train::Image> images) {
  train::ImageRecord record;
  record.tag = std::move(tag);
  record.step = step;
  record.images = std::move(images);
  return record;
}

// rows x cols values, row-major
train::HeatmapRecord make_heatmap(std::string tag, std::int64_t rows, std::int64_t cols, std::vector<double> values,
                                  bool categorical) {
  train::HeatmapRecord record;
  record.tag = std::move(tag);
  record.rows = rows;
  record.cols = cols;
  record.values = std::move(values);
  record.categorical = categorical;
  return record;
}

}  // namespace

TEST(TensorBoardWriter, StartsWithFileVersionEventInANamedFile) {
  testing::TempDir dir;
  const double before = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::filesystem::path path;
  {
    io::TensorBoardWriter writer(dir.path() / "run" / "tb");  // parents are created
    path = writer.path();
  }
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof(host) - 1), 0);
  EXPECT_EQ(path.parent_path(), dir.path() / "run" / "tb");
  EXPECT_TRUE(std::regex_match(
      path.filename().string(),
      std::regex(R"(events\.out\.tfevents\.\d{10}\.)" + std::regex_replace(host, std::regex(R"(\.)"), R"(\.)"))))
      << path.filename();
  const auto events = read_events(path.parent_path());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version(), "brain.Event:2");
  EXPECT_GE(events[0].wall_time(), std::floor(before));
  EXPECT_LE(events[0].wall_time(), before + 60.0);
}

TEST(TensorBoardWriter, ScalarsKeepTagStepAndValue) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    writer.write(train::ScalarRecord{.tag = "train/loss", .step = 10, .epoch = 1, .value = 2.25});
    writer.write(train::ScalarRecord{.tag = "val/accuracy", .step = 20, .epoch = 2, .value = 0.875});
    writer.write(train::ScalarRecord{.tag = "train/loss", .step = 30, .epoch = 3, .value = NAN});
  }
  const auto events = read_events(dir.path());
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[1].step(), 10);
  EXPECT_EQ(only_value(events[1]).tag(), "train/loss");
  EXPECT_EQ(only_value(events[1]).simple_value(), 2.25f);
  EXPECT_EQ(events[2].step(), 20);
  EXPECT_EQ(only_value(events[2]).tag(), "val/accuracy");
  EXPECT_EQ(only_value(events[2]).simple_value(), 0.875f);
  EXPECT_EQ(events[3].step(), 30);
  EXPECT_TRUE(only_value(events[3]).has_simple_value());
  EXPECT_TRUE(std::isnan(only_value(events[3]).simple_value()));  // written as it is
  EXPECT_GE(events[3].wall_time(), events[1].wall_time());
}

TEST(TensorBoardWriter, FlushMakesRecordsReadableWhileOpen) {
  testing::TempDir dir;
  io::TensorBoardWriter writer(dir.path());
  writer.write(train::ScalarRecord{.tag = "train/loss", .step = 1, .epoch = 1, .value = 1.0});
  writer.flush();
  const auto events = read_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(only_value(events[1]).tag(), "train/loss");
}

TEST(TensorBoardWriter, HistogramBucketLimitsAreRightEdges) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    writer.write(train::HistogramRecord{.tag = "weights/0.weight",
                                        .step = 7,
                                        .epoch = 1,
                                        .min = -1.0,
                                        .max = 2.0,
                                        .sum = 1.5,
                                        .sum_squares = 6.25,
                                        .count = 6,
                                        .edges = {-1.0, 0.0, 1.0, 2.0},
                                        .counts = {1.0, 2.0, 3.0}});
  }
  const auto events = read_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].step(), 7);
  const auto& value = only_value(events[1]);
  EXPECT_EQ(value.tag(), "weights/0.weight");
  ASSERT_TRUE(value.has_histo());
  const auto& histo = value.histo();
  EXPECT_EQ(histo.min(), -1.0);
  EXPECT_EQ(histo.max(), 2.0);
  EXPECT_EQ(histo.num(), 6.0);
  EXPECT_EQ(histo.sum(), 1.5);
  EXPECT_EQ(histo.sum_squares(), 6.25);
  EXPECT_EQ(std::vector<double>(histo.bucket_limit().begin(), histo.bucket_limit().end()),
            (std::vector<double>{0.0, 1.0, 2.0}));
  EXPECT_EQ(std::vector<double>(histo.bucket().begin(), histo.bucket().end()), (std::vector<double>{1.0, 2.0, 3.0}));
}

TEST(TensorBoardWriter, OneGreyImageIsAPngUnderItsTag) {
  testing::TempDir dir;
  const std::vector<std::uint8_t> pixels = {0, 50, 100, 150, 200, 255};  // 2 rows x 3 columns
  {
    io::TensorBoardWriter writer(dir.path());
    writer.write(make_image_record("samples", 3, {make_image(2, 3, 1, pixels)}));
  }
  const auto events = read_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  const auto& value = only_value(events[1]);
  EXPECT_EQ(value.tag(), "samples");
  ASSERT_TRUE(value.has_image());
  EXPECT_EQ(value.image().height(), 2);
  EXPECT_EQ(value.image().width(), 3);
  EXPECT_EQ(value.image().colorspace(), 1);
  EXPECT_EQ(png_colour_type(value.image().encoded_image_string()), 0);  // PNG grey
  const auto decoded = decode(value.image().encoded_image_string());
  ASSERT_EQ(decoded.height, 2);
  ASSERT_EQ(decoded.width, 3);
  for (std::size_t i = 0; i < pixels.size(); ++i) {  // decode_image replicates grey into R, G, B
    EXPECT_EQ(rgb_at(decoded, static_cast<std::int64_t>(i) / 3, static_cast<std::int64_t>(i) % 3),
              (std::vector<std::uint8_t>{pixels[i], pixels[i], pixels[i]}));
  }
}

TEST(TensorBoardWriter, SeveralRgbImagesAreNumberedTags) {
  testing::TempDir dir;
  const std::vector<std::uint8_t> red_green = {255, 0, 0, 0, 255, 0};  // 1 row x 2 columns
  const std::vector<std::uint8_t> blue = {0, 0, 255, 10, 20, 30};      // 2 rows x 1 column
  {
    io::TensorBoardWriter writer(dir.path());
    writer.write(make_image_record("weights", 5, {make_image(1, 2, 3, red_green), make_image(2, 1, 3, blue)}));
  }
  const auto events = read_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  ASSERT_EQ(events[1].summary().value_size(), 2);
  const auto& first = events[1].summary().value(0);
  const auto& second = events[1].summary().value(1);
  EXPECT_EQ(first.tag(), "weights/0");
  EXPECT_EQ(second.tag(), "weights/1");
  EXPECT_EQ(first.image().colorspace(), 3);
  EXPECT_EQ(png_colour_type(first.image().encoded_image_string()), 2);  // PNG truecolour
  const auto a = decode(first.image().encoded_image_string());
  const auto b = decode(second.image().encoded_image_string());
  EXPECT_EQ(std::make_pair(a.height, a.width), std::make_pair(std::int64_t{1}, std::int64_t{2}));
  EXPECT_EQ(std::make_pair(b.height, b.width), std::make_pair(std::int64_t{2}, std::int64_t{1}));
  EXPECT_EQ(a.rgb, red_green);
  EXPECT_EQ(b.rgb, blue);
}

TEST(TensorBoardWriter, HeatmapBecomesAnRgbImage) {
  testing::TempDir dir;
  // 2 rows x 3 columns; rows are the classes 0 and 1. 256 / 3 = 85 pixels per cell.
  train::HeatmapRecord heatmap = make_heatmap("decision", 2, 3, {0, 0, 0, 1, 1, 1}, /*categorical=*/true);
  heatmap.step = 9;
  heatmap.extent = train::HeatmapRecord::Extent{.x_min = -1, .x_max = 1, .y_min = -1, .y_max = 1};
  {
    io::TensorBoardWriter writer(dir.path());
    writer.write(heatmap);
  }
  const auto events = read_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].step(), 9);
  const auto& value = only_value(events[1]);
  EXPECT_EQ(value.tag(), "decision");
  EXPECT_EQ(value.image().height(), 170);
  EXPECT_EQ(value.image().width(), 255);
  EXPECT_EQ(value.image().colorspace(), 3);
  const auto decoded = decode(value.image().encoded_image_string());
  ASSERT_EQ(decoded.height, 170);
  ASSERT_EQ(decoded.width, 255);
  EXPECT_EQ(decoded.rgb, io::render_heatmap(heatmap).pixels);
}

TEST(TensorBoardWriter, HeatmapRowZeroIsAtTheBottomOnlyWithAnExtent) {
  train::HeatmapRecord heatmap = make_heatmap("m", 2, 2, {0, 0, 1, 1}, /*categorical=*/true);
  const train::Image indexed = io::render_heatmap(heatmap);  // 128 pixels per cell
  ASSERT_EQ(indexed.height, 256);
  ASSERT_EQ(indexed.width, 256);
  EXPECT_EQ(indexed.channels, 3);
  const auto class0 = rgb_at(indexed, 0, 0), class1 = rgb_at(indexed, 255, 255);
  EXPECT_NE(class0, class1);
  EXPECT_EQ(rgb_at(indexed, 127, 200), class0);  // last pixel row of cell row 0
  EXPECT_EQ(rgb_at(indexed, 128, 0), class1);

  heatmap.extent = train::HeatmapRecord::Extent{.x_min = 0, .x_max = 1, .y_min = 0, .y_max = 1};
  const train::Image plane = io::render_heatmap(heatmap);
  EXPECT_EQ(rgb_at(plane, 255, 0), class0);  // y_min at the bottom
  EXPECT_EQ(rgb_at(plane, 0, 255), class1);
}

TEST(TensorBoardWriter, HeatmapPointsAreDarker3x3Squares) {
  // 3 x 3 cells of class 0 (85 pixels each, image 255 x 255); the plane's centre (0, 0) is the
  // middle of cell (1, 1), pixel (127, 127).
  train::HeatmapRecord heatmap = make_heatmap("d", 3, 3, std::vector<double>(9, 0.0), /*categorical=*/true);
  heatmap.extent = train::HeatmapRecord::Extent{.x_min = -1, .x_max = 1, .y_min = -1, .y_max = 1};
  heatmap.points = {{.x = 0.0, .y = 0.0, .label = 1}, {.x = -1.0, .y = -1.0, .label = 0}};
  const train::Image image = io::render_heatmap(heatmap);
  ASSERT_EQ(image.height, 255);
  const auto background = rgb_at(image, 0, 254);
  const auto centre = rgb_at(image, 127, 127);
  EXPECT_NE(centre, background);
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -1; dx <= 1; ++dx) EXPECT_EQ(rgb_at(image, 127 + dy, 127 + dx), centre);
  }
  EXPECT_EQ(rgb_at(image, 125, 127), background);
  EXPECT_EQ(rgb_at(image, 127, 129), background);
  // (-1, -1) is the centre of the bottom-left cell, pixel (42 from the bottom, 42): darker class 0.
  const auto corner = rgb_at(image, 254 - 42, 42);
  EXPECT_NE(corner, background);
  EXPECT_NE(corner, centre);
  for (int c = 0; c < 3; ++c) EXPECT_LT(corner[c], std::max<int>(background[c], 1));  // darker in every channel
}

TEST(TensorBoardWriter, ContinuousHeatmapRampsFromMinToMax) {
  // one row of 4 cells (64 pixels each); NaN is grey, not a ramp colour
  train::HeatmapRecord heatmap = make_heatmap("h", 1, 4, {2.0, 4.0, 6.0, NAN}, /*categorical=*/false);
  const train::Image image = io::render_heatmap(heatmap);
  ASSERT_EQ(image.height, 64);
  ASSERT_EQ(image.width, 256);
  EXPECT_EQ(rgb_at(image, 0, 0), (std::vector<std::uint8_t>{68, 1, 84}));       // viridis(0)
  EXPECT_EQ(rgb_at(image, 0, 64), (std::vector<std::uint8_t>{33, 144, 141}));   // viridis(0.5)
  EXPECT_EQ(rgb_at(image, 0, 128), (std::vector<std::uint8_t>{253, 231, 37}));  // viridis(1)
  EXPECT_EQ(rgb_at(image, 0, 255), (std::vector<std::uint8_t>{160, 160, 160}));
}

TEST(TensorBoardWriter, ReaderDetectsEveryFlippedByte) {
  testing::TempDir dir;
  std::filesystem::path path;
  {
    io::TensorBoardWriter writer(dir.path());
    writer.write(train::ScalarRecord{.tag = "train/loss", .step = 1, .epoch = 1, .value = 0.5});
    path = writer.path();
  }
  const std::string bytes = read_bytes(path);
  const Records sound = read_tfrecords(bytes);
  ASSERT_EQ(sound.error, "");
  ASSERT_EQ(sound.payloads.size(), 2u);
  for (std::size_t i = 0; i < bytes.size(); ++i) {  // lengths, both CRCs and the data alike
    std::string corrupt = bytes;
    corrupt[i] = static_cast<char>(corrupt[i] ^ 0x10);
    EXPECT_NE(read_tfrecords(corrupt).error, "") << "flipping a bit of byte " << i << " went unnoticed";
  }
}

TEST(TensorBoardWriter, TwoWritersInOneFolderGetTwoFiles) {
  testing::TempDir dir;
  io::TensorBoardWriter first(dir.path());
  io::TensorBoardWriter second(dir.path());
  EXPECT_NE(first.path(), second.path());
  EXPECT_EQ(second.path().parent_path(), dir.path());
}

TEST(TensorBoardWriter, FileSuffixEndsTheNameAfterTheCollisionNumber) {
  testing::TempDir dir;
  io::TensorBoardWriter first(dir.path(), ".hparams");
  io::TensorBoardWriter second(dir.path(), ".hparams");
  EXPECT_TRUE(first.path().filename().string().ends_with(".hparams")) << first.path();
  EXPECT_TRUE(second.path().filename().string().ends_with(".hparams")) << second.path();
  EXPECT_NE(first.path(), second.path());
}

TEST(TensorBoardWriter, PluginRecordCarriesItsMetadataBesideAnEmptyTensor) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    writer.write_plugin_record("_hparams_/experiment", "hparams", std::string("\x12\x00", 2), /*step=*/3);
  }
  const auto events = read_events(dir.path());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].step(), 3);
  const auto& value = only_value(events[1]);
  EXPECT_EQ(value.tag(), "_hparams_/experiment");
  EXPECT_EQ(value.metadata().plugin_data().plugin_name(), "hparams");
  EXPECT_EQ(value.metadata().plugin_data().content(), std::string("\x12\x00", 2));  // bytes, a NUL kept
  ASSERT_TRUE(value.has_tensor());  // float, shape (0,): what TensorBoard's plugins write
  EXPECT_EQ(value.tensor().dtype(), tensorboard::DT_FLOAT);
  ASSERT_EQ(value.tensor().tensor_shape().dim_size(), 1);
  EXPECT_EQ(value.tensor().tensor_shape().dim(0).size(), 0);
}

TEST(TensorBoardWriter, TensorSnapshotsAreNotWritten) {
  testing::TempDir dir;
  {
    io::TensorBoardWriter writer(dir.path());
    train::TensorsRecord snapshot;
    snapshot.tag = "snapshot";
    snapshot.info = {{"loss", 0.5}};
    writer.write(snapshot);
  }
  EXPECT_EQ(read_events(dir.path()).size(), 1u);  // the file_version event only
}

TEST(TensorBoardWriter, UnwritableFolderIsAnIoErrorNamingIt) {
  testing::TempDir dir;
  std::ofstream(dir.file("blocker")) << "a file, not a folder";
  const std::filesystem::path target = dir.path() / "blocker" / "tb";
  expect_throw_with<IoError>([&] { io::TensorBoardWriter writer(target); }, target.string());
}

TEST(TensorBoardWriter, RejectsMalformedRecords) {
  testing::TempDir dir;
  io::TensorBoardWriter writer(dir.path());
  expect_throw_with<ValueError>(
      [&] {
        writer.write(train::HistogramRecord{.tag = "h", .edges = {0.0, 1.0}, .counts = {1.0, 2.0}});
      },
      "histogram 'h' needs one more edge than counts, got 2 edges and 2 counts");
  expect_throw_with<ValueError>([&] { writer.write(make_image_record("i", 0, {make_image(2, 2, 3, {1})})); },
                                "image 'i' of 2x2x3 (height x width x channels) needs 12 pixel bytes, got 1");
  expect_throw_with<ValueError>([&] { writer.write(make_heatmap("m", 2, 2, {}, /*categorical=*/false)); },
                                "heatmap 'm' of 2x2 (rows x cols) needs 4 values, got 0");
  writer.flush();
  EXPECT_EQ(read_events(dir.path()).size(), 1u);  // nothing half-written
}

}  // namespace nnlab
