#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "data/image_writer.h"
#include "nnlab/core/check.h"
#include "nnlab/core/parallel.h"
#include "nnlab/data/image_folder.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab {
namespace {

namespace fs = std::filesystem;
using testing::PngColor;
using testing::PngSpec;
using testing::TempDir;

// <root>/<relative>, creating its folders.
std::string make_path(const TempDir& root, const std::string& relative) {
  const fs::path path = root.path() / relative;
  fs::create_directories(path.parent_path());
  return path.string();
}

void write_png(const TempDir& root, const std::string& relative, const PngSpec& spec) {
  testing::write_bytes(make_path(root, relative), testing::encode_png(spec));
}

void write_jpeg(const TempDir& root, const std::string& relative, std::int64_t height, std::int64_t width, int channels,
                const std::vector<std::uint8_t>& samples, bool progressive = false) {
  testing::write_bytes(make_path(root, relative), testing::encode_jpeg(height, width, channels, samples, progressive));
}

void write_text(const TempDir& root, const std::string& relative, const std::string& text) {
  testing::write_bytes(make_path(root, relative), std::vector<std::uint8_t>(text.begin(), text.end()));
}

PngSpec rgb_png(std::int64_t height, std::int64_t width, std::vector<std::uint8_t> samples) {
  return {.height = height, .width = width, .color = PngColor::rgb, .samples = std::move(samples)};
}

PngSpec gray_png(std::int64_t height, std::int64_t width, std::vector<std::uint8_t> samples) {
  return {.height = height, .width = width, .color = PngColor::gray, .samples = std::move(samples)};
}

// (H, W, channels) samples v = (x * 31 + y * 17 + c * 5) % 256: every pixel different.
std::vector<std::uint8_t> pattern(std::int64_t height, std::int64_t width, int channels) {
  std::vector<std::uint8_t> samples;
  for (std::int64_t y = 0; y < height; ++y) {
    for (std::int64_t x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) samples.push_back(static_cast<std::uint8_t>((x * 31 + y * 17 + c * 5) % 256));
    }
  }
  return samples;
}

// (C, H, W) planes of (H, W, C) samples, scaled as the reader scales them.
std::vector<float> planes(const std::vector<std::uint8_t>& samples, int channels) {
  const std::size_t pixels = samples.size() / static_cast<std::size_t>(channels);
  std::vector<float> out;
  for (int c = 0; c < channels; ++c) {
    for (std::size_t i = 0; i < pixels; ++i)
      out.push_back(samples[i * static_cast<std::size_t>(channels) + c] / 255.0f);
  }
  return out;
}

std::vector<float> scaled(const std::vector<double>& levels) {
  std::vector<float> out;
  for (double level : levels) out.push_back(static_cast<float>(level / 255.0));
  return out;
}

void expect_near_all(const std::vector<float>& actual, const std::vector<float>& expected, float tolerance) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tolerance) << "at element " << i;
  }
}

data::Dataset read(const TempDir& root, const data::ImageFolderOptions& options = {}) {
  return data::read_image_folder(root.path().string(), options);
}

std::vector<float> pixels(const data::Dataset& ds) { return ds.inputs.to_vector<float>(); }

// JPEG at quality 100 without chroma subsampling: measured errors on flat 8x8 blocks are at most
// 1 level; 3 leaves room for another libjpeg-turbo build's rounding.
constexpr float kJpegTolerance = 3.0f / 255.0f;

}  // namespace

TEST(ImageFolder, ReadsPngPixelsExactlyAsPlanarRgb) {
  TempDir root;
  write_png(root, "only/a.png", rgb_png(2, 2, {0, 10, 20, 30, 40, 50, 60, 70, 80, 255, 254, 253}));
  const data::Dataset ds = read(root);
  EXPECT_EQ(ds.inputs.shape(), (Shape{1, 3, 2, 2}));
  EXPECT_EQ(ds.inputs.dtype(), DType::f32);
  EXPECT_EQ(pixels(ds), scaled({0, 30, 60, 255, 10, 40, 70, 254, 20, 50, 80, 253}));  // red, green, blue planes
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(ds.task, data::Task::classification);
  EXPECT_EQ(ds.num_classes, 1);
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"only"}));
  EXPECT_EQ(ds.name, "image-folder:" + root.path().string());
}

TEST(ImageFolder, ClassesAreSortedFoldersAndFilesComeInTorchvisionOrder) {
  TempDir root;
  const auto red = [](std::uint8_t r) { return rgb_png(1, 1, {r, 0, 0}); };
  write_png(root, "dog/b.png", red(1));
  write_png(root, "dog/a.PNG", red(2));
  write_png(root, "dog/sub/0.png", red(3));  // files of a sub-folder come after the folder's own
  write_png(root, "bird/9.png", red(5));
  write_png(root, "bird/10.png", red(4));                // names sort as strings: "10" < "9"
  write_jpeg(root, "Cat/z.Jpeg", 1, 1, 3, {100, 0, 0});  // byte order: "Cat" < "bird"
  // Skipped: other extensions, hidden files and folders, files beside the class folders.
  // Their bytes are not images, so reading any of them would throw.
  write_text(root, "dog/notes.txt", "not an image");
  write_text(root, "dog/.hidden.png", "not an image");
  write_text(root, "dog/._a.png", "not an image");  // macOS resource fork
  write_text(root, "dog/.cache/c.png", "not an image");
  write_text(root, ".ipynb_checkpoints/d.png", "not an image");
  write_text(root, "stray.png", "not an image");

  const data::Dataset ds = read(root);
  EXPECT_EQ(ds.class_names, (std::vector<std::string>{"Cat", "bird", "dog"}));
  EXPECT_EQ(ds.num_classes, 3);
  EXPECT_EQ(ds.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 1, 2, 2, 2}));
  ASSERT_EQ(ds.inputs.shape(), (Shape{6, 3, 1, 1}));
  const std::vector<float> x = pixels(ds);
  std::vector<float> reds;
  for (std::size_t i = 1; i < 6; ++i) reds.push_back(x[3 * i]);
  EXPECT_EQ(reds, scaled({4, 5, 2, 1, 3}));
  EXPECT_NEAR(x[0], 100.0f / 255.0f, kJpegTolerance);
}

TEST(ImageFolder, GrayPngIsReplicatedToThreeChannels) {
  TempDir root;
  write_png(root, "a/g.png", gray_png(1, 2, {7, 200}));
  const data::Dataset ds = read(root);
  EXPECT_EQ(ds.inputs.shape(), (Shape{1, 3, 1, 2}));
  EXPECT_EQ(pixels(ds), scaled({7, 200, 7, 200, 7, 200}));
}

TEST(ImageFolder, AlphaIsDroppedNotComposited) {
  TempDir root;  // as Pillow's convert("RGB"): a fully transparent pixel keeps its colour
  write_png(root, "a/1.png", {.height = 1, .width = 1, .color = PngColor::rgba, .samples = {10, 20, 30, 0}});
  write_png(root, "a/2.png", {.height = 1, .width = 1, .color = PngColor::gray_alpha, .samples = {99, 128}});
  EXPECT_EQ(pixels(read(root)), scaled({10, 20, 30, 99, 99, 99}));
}

TEST(ImageFolder, PaletteAndOneBitPngsAreExpanded) {
  TempDir root;
  write_png(root, "a/1.png",
            {.height = 1,
             .width = 3,
             .color = PngColor::palette,
             .bit_depth = 4,
             .samples = {0x10, 0x00},
             .palette = {250, 5, 6, 7, 8, 9}});  // indices 1, 0, 0
  write_png(root, "a/2.png",
            {.height = 1, .width = 3, .color = PngColor::gray, .bit_depth = 1, .samples = {0b10100000}});  // 1, 0, 1
  EXPECT_EQ(pixels(read(root)), scaled({7, 250, 250, 8, 5, 5, 9, 6, 6, 255, 0, 255, 255, 0, 255, 255, 0, 255}));
}

TEST(ImageFolder, SixteenBitPngKeepsTheHighByte) {
  TempDir root;  // as Pillow's RGB;16B unpacking; no gamma correction
  write_png(root, "a/1.png",
            {.height = 1, .width = 2, .color = PngColor::gray, .bit_depth = 16, .samples = {0xab, 0xcd, 0x01, 0xff}});
  EXPECT_EQ(pixels(read(root)), scaled({0xab, 0x01, 0xab, 0x01, 0xab, 0x01}));
}

TEST(ImageFolder, InterlacedPngDecodesToTheSamePixels) {
  TempDir root;
  const std::vector<std::uint8_t> samples = pattern(5, 7, 3);
  write_png(root, "a/1.png", {.height = 5, .width = 7, .color = PngColor::rgb, .interlaced = true, .samples = samples});
  EXPECT_EQ(pixels(read(root)), planes(samples, 3));
}

TEST(ImageFolder, GrayscaleIsPillowsRoundedLuma) {
  TempDir root;
  write_png(root, "a/1.png", rgb_png(1, 5, {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 77, 77, 77}));
  const data::Dataset ds = read(root, {.grayscale = true});
  EXPECT_EQ(ds.inputs.shape(), (Shape{1, 1, 1, 5}));
  // (19595 r + 38470 g + 7471 b + 32768) >> 16: Pillow's L of red 76, green 150, blue 29;
  // 0.299·10 + 0.587·20 + 0.114·30 = 18.15 -> 18; gray keeps its level.
  EXPECT_EQ(pixels(ds), scaled({76, 150, 29, 18, 77}));
}

TEST(ImageFolder, JpegPixelsAreCloseToTheEncodedColours) {
  TempDir root;
  // Four flat 8x8 blocks, aligned with JPEG's DCT blocks: (200, 30, 40) (10, 220, 90) / (60, 60, 250) (128, 128, 128).
  std::vector<std::uint8_t> samples;
  const std::uint8_t colours[4][3] = {{200, 30, 40}, {10, 220, 90}, {60, 60, 250}, {128, 128, 128}};
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 16; ++x) {
      const auto* colour = colours[(y / 8) * 2 + x / 8];
      samples.insert(samples.end(), colour, colour + 3);
    }
  }
  write_jpeg(root, "a/1.JPG", 16, 16, 3, samples);
  const data::Dataset ds = read(root);
  EXPECT_EQ(ds.inputs.shape(), (Shape{1, 3, 16, 16}));
  expect_near_all(pixels(ds), planes(samples, 3), kJpegTolerance);
}

TEST(ImageFolder, GrayAndProgressiveJpegsAreRead) {
  TempDir root;
  write_jpeg(root, "a/1.jpg", 8, 8, 1, std::vector<std::uint8_t>(64, 90));
  write_jpeg(root, "a/2.jpeg", 8, 8, 3, testing::solid_rgb(8, 8, 30, 160, 220), /*progressive=*/true);
  const std::vector<float> x = pixels(read(root));
  ASSERT_EQ(x.size(), 2u * 3 * 64);
  std::vector<float> expected(3 * 64, 90.0f / 255.0f);  // gray replicated to all three channels
  for (float level : {30.0f, 160.0f, 220.0f}) expected.insert(expected.end(), 64, level / 255.0f);
  expect_near_all(x, expected, kJpegTolerance);
}

TEST(ImageFolder, ResizeUpsamplesBilinearlyWithHalfPixelCentres) {
  TempDir root;
  write_png(root, "a/1.png", gray_png(2, 2, {0, 200, 100, 40}));
  const data::Dataset ds = read(root, {.image_size = 4, .grayscale = true});
  EXPECT_EQ(ds.inputs.shape(), (Shape{1, 1, 4, 4}));
  // Each axis: out = (a, 0.75 a + 0.25 b, 0.25 a + 0.75 b, b). Rows 0 and 3 from (0, 200) and
  // (100, 40); rows 1 and 2 mix them 3:1 and 1:3 (align_corners=False, edges clamped).
  expect_near_all(pixels(ds), scaled({0, 50, 150, 200, 25, 58.75, 126.25, 160, 75, 76.25, 78.75, 80, 100, 85, 55, 40}),
                  1e-6f);
}

TEST(ImageFolder, ResizeDownsamplesWithAntialiasing) {
  TempDir root;
  // Level = column (0, 70, 140, 210) + row (0, 10, 20, 30).
  std::vector<std::uint8_t> samples;
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) samples.push_back(static_cast<std::uint8_t>(70 * x + 10 * y));
  }
  write_png(root, "a/1.png", gray_png(4, 4, samples));
  const data::Dataset ds = read(root, {.image_size = 2, .grayscale = true});
  // Shrinking by 2 widens the triangle to half-width 2: weights (0.75, 0.75, 0.25, 0) / 1.75 and
  // (0, 0.25, 0.75, 0.75) / 1.75. Columns give 87.5 / 1.75 = 50 and 280 / 1.75 = 160; rows add
  // 12.5 / 1.75 and 40 / 1.75. Plain bilinear would give 35 and 175 from two pixels only.
  expect_near_all(pixels(ds), scaled({50 + 12.5 / 1.75, 160 + 12.5 / 1.75, 50 + 40 / 1.75, 160 + 40 / 1.75}), 1e-6f);
}

TEST(ImageFolder, ResizeMakesMixedSizesOneSizeAndLeavesThatSizeUntouched) {
  TempDir root;
  const std::vector<std::uint8_t> exact = pattern(4, 4, 3);
  write_png(root, "a/1.png", rgb_png(3, 5, testing::solid_rgb(3, 5, 10, 20, 30)));
  write_png(root, "a/2.png", rgb_png(4, 4, exact));
  write_jpeg(root, "b/3.jpg", 6, 2, 3, testing::solid_rgb(6, 2, 240, 120, 0));
  const data::Dataset ds = read(root, {.image_size = 4});
  ASSERT_EQ(ds.inputs.shape(), (Shape{3, 3, 4, 4}));
  const std::vector<float> x = pixels(ds);
  std::vector<float> solid;  // a solid image stays solid: the weights sum to 1
  for (float level : {10.0f, 20.0f, 30.0f}) solid.insert(solid.end(), 16, level / 255.0f);
  expect_near_all({x.begin(), x.begin() + 48}, solid, 1e-6f);
  EXPECT_EQ(std::vector<float>(x.begin() + 48, x.begin() + 96), planes(exact, 3));
  std::vector<float> orange;
  for (float level : {240.0f, 120.0f, 0.0f}) orange.insert(orange.end(), 16, level / 255.0f);
  expect_near_all({x.begin() + 96, x.end()}, orange, kJpegTolerance);
}

TEST(ImageFolder, MixedSizesWithoutResizeIsADataErrorNamingBothFilesAndSizes) {
  TempDir root;
  write_png(root, "a/1.png", rgb_png(2, 2, pattern(2, 2, 3)));
  write_png(root, "a/2.png", rgb_png(2, 2, pattern(2, 2, 3)));
  write_png(root, "b/3.png", rgb_png(2, 3, pattern(2, 3, 3)));
  expect_throw_with<DataError>([&] { read(root); }, "image-folder: '" + (root.path() / "b/3.png").string() +
                                                        "': expected 2x2 (height x width) like '" +
                                                        (root.path() / "a/1.png").string() +
                                                        "', got 2x3; set image_size to resize every image");
}

TEST(ImageFolder, GarbageNamedPngIsADataErrorNamingTheFile) {
  TempDir root;
  write_png(root, "a/1.png", rgb_png(1, 1, {1, 2, 3}));
  write_text(root, "a/2.png", "GIF89a, not a png");
  expect_throw_with<DataError>([&] { read(root); }, "image: '" + (root.path() / "a/2.png").string() +
                                                        "': expected a PNG or JPEG signature, got 17 bytes "
                                                        "starting 47 49 46 38 39 61 2c 20");
  write_text(root, "a/2.png", "");
  expect_throw_with<DataError>([&] { read(root); }, "a/2.png': expected a PNG or JPEG image, got an empty file");
}

TEST(ImageFolder, CorruptOrTruncatedPngIsADataErrorNamingTheFile) {
  TempDir root;
  std::vector<std::uint8_t> bytes = testing::encode_png(rgb_png(16, 16, pattern(16, 16, 3)));
  const std::string path = make_path(root, "a/1.png");
  std::vector<std::uint8_t> corrupt = bytes;
  corrupt[29] ^= 0xff;  // the IHDR chunk's CRC: 8 signature + 4 length + 4 type + 13 data bytes before it
  testing::write_bytes(path, corrupt);
  expect_throw_with<DataError>(
      [&] { read(root); }, "png: '" + path + "': expected a readable PNG image, got libpng error \"IHDR: CRC error\"");
  corrupt = bytes;
  corrupt[corrupt.size() / 2] ^= 0xff;  // inside IDAT: zlib or the CRC check fails, whichever comes first
  testing::write_bytes(path, corrupt);
  expect_throw_with<DataError>([&] { read(root); },
                               "png: '" + path + "': expected a readable PNG image, got libpng error");
  bytes.resize(bytes.size() / 2);
  testing::write_bytes(path, bytes);
  expect_throw_with<DataError>(
      [&] { read(root); },
      "png: '" + path + "': expected a readable PNG image, got libpng error \"unexpected end of file (truncated)\"");
}

TEST(ImageFolder, TruncatedJpegIsADataErrorNotGrayPixels) {
  TempDir root;
  std::vector<std::uint8_t> bytes = testing::encode_jpeg(32, 32, 3, pattern(32, 32, 3));
  bytes.resize(bytes.size() * 3 / 5);  // cut inside the entropy-coded data
  const std::string path = make_path(root, "a/1.jpg");
  testing::write_bytes(path, bytes);
  expect_throw_with<DataError>(
      [&] { read(root); },
      "jpeg: '" + path + "': expected a readable JPEG image, got libjpeg error \"Premature end of JPEG file\"");
  bytes.resize(40);  // inside the headers
  testing::write_bytes(path, bytes);
  expect_throw_with<DataError>([&] { read(root); }, "jpeg: '" + path + "': expected a readable JPEG image");
}

TEST(ImageFolder, RootWithoutClassFoldersIsADataErrorNamingIt) {
  TempDir root;
  write_png(root, "loose.png", rgb_png(1, 1, {1, 2, 3}));
  expect_throw_with<DataError>([&] { read(root); }, "image-folder: '" + root.path().string() +
                                                        "': expected one sub-folder per class, got no sub-folder");
}

TEST(ImageFolder, ClassFolderWithoutImagesIsADataErrorNamingIt) {
  TempDir root;
  write_png(root, "a/1.png", rgb_png(1, 1, {1, 2, 3}));
  write_text(root, "b/readme.txt", "no images here");
  expect_throw_with<DataError>([&] { read(root); },
                               "image-folder: '" + (root.path() / "b").string() +
                                   "': expected at least one .png, .jpg or .jpeg file in every class folder, got none");
}

TEST(ImageFolder, MissingOrFileRootIsAnIoError) {
  TempDir root;
  const std::string missing = (root.path() / "nope").string();
  expect_throw_with<IoError>([&] { data::read_image_folder(missing); },
                             "image-folder: '" + missing + "': expected a folder of class folders, got no such path");
  write_text(root, "file", "x");
  expect_throw_with<IoError>(
      [&] { data::read_image_folder(root.file("file")); },
      "image-folder: '" + root.file("file") + "': expected a folder of class folders, got a file");
}

// A 420-byte PNG declaring 12000x12000 pixels: refused from its header (2^26 pixels at most),
// before 432 MB of pixels are allocated, even though image_size would shrink it to 8x8.
TEST(ImageFolder, ImageAboveThePixelCapIsRefusedFromItsHeader) {
  TempDir root;
  const std::string path = make_path(root, "a/huge.png");
  testing::write_bytes(path, testing::png_with_only_a_header(12000, 12000));
  expect_throw_with<DataError>([&] { read(root, {.image_size = 8}); },
                               "png: '" + path +
                                   "': expected at most 67108864 pixels (8192x8192; nnlab's limit on one "
                                   "image), got 12000x12000 (height x width)");
  testing::write_bytes(path, testing::png_with_only_a_header(8193, 8192));  // one row past the cap
  expect_throw_with<DataError>([&] { read(root, {.image_size = 8}); }, "got 8193x8192");
}

TEST(ImageFolder, NegativeImageSizeIsAValueError) {
  TempDir root;
  write_png(root, "a/1.png", rgb_png(1, 1, {1, 2, 3}));
  expect_throw_with<ValueError>([&] { read(root, {.image_size = -1}); },
                                "image-folder: expected image_size >= 0 (0 keeps every image's size), got -1");
}

TEST(ImageFolder, ThreadCountChangesNeitherTensorsNorWhichErrorIsThrown) {
  struct RestoreThreads {
    int threads = num_threads();
    ~RestoreThreads() { set_num_threads(threads); }
  } restore;
  TempDir root;
  for (int i = 0; i < 40; ++i) {  // 20 per class: file index i is c<i / 20>/<i % 20>
    const std::string name = fmt::format("c{}/{:02}.png", i / 20, i % 20);
    write_png(root, name, rgb_png(3, 3, testing::solid_rgb(3, 3, static_cast<std::uint8_t>(i), 1, 2)));
  }
  set_num_threads(1);
  const data::Dataset one = read(root);
  set_num_threads(2);
  const data::Dataset two = read(root);
  expect_equal(two.inputs, one.inputs);
  EXPECT_EQ(two.targets.to_vector<std::int64_t>(), one.targets.to_vector<std::int64_t>());

  write_text(root, "c1/10.png", "broken");  // file 30, in the second thread's half
  write_text(root, "c0/12.png", "broken");  // file 12, in the first's
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    expect_throw_with<DataError>([&] { read(root); }, "c0/12.png': expected a PNG or JPEG signature");
  }
}

}  // namespace nnlab
