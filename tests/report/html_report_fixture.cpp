#include "report/html_report_fixture.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "nnlab/io/atomic_file.h"
#include "nnlab/io/metrics_log.h"
#include "nnlab/io/run_folder.h"
#include "nnlab/io/png_encode.h"

namespace nnlab::testing {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) { io::write_file_atomically(path.string(), text); }

void scalar(const fs::path& dir, const std::string& tag, std::int64_t step, std::int64_t epoch, double value) {
  io::append_line(dir / "metrics.jsonl", io::to_json(train::ScalarRecord{tag, step, epoch, value}).dump());
}

// A loss that falls with the step, with a deterministic wobble so the curve looks measured.
double step_loss(std::int64_t step) {
  return 0.3 + 2.0 * std::exp(-0.05 * static_cast<double>(step)) + 0.04 * std::sin(1.7 * static_cast<double>(step));
}

void epoch_scalars(const fs::path& dir, std::int64_t epoch, std::int64_t step, bool last,
                   const FakeRunOptions& options) {
  const double e = static_cast<double>(epoch);
  // The last epoch's numbers are the summary's, so the final table reads the same either way.
  scalar(dir, "train/loss", step, epoch, last ? 0.3125 : 0.3125 + 0.5 / e);
  scalar(dir, "train/accuracy", step, epoch, last ? 0.9 : 0.9 - 0.1 / e);
  scalar(dir, "val/loss", step, epoch, last ? 0.4375 : 0.4375 + 0.5 / e);
  scalar(dir, "val/accuracy", step, epoch, last ? options.val_accuracy : options.val_accuracy - 0.1 / e);
  scalar(dir, "test/loss", step, epoch, last ? 0.46875 : 0.46875 + 0.5 / e);
  scalar(dir, "test/accuracy", step, epoch, last ? 0.86 : 0.86 - 0.1 / e);
  scalar(dir, "lr", step, epoch, 0.1 * std::pow(0.9, e - 1));
  if (!options.odd_tag.empty()) scalar(dir, options.odd_tag, step, epoch, 1.5 * e);
  scalar(dir, "time/epoch_seconds", step, epoch, 2.5);
  scalar(dir, "time/seconds", step, epoch, 2.5 * e);
}

void histogram(const fs::path& dir, const std::string& tag, std::int64_t step, std::int64_t epoch, double centre) {
  std::vector<double> values;
  for (int i = 0; i < 400; ++i)
    values.push_back(std::clamp(centre + 0.3 * std::sin(0.37 * i) * std::cos(0.11 * i), 0.0, 1.0));
  io::append_line(dir / "probes.jsonl", io::to_json(train::make_histogram(tag, step, epoch, values, 20)).dump());
}

void images(const fs::path& dir, std::int64_t step, std::int64_t epoch) {
  train::ImageRecord record{.tag = "misclassified", .step = step, .epoch = epoch, .images = {}};
  for (int k = 0; k < 4; ++k) {
    train::Image image{.height = 28, .width = 28, .channels = 1, .pixels = {}, .caption = "true Coat, predicted Shirt"};
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x)
        image.pixels.push_back(
            static_cast<std::uint8_t>(((x - 14) * (x - 14) + (y - 14) * (y - 14) < 30 + 20 * k) ? 230 : 20));
    }
    record.images.push_back(std::move(image));
  }
  io::append_line(dir / "probes.jsonl", io::to_json(record).dump());
}

// A small RGB picture standing in for a chart that report/'s plotting code drew.
void plot_png(const fs::path& path, std::uint8_t red) {
  train::Image image{.height = 120, .width = 180, .channels = 3, .pixels = {}, .caption = ""};
  for (int y = 0; y < 120; ++y) {
    for (int x = 0; x < 180; ++x) {
      const bool line = std::abs(y - (100 - static_cast<int>(80 * std::exp(-x / 40.0)))) < 2;
      image.pixels.insert(image.pixels.end(), {line ? red : std::uint8_t{255}, std::uint8_t(line ? 90 : 255),
                                               std::uint8_t(line ? 180 : 255)});
    }
  }
  write_text(path, io::encode_png(image, path.filename().string()));
}

void extras(const fs::path& dir) {
  write_text(dir / "run.json", R"({"command": "nnlab train experiments/mlp.toml --set optim.lr=0.1",
    "nnlab_version": "0.1.0", "git_commit": "abc1234", "seed": 0, "threads": 2,
    "started": "2026-12-06T14:50:00Z", "libraries": {"oneDNN": "2.6.3", "protobuf": "3.21.12"}})");
  write_text(dir / "model.txt",
             "Sequential (101,770 parameters)\n  0 Flatten  -> (N, 784)\n  1 Linear(784, 128)  -> (N, 128)  100,480\n"
             "  2 ReLU  -> (N, 128)\n  3 Linear(128, 10)  -> (N, 10)  1,290\n");
  fs::create_directories(dir / "plots");
  plot_png(dir / "plots" / "loss.png", 200);
  plot_png(dir / "plots" / "accuracy.png", 120);
}

// summary.json as the run would write it; the final numbers equal the last epoch's scalars.
std::string summary(const FakeRunOptions& options) {
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(R"({"name": "mlp-fashion", "stop_reason": "completed",
    "message": "", "best_epoch": 0, "parameters": 101770, "trainable_parameters": 101770,
    "dataset": {"name": "fashion-mnist", "source": "idx files", "train": 54000, "val": 6000, "test": 10000},
    "final": {"train": {"loss": 0.3125, "accuracy": 0.9}, "val": {"loss": 0.4375, "accuracy": 0.875},
              "test": {"loss": 0.46875, "accuracy": 0.86}}})");
  j["epochs_completed"] = options.epochs;
  j["steps"] = options.epochs * options.steps_per_epoch;
  j["best_epoch"] = options.epochs;
  j["seconds"] = 2.5 * static_cast<double>(options.epochs);
  j["final"]["val"]["accuracy"] = options.val_accuracy;
  return j.dump(2);
}

}  // namespace

const char* const kFakeConfig =
    "name = \"mlp-fashion\"\nseed = 0\n# lr < 1 & \"quoted\" <b>not bold</b>\n\n[optim]\nname = \"sgd\"\nlr = 0.1\n";

fs::path write_fake_run(const fs::path& dir, const FakeRunOptions& options) {
  fs::create_directories(dir);
  write_text(dir / "config.toml", kFakeConfig);
  std::int64_t step = 0;
  const std::int64_t epochs = options.epochs + (options.running_epoch ? 1 : 0);
  for (std::int64_t epoch = 1; epoch <= epochs; ++epoch) {
    for (std::int64_t i = 0; i < options.steps_per_epoch; ++i) {
      ++step;
      const bool parted = options.part_at_step > 0 && step >= options.part_at_step;
      scalar(dir, "step/loss", step, epoch, step_loss(step) + (parted ? 1e-3 : 0.0));
      scalar(dir, "step/lr", step, epoch, 0.1 * std::pow(0.9, static_cast<double>(epoch - 1)));
      if (step % 2 == 0) scalar(dir, "grad_norm/0.weight", step, epoch, 1.0 / std::sqrt(static_cast<double>(step)));
      if (step % 2 == 0) scalar(dir, "grad_norm/total", step, epoch, 1.5 / std::sqrt(static_cast<double>(step)));
    }
    if (epoch > options.epochs) break;  // the running epoch has no end yet
    epoch_scalars(dir, epoch, step, epoch == options.epochs, options);
    if (options.extras) {
      histogram(dir, "true_class_probability/correct", step, epoch, 0.85);
      histogram(dir, "true_class_probability/incorrect", step, epoch, 0.3);
    }
  }
  if (options.extras) {
    images(dir, step, options.epochs);
    extras(dir);
  }
  if (options.finished) write_text(dir / "summary.json", summary(options));
  return dir;
}

std::int64_t fake_run_chart_count(const FakeRunOptions& options) {
  // loss, accuracy, lr, step (step/loss, step/lr), grad_norm; the odd tag is its own group.
  return 5 + (options.odd_tag.empty() ? 0 : 1) + (options.extras ? 2 : 0);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count_occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

nlohmann::json json_script(const std::string& html, const std::string& id) {
  const std::string open = "<script type=\"application/json\" id=\"" + id + "\">";
  const std::size_t begin = html.find(open);
  if (begin == std::string::npos) return nullptr;
  const std::size_t end = html.find("</script>", begin);
  return nlohmann::json::parse(html.substr(begin + open.size(), end - begin - open.size()));
}

}  // namespace nnlab::testing
