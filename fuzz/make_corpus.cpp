// Writes the seed corpus of every fuzz target into <out>/<target>/: a few small files that nnlab's
// own writers (or the test suite's PNG/JPEG encoders) make, and a few edge cases by hand. Run it
// after a format changes and commit what changed (fuzz/README.md):
//   build-fuzz/fuzz/fuzz_make_corpus fuzz/corpus
// Every file stays under a few kilobytes; the output is the same on every run.
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "data/image_writer.h"
#include "nnlab/data/idx_file.h"
#include "nnlab/io/config.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/safetensors.h"
#include "nnlab/tensor/tensor.h"

namespace {

namespace fs = std::filesystem;
using namespace nnlab;
using Bytes = std::vector<std::uint8_t>;

fs::path g_out;

void write(const std::string& target, const std::string& name, std::string_view bytes) {
  fs::create_directories(g_out / target);
  std::ofstream out(g_out / target / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + (g_out / target / name).string());
}

void write(const std::string& target, const std::string& name, const Bytes& bytes) {
  write(target, name, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string gzip(std::string_view bytes) {
  const fs::path path = fs::temp_directory_path() / "nnlab-make-corpus.gz";
  gzFile file = gzopen(path.c_str(), "wb9");
  gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
  std::string out = read(path);
  fs::remove(path);
  // The gzip header's modification time is zero for gzwrite, so the bytes are the same every run.
  return out;
}

// ---- IDX: the file itself --------------------------------------------------------------------

std::string idx_header(std::uint8_t type, const std::vector<std::uint32_t>& sizes) {
  std::string out{'\0', '\0', static_cast<char>(type), static_cast<char>(sizes.size())};
  for (std::uint32_t size : sizes) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(size >> shift);
  }
  return out;
}

void idx_corpus() {
  const fs::path tmp = fs::temp_directory_path() / "nnlab-make-corpus.idx";
  const Tensor images = Tensor::from_vector(std::vector<float>{0, 255, 17, 128, 3, 9, 200, 1}, {2, 2, 2});
  data::write_idx_u8(tmp.string(), images, /*gzip=*/false);
  write("idx", "images-u8-2x2x2.idx", read(tmp));
  data::write_idx_u8(tmp.string(), images, /*gzip=*/true);
  write("idx", "images-u8-2x2x2.idx.gz", read(tmp));
  data::write_idx_u8(tmp.string(), Tensor::from_vector(std::vector<float>{3, 1, 4, 1, 5}, {5}), /*gzip=*/false);
  write("idx", "labels-u8-5.idx", read(tmp));
  fs::remove(tmp);

  write("idx", "signed-byte-3.idx", idx_header(0x09, {3}) + std::string{'\x80', '\x00', '\x7f'});
  write("idx", "short-2.idx", idx_header(0x0B, {2}) + std::string{'\xff', '\xfe', '\x01', '\x00'});
  write("idx", "int-2.idx", idx_header(0x0C, {2}) + std::string{'\x80', 0, 0, 0, 0, 0, 0, 7});
  write("idx", "float-2.idx", idx_header(0x0D, {2}) + std::string{'\x3f', '\x80', 0, 0, '\x7f', '\xc0', 0, 0});
  write("idx", "double-1.idx",
        idx_header(0x0E, {1}) + std::string{'\x40', '\x09', '\x21', '\xfb', '\x54', '\x44', '\x2d', '\x18'});
  write("idx", "empty-dim-0x3.idx", idx_header(0x08, {0, 3}));
  write("idx", "empty-dim-huge-strides.idx", idx_header(0x0E, {0, 0xffffffff, 0xffffffff, 0xffffffff}));
  write("idx", "truncated-data.idx", idx_header(0x08, {4, 4}) + "abc");
  write("idx", "truncated-header.idx", idx_header(0x08, {1, 2}).substr(0, 9));
  write("idx", "truncated-data.idx.gz", gzip(idx_header(0x08, {4, 4}) + "abc"));
}

// ---- CIFAR: byte 0 the layout and whether a names file follows, byte 1 its length ------------

std::string cifar_record(std::vector<std::uint8_t> labels) {
  std::string out(labels.begin(), labels.end());
  for (int i = 0; i < 3072; ++i) out += static_cast<char>(i / 64);
  return out;
}

void cifar_corpus() {
  const std::string names10 = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n";
  std::string coarse20;
  for (int c = 0; c < 20; ++c) coarse20 += "coarse" + std::to_string(c) + "\n";
  const auto input = [](int layout, bool names, const std::string& batch, const std::string& text) {
    return std::string{static_cast<char>(layout | (names ? 4 : 0)), static_cast<char>(text.size())} + batch + text;
  };
  write("cifar", "cifar10-1-record", input(0, false, cifar_record({3}), ""));
  write("cifar", "cifar10-2-records-names", input(0, true, cifar_record({0}) + cifar_record({9}), names10));
  write("cifar", "cifar100-fine-1-record", input(1, false, cifar_record({4, 99}), ""));
  write("cifar", "cifar100-coarse-names", input(2, true, cifar_record({19, 0}), coarse20));
  write("cifar", "cifar10-label-10", input(0, false, cifar_record({10}), ""));
  write("cifar", "cifar10-short-record", input(0, false, cifar_record({1}).substr(0, 3000), ""));
  write("cifar", "cifar10-3-names", input(0, true, cifar_record({1}), "a\nb\r\n c \n"));
}

// ---- CSV: byte 0 header/task/label-by-name flags, byte 1 the delimiter, byte 2 the label -----

void csv_corpus() {
  const auto input = [](std::uint8_t flags, std::uint8_t delimiter, std::uint8_t label, std::string_view text) {
    return std::string{static_cast<char>(flags), static_cast<char>(delimiter), static_cast<char>(label)} +
           std::string(text);
  };
  write("csv", "header-string-labels.csv", input(0, 0, 0xff, "x1,x2,label\n0.5,1,cat\n2,3e-2,dog\n-1,+4,cat\n"));
  write("csv", "no-header-int-labels.csv", input(2, 0, 0xff, "1,2,0\n3,4,1\n\n5,6,2\r\n"));
  write("csv", "regression-by-name.csv", input(4 | 8, 1, 1, "a;y;b\n1;0.5;2\n3;-1.5;4\n"));
  write("csv", "label-first-tab.csv", input(1, 2, 0, "label\tf\n7\t0.25\n3\t1e3\n"));
  write("csv", "nan-inf-cells.csv", input(0, 0, 0xff, "nan,inf,1\n-inf,1e400,0\n"));
  write("csv", "ragged-rows.csv", input(0, 0, 0xff, "1,2,3\n4,5\n"));
  write("csv", "huge-label.csv", input(2, 0, 0xff, "1,9223372036854775807\n2,0\n"));
  write("csv", "label-out-of-range.csv", input(0, 3, 0x7f, "1|2\n3|4\n"));
}

// ---- images: the file itself -------------------------------------------------------------------

void image_corpus() {
  using testing::PngColor;
  using testing::PngSpec;
  const auto pattern = [](std::size_t n) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i * 37);
    return out;
  };
  write("image", "rgb-4x4.png",
        testing::encode_png({.height = 4, .width = 4, .color = PngColor::rgb, .samples = pattern(4 * 4 * 3)}));
  write("image", "gray-1bit-2x8.png",
        testing::encode_png({.height = 2, .width = 8, .color = PngColor::gray, .bit_depth = 1, .samples = pattern(2)}));
  write("image", "palette-2bit-3x3.png",
        testing::encode_png({.height = 3,
                             .width = 3,
                             .color = PngColor::palette,
                             .bit_depth = 2,
                             .samples = {0x1b, 0xe4, 0x38},
                             .palette = pattern(4 * 3)}));
  write("image", "rgba-16bit-interlaced-3x2.png",
        testing::encode_png({.height = 3,
                             .width = 2,
                             .color = PngColor::rgba,
                             .bit_depth = 16,
                             .interlaced = true,
                             .samples = pattern(3 * 2 * 8)}));
  write("image", "gray-alpha-2x2.png",
        testing::encode_png({.height = 2, .width = 2, .color = PngColor::gray_alpha, .samples = pattern(2 * 2 * 2)}));
  const Bytes jpeg = testing::encode_jpeg(8, 8, 3, pattern(8 * 8 * 3));
  write("image", "rgb-8x8.jpg", jpeg);
  write("image", "gray-9x5.jpg", testing::encode_jpeg(9, 5, 1, pattern(9 * 5)));
  write("image", "rgb-16x8-progressive.jpg", testing::encode_jpeg(16, 8, 3, pattern(16 * 8 * 3), true));
  write("image", "truncated.jpg", Bytes(jpeg.begin(), jpeg.begin() + static_cast<std::ptrdiff_t>(jpeg.size() / 2)));
  const Bytes png = testing::encode_png({.height = 4, .width = 4, .color = PngColor::rgb, .samples = pattern(48)});
  write("image", "truncated.png", Bytes(png.begin(), png.begin() + 45));
}

// ---- safetensors: the file itself ------------------------------------------------------------

std::string safetensors_file(std::string_view header, std::string_view data) {
  std::string out(8, '\0');
  const std::uint64_t length = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(length >> (8 * i));
  return out + std::string(header) + std::string(data);
}

void safetensors_corpus() {
  const fs::path tmp = fs::temp_directory_path() / "nnlab-make-corpus.safetensors";
  io::save_safetensors(tmp.string(),
                       {{"0.weight", Tensor::from_vector(std::vector<float>{1, -2, 3.5f, 0, 1e-3f, 7}, {2, 3})},
                        {"0.bias", Tensor::from_vector(std::vector<double>{0.25, -0.5}, {2})},
                        {"steps", Tensor::from_vector(std::vector<std::int64_t>{42}, {})}},
                       {{"epoch", "3"}});
  write("safetensors", "model.safetensors", read(tmp));
  io::save_safetensors(tmp.string(), {});
  write("safetensors", "empty.safetensors", read(tmp));
  fs::remove(tmp);
  write("safetensors", "zero-size.safetensors",
        safetensors_file(R"({"z":{"dtype":"F32","shape":[0,4],"data_offsets":[0,0]}})", ""));
  write("safetensors", "f16.safetensors",
        safetensors_file(R"({"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}})", "ab"));
  write("safetensors", "overlap.safetensors",
        safetensors_file(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                         R"("b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})",
                         "abcdef"));
  write("safetensors", "huge-shape.safetensors",
        safetensors_file(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", ""));
  write("safetensors", "empty-dim-huge-strides.safetensors",
        safetensors_file(R"({"e":{"dtype":"I64","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}})", ""));
  write("safetensors", "header-past-end.safetensors", std::string("\xff\x00\x00\x00\x00\x00\x00\x00{}", 10));
}

// ---- config: TOML text, then optionally NUL and --set overrides one per line -----------------

void config_corpus() {
  write("config", "empty.toml", "");
  write("config", "defaults.toml", io::to_toml(io::ExperimentConfig{}));
  write("config", "mlp.toml",
        "name = \"fashion-mlp\"\nseed = 3\n[data]\ndataset = \"fashion-mnist\"\nvalidation = 5000\n"
        "[model]\ntype = \"mlp\"\nhidden = [256, 128]\n[optim]\nname = \"sgd\"\nlr = 0.05\nmomentum = 0.9\n"
        "[schedule]\nname = \"multistep\"\nmilestones = [2, 5]\n[train]\nepochs = 10\n"
        "[probes]\ngrad_norms = { every = 10 }\nconfusion = true\n");
  write("config", "cnn.toml",
        "[data]\ndataset = \"cifar10\"\npath = \"data/cifar\"\n[data.augment]\nflip = true\ncrop_padding = 4\n"
        "[model]\ntype = \"cnn\"\n[[model.layers]]\ntype = \"conv\"\nout = 8\nkernel = 3\npadding = 1\n"
        "[[model.layers]]\ntype = \"batchnorm\"\n[[model.layers]]\ntype = \"relu\"\n"
        "[[model.layers]]\ntype = \"maxpool\"\nkernel = 2\n[[model.layers]]\ntype = \"flatten\"\n"
        "[[model.layers]]\ntype = \"linear\"\nout = 10\n[optim]\nname = \"adamw\"\nweight_decay = 0.01\n"
        "[optim.lr_by_prefix]\n\"0.\" = 0.001\n");
  write("config", "overrides.toml",
        std::string("name = \"x\"\n") + '\0' + "optim.lr=0.1\nprobes.confusion=true\nmodel.hidden=[4,4]\nseed=7");
  write("config", "bad-key.toml", "[optim]\nlrr = 0.1\n");
  write("config", "bad-syntax.toml", "[data\nsamples = 1e999\n");
}

// ---- state.json: the commit record, against the target's model "model", optimiser "optimizer" --

std::string fingerprint(std::string_view bytes) {
  const uLong crc = crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
  return "{\"bytes\":" + std::to_string(bytes.size()) + ",\"crc32\":" + std::to_string(crc) + "}";
}

void state_json_corpus() {
  const std::string files =
      "{\"model.safetensors\":" + fingerprint("model") + ",\"optimizer.safetensors\":" + fingerprint("optimizer") + "}";
  write("state_json", "committed.json", "{\"epoch\":3,\"steps\":1200,\"files\":" + files + "}\n");
  write("state_json", "wrong-crc.json",
        "{\"epoch\":1,\"steps\":5,\"files\":{\"model.safetensors\":{\"bytes\":5,\"crc32\":1},"
        "\"optimizer.safetensors\":{\"bytes\":9,\"crc32\":2}}}\n");
  write("state_json", "old-format.json", "{\"epoch\":2,\"steps\":40}\n");
  write("state_json", "negative-epoch.json", "{\"epoch\":-1,\"steps\":0,\"files\":{}}\n");
  write("state_json", "not-json.json", "{\"epoch\":");
}

// ---- metrics lines: one log line per input line ----------------------------------------------

void metrics_lines_corpus() {
  const train::ScalarRecord loss{.tag = "train/loss", .step = 120, .epoch = 2, .value = 0.4125};
  const train::ScalarRecord quoted{.tag = "trial \"a\",lr=0.1", .step = 7, .epoch = 1, .value = 1e-300};
  const train::ScalarRecord diverged{.tag = "val/loss", .step = 3, .epoch = 9, .value = std::nan("")};
  std::string jsonl;
  for (const auto& record : {loss, quoted, diverged}) jsonl += io::to_jsonl_line(record) + "\n";
  write("metrics_lines", "metrics.jsonl", jsonl);
  std::string csv = std::string(io::kScalarCsvHeader) + "\n";
  for (const auto& record : {loss, quoted, diverged}) csv += io::to_csv_row(record) + "\n";
  write("metrics_lines", "metrics.csv", csv);
  train::HistogramRecord histogram{.tag = "grad/0.weight",
                                   .step = 10,
                                   .epoch = 1,
                                   .min = -1,
                                   .max = 1,
                                   .sum = 0,
                                   .sum_squares = 2,
                                   .count = 2,
                                   .edges = {-1, 0, 1},
                                   .counts = {1, 1}};
  write("metrics_lines", "probes.jsonl", io::to_json(histogram).dump() + "\n");
  write("metrics_lines", "edge-cases",
        "\"unterminated,1,2,3\n\"\",1,2,3\ntag,1,99999999999999999999,0.5\ntag,,3,\n{\"epoch\":1e3}\n"
        "{\"epoch\":-4}\n,1,2,3\ntag,1,2,3,4\n");
}

// ---- run records: byte 0 even for metrics.jsonl, odd for probes.jsonl; then the file --------

void run_records_corpus() {
  std::string metrics = "m";
  for (const train::ScalarRecord& record :
       {train::ScalarRecord{.tag = "train/loss", .step = 10, .epoch = 1, .value = 0.5},
        train::ScalarRecord{.tag = "val/accuracy", .step = 10, .epoch = 1, .value = std::nan("")}}) {
    metrics += io::to_jsonl_line(record) + "\n";
  }
  write("run_records", "metrics.jsonl", metrics);
  const train::HistogramRecord histogram{.tag = "weights/0.weight",
                                         .step = 10,
                                         .epoch = 1,
                                         .min = -1,
                                         .max = 2,
                                         .sum = 1,
                                         .sum_squares = 5,
                                         .count = 2,
                                         .edges = {-1, 0.5, 2},
                                         .counts = {1, 1}};
  const train::ImageRecord images{
      .tag = "misclassified",
      .step = 10,
      .epoch = 1,
      .images = {{.height = 2, .width = 1, .channels = 3, .pixels = {1, 2, 3, 4, 5, 6}, .caption = "true 1"}}};
  train::HeatmapRecord heatmap{.tag = "decision_boundary",
                               .step = 10,
                               .epoch = 1,
                               .rows = 2,
                               .cols = 2,
                               .values = {0, 1, 1, 0},
                               .categorical = true,
                               .x_title = "x",
                               .y_title = "y",
                               .x_labels = {"a", "b"},
                               .y_labels = {"c", "d"}};
  heatmap.extent = train::HeatmapRecord::Extent{.x_min = -1, .x_max = 1, .y_min = -1, .y_max = 1};
  heatmap.points = {{.x = 0.5, .y = -0.5, .label = 1}};
  const io::SnapshotEntry snapshot{.tag = "weights",
                                   .step = 100,
                                   .epoch = 2,
                                   .file = "snapshots/weights-00000100.safetensors",
                                   .info = {{"loss", 0.25}}};
  write("run_records", "probes.jsonl",
        "p" + io::to_json(histogram).dump() + "\n" + io::to_json(images).dump() + "\n" + io::to_json(heatmap).dump() +
            "\n" + io::to_json(snapshot).dump() + "\n");
  write("run_records", "unknown-kind.jsonl", "p{\"kind\":\"movie\",\"tag\":\"t\",\"step\":0,\"epoch\":0}\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_corpus OUT_DIR (the repository's fuzz/corpus)\n";
    return 2;
  }
  g_out = argv[1];
  idx_corpus();
  cifar_corpus();
  csv_corpus();
  image_corpus();
  safetensors_corpus();
  config_corpus();
  state_json_corpus();
  metrics_lines_corpus();
  run_records_corpus();
  return 0;
}
