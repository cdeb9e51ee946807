// Reading the settings of `nnlab optimize` from TOML and from flags; see optimize_config.h.
#include "nnlab/io/optimize_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnlab/analysis/named_functions.h"
#include "nnlab/core/check.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/io/config_text.h"
#include "nnlab/io/toml_order.h"

namespace nnlab::io {
namespace {

[[noreturn]] void fail(std::string message) { throw ConfigError(std::move(message)); }

constexpr double kRequired = std::numeric_limits<double>::quiet_NaN();

enum class Range { positive, non_negative, below_one, unit };  // > 0, >= 0, [0, 1), [0, 1]

struct KeySpec {
  std::string_view key;
  double default_value;  // kRequired: no default
  Range range;
};

struct OptimizerKind {
  std::string_view name;
  std::vector<KeySpec> keys;
};

// Defaults are torch.optim's, except that SGD's lr (torch has none) must be given and momentum
// and nesterov start at momentum 0.9 (torch's 0 would make them plain gradient descent).
const std::vector<OptimizerKind>& kinds() {
  static const std::vector<OptimizerKind> table = {
      {"gd", {{"lr", kRequired, Range::positive}, {"weight_decay", 0.0, Range::non_negative}}},
      {"momentum",
       {{"lr", kRequired, Range::positive},
        {"momentum", 0.9, Range::non_negative},
        {"dampening", 0.0, Range::unit},
        {"weight_decay", 0.0, Range::non_negative}}},
      {"nesterov",
       {{"lr", kRequired, Range::positive},
        {"momentum", 0.9, Range::positive},
        {"weight_decay", 0.0, Range::non_negative}}},
      {"adam",
       {{"lr", 1e-3, Range::positive},
        {"beta1", 0.9, Range::below_one},
        {"beta2", 0.999, Range::below_one},
        {"eps", 1e-8, Range::non_negative},
        {"weight_decay", 0.0, Range::non_negative}}},
      {"rmsprop",
       {{"lr", 1e-2, Range::positive},
        {"alpha", 0.99, Range::unit},
        {"eps", 1e-8, Range::non_negative},
        {"momentum", 0.0, Range::non_negative},
        {"weight_decay", 0.0, Range::non_negative}}},
      {"adagrad",
       {{"lr", 1e-2, Range::positive},
        {"lr_decay", 0.0, Range::non_negative},
        {"eps", 1e-10, Range::non_negative},
        {"initial_accumulator_value", 0.0, Range::non_negative},
        {"weight_decay", 0.0, Range::non_negative}}},
  };
  return table;
}

std::vector<std::string> kind_names() {
  std::vector<std::string> names;
  for (const OptimizerKind& kind : kinds()) names.emplace_back(kind.name);
  return names;
}

// `where` prefixes every message: "run.toml:7: [[optimizer]] #2" or "--optimizer 'adam:lr=x'".
const OptimizerKind& find_kind(std::string_view name, const std::string& where) {
  for (const OptimizerKind& kind : kinds()) {
    if (kind.name == name) return kind;
  }
  fail(fmt::format("{}: expected an optimiser name ({}), got '{}'{}", where, fmt::join(kind_names(), ", "), name,
                   schema::did_you_mean(name, kind_names())));
}

const KeySpec* find_key(const OptimizerKind& kind, std::string_view key) {
  for (const KeySpec& spec : kind.keys) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

std::string keys_text(const OptimizerKind& kind) {
  std::vector<std::string_view> names;
  for (const KeySpec& spec : kind.keys) names.push_back(spec.key);
  return fmt::format("{}", fmt::join(names, ", "));
}

void check_setting(const OptimizerKind& kind, const std::string& key, double value, const std::string& where) {
  const KeySpec* spec = find_key(kind, key);
  if (spec == nullptr) {
    std::vector<std::string> names;
    for (const KeySpec& s : kind.keys) names.emplace_back(s.key);
    fail(fmt::format("{}: {} takes {}, got '{}'{}", where, kind.name, keys_text(kind), key,
                     schema::did_you_mean(key, names)));
  }
  const bool ok = std::isfinite(value) && (spec->range == Range::positive       ? value > 0
                                           : spec->range == Range::non_negative ? value >= 0
                                           : spec->range == Range::below_one    ? value >= 0 && value < 1
                                                                                : value >= 0 && value <= 1);
  const char* expected = spec->range == Range::positive       ? "a number > 0"
                         : spec->range == Range::non_negative ? "a number >= 0"
                         : spec->range == Range::below_one    ? "a number in [0, 1)"
                                                              : "a number in [0, 1]";
  if (!ok) fail(fmt::format("{}: {} {}: expected {}, got {}", where, kind.name, key, expected, value));
}

// Checks that every required key is there (lr for gd, momentum and nesterov).
void check_required(const OptimizerSpec& spec, const std::string& where) {
  for (const KeySpec& key : find_kind(spec.name, where).keys) {
    if (!std::isnan(key.default_value)) continue;
    const bool given = std::any_of(spec.settings.begin(), spec.settings.end(),
                                   [&](const auto& setting) { return setting.first == key.key; });
    if (!given)
      fail(fmt::format("{}: {} needs {} (it has no default), e.g. {}:{}=0.001", where, spec.name, key.key, spec.name,
                       key.key));
  }
}

double read_number(std::string_view text, const std::string& where) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    fail(fmt::format("{}: expected a number, got '{}'", where, text));
  }
  return value;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    parts.push_back(trim(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start)));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

std::string default_label(const OptimizerSpec& spec) {
  std::string label = spec.name;
  for (const auto& [key, value] : spec.settings) label += fmt::format(" {}={}", key, value);
  return label;
}

// The [function] table and the [[optimizer]] tables of a file.
class OptimizeReader {
 public:
  explicit OptimizeReader(const std::string& source) : source_(source) {}

  OptimizeConfig read(const toml::table& root) const {
    OptimizeConfig config;
    for (const auto& [key, node] : root) {
      const std::string name(key.str());
      if (name == "function") {
        read_function(node, config);
      } else if (name == "optimizer") {
        read_optimizers(node, config);
      } else if (name == "out") {
        config.out = text_of(node, "out", "a folder name");
      } else {
        fail(fmt::format("{}:{}: unknown key '{}' (known: [function], [[optimizer]], out){}", source_,
                         key.source().begin.line, name, schema::did_you_mean(name, {"function", "optimizer", "out"})));
      }
    }
    return config;
  }

 private:
  std::string where(const toml::node& node, std::string_view label) const {
    return fmt::format("{}:{}: {}", source_, node.source().begin.line, label);
  }

  std::string text_of(const toml::node& node, std::string_view label, const char* expected) const {
    const auto* text = node.as_string();
    if (text == nullptr || text->get().empty()) fail(fmt::format("{}: expected {}", where(node, label), expected));
    return text->get();
  }

  // An integer or a float, as a double.
  std::optional<double> number_of(const toml::node& node) const {
    if (const auto* value = node.as_floating_point()) return value->get();
    if (const auto* value = node.as_integer()) return static_cast<double>(value->get());
    return std::nullopt;
  }

  // [a, b, ...] of `count` finite numbers.
  std::vector<double> numbers_of(const toml::node& node, std::size_t count, std::string_view label,
                                 const char* expected) const {
    const auto* array = node.as_array();
    std::vector<double> values;
    if (array != nullptr && array->size() == count) {
      for (const toml::node& element : *array) {
        const std::optional<double> value = number_of(element);
        if (value && std::isfinite(*value)) values.push_back(*value);
      }
    }
    if (values.size() != count) fail(fmt::format("{}: expected {}", where(node, label), expected));
    return values;
  }

  Point2D point_of(const toml::node& node, std::string_view label) const {
    const std::vector<double> v = numbers_of(node, 2, label, "[x, y], two numbers");
    return {v[0], v[1]};
  }

  void read_function(const toml::node& node, OptimizeConfig& config) const {
    const auto* table = node.as_table();
    if (table == nullptr) fail(where(node, "function: expected a table [function]"));
    bool named = false;
    for (const auto& [key, value] : *table) {
      const std::string name(key.str());
      if (name == "name" || name == "expression") {
        if (named) fail(where(value, "[function]: expected either name or expression, got both"));
        named = true;
        config.function = text_of(value, "[function] " + name, name == "name" ? "a function's name" : "an expression");
      } else if (name == "start") {
        config.start = point_of(value, "[function] start");
      } else if (name == "minimum") {
        config.minima = minima_of(value);
      } else if (name == "steps") {
        const auto* steps = value.as_integer();
        if (steps == nullptr || steps->get() < 1 || steps->get() > schema::kMaxSize)
          fail(where(value, fmt::format("[function] steps: expected an integer from 1 to {}", schema::kMaxSize)));
        config.steps = steps->get();
      } else if (name == "window") {
        const std::vector<double> w =
            numbers_of(value, 4, "[function] window", "[x_min, x_max, y_min, y_max], four numbers");
        if (!(w[0] < w[1] && w[2] < w[3])) {
          fail(where(value, "[function] window: expected x_min < x_max and y_min < y_max"));
        }
        config.window = std::array<double, 4>{w[0], w[1], w[2], w[3]};
      } else {
        const std::vector<std::string> known = {"name", "expression", "start", "minimum", "steps", "window"};
        fail(fmt::format("{}:{}: unknown key '{}' in [function] (known: {}){}", source_, key.source().begin.line, name,
                         fmt::join(known, ", "), schema::did_you_mean(name, known)));
      }
    }
  }

  // [x, y], or a list of them.
  std::vector<Point2D> minima_of(const toml::node& node) const {
    const auto* array = node.as_array();
    if (array != nullptr && !array->empty() && array->front().is_array()) {
      std::vector<Point2D> minima;
      for (const toml::node& point : *array) minima.push_back(point_of(point, "[function] minimum"));
      return minima;
    }
    return {point_of(node, "[function] minimum")};
  }

  void read_optimizers(const toml::node& node, OptimizeConfig& config) const {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      fail(where(node, "optimizer: expected [[optimizer]] tables"));
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
      const toml::table& table = *(*array)[i].as_table();
      const std::string label = fmt::format("[[optimizer]] #{}", i + 1);
      const toml::node* name = table.get("name");
      if (name == nullptr) fail(fmt::format("{}: missing key 'name'", where((*array)[i], label)));
      OptimizerSpec spec;
      spec.name = text_of(*name, label + " name", "an optimiser's name");
      const OptimizerKind& kind = find_kind(spec.name, where(*name, label));
      for (const auto& [key_of, value_of] : in_file_order(table)) {
        const toml::node& value = *value_of;
        const std::string key_name(key_of->str());
        if (key_name == "name") continue;
        if (key_name == "label") {
          spec.label = text_of(value, label + " label", "a non-empty string");
          continue;
        }
        const std::optional<double> number = number_of(value);
        if (!number) fail(fmt::format("{}: {} {}: expected a number", where(value, label), spec.name, key_name));
        check_setting(kind, key_name, *number, where(value, label));
        spec.settings.emplace_back(key_name, *number);
      }
      check_required(spec, where((*array)[i], label));
      config.optimizers.push_back(std::move(spec));
    }
  }

  const std::string& source_;
};

}  // namespace

double OptimizerSpec::get(std::string_view key) const {
  for (const auto& [name_of, value] : settings) {
    if (name_of == key) return value;
  }
  const std::string where = fmt::format("optimiser '{}'", label.empty() ? name : label);
  const KeySpec* spec = find_key(find_kind(name, where), key);
  NNLAB_CHECK(spec != nullptr, ConfigError, "{}: {} takes no key '{}'", where, name, key);
  NNLAB_CHECK(!std::isnan(spec->default_value), ConfigError, "{}: {} needs {} (it has no default)", where, name, key);
  return spec->default_value;
}

std::vector<std::pair<std::string, double>> OptimizerSpec::effective() const {
  std::vector<std::pair<std::string, double>> values;
  for (const KeySpec& spec : find_kind(name, fmt::format("optimiser '{}'", name)).keys) {
    values.emplace_back(spec.key, get(spec.key));
  }
  return values;
}

std::vector<std::string> optimizer_keys() {
  std::vector<std::string> lines;
  for (const OptimizerKind& kind : kinds()) lines.push_back(fmt::format("{}: {}", kind.name, keys_text(kind)));
  return lines;
}

OptimizerSpec parse_optimizer_spec(std::string_view text) {
  const std::string where = fmt::format("--optimizer '{}'", text);
  const std::size_t colon = text.find(':');
  OptimizerSpec spec;
  spec.name = std::string(trim(text.substr(0, colon)));
  const OptimizerKind& kind = find_kind(spec.name, where);
  if (colon != std::string_view::npos) {
    for (std::string_view item : split(text.substr(colon + 1), ',')) {
      const std::size_t equals = item.find('=');
      if (equals == std::string_view::npos) {
        fail(fmt::format("{}: expected KEY=VALUE after '{}:', got '{}' (e.g. {}:lr=0.001)", where, spec.name, item,
                         spec.name));
      }
      const std::string key(trim(item.substr(0, equals)));
      const std::string_view value = trim(item.substr(equals + 1));
      if (key == "label") {
        spec.label = std::string(value);
        continue;
      }
      const double number = read_number(value, fmt::format("{}: {}", where, key));
      check_setting(kind, key, number, where);
      for (const auto& setting : spec.settings) {
        if (setting.first == key) fail(fmt::format("{}: {} is given twice", where, key));
      }
      spec.settings.emplace_back(key, number);
    }
  }
  check_required(spec, where);
  return spec;
}

Point2D parse_point(std::string_view text, std::string_view what) {
  const std::vector<std::string_view> parts = split(text, ',');
  if (parts.size() != 2)
    fail(fmt::format("{} '{}': expected X,Y (two numbers), got {} value(s)", what, text, parts.size()));
  const double x = read_number(parts[0], fmt::format("{} '{}'", what, text));
  const double y = read_number(parts[1], fmt::format("{} '{}'", what, text));
  if (!std::isfinite(x) || !std::isfinite(y)) fail(fmt::format("{} '{}': expected finite numbers", what, text));
  return {x, y};
}

std::vector<Point2D> parse_points(std::string_view text, std::string_view what) {
  std::vector<Point2D> points;
  for (std::string_view part : split(text, ';')) points.push_back(parse_point(part, what));
  return points;
}

std::array<double, 4> parse_window(std::string_view text, std::string_view what) {
  const std::vector<std::string_view> parts = split(text, ',');
  if (parts.size() != 4) {
    fail(fmt::format("{} '{}': expected X_MIN,X_MAX,Y_MIN,Y_MAX (four numbers), got {} value(s)", what, text,
                     parts.size()));
  }
  std::array<double, 4> window{};
  for (std::size_t i = 0; i < 4; ++i) window[i] = read_number(parts[i], fmt::format("{} '{}'", what, text));
  if (!(window[0] < window[1] && window[2] < window[3])) {
    fail(fmt::format("{} '{}': expected x_min < x_max and y_min < y_max", what, text));
  }
  return window;
}

void finish_labels(std::vector<OptimizerSpec>& optimizers) {
  std::vector<std::string> labels;
  for (const OptimizerSpec& spec : optimizers) labels.push_back(spec.label.empty() ? default_label(spec) : spec.label);
  for (std::size_t i = 0; i < optimizers.size(); ++i) {
    const auto seen = std::count(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(i) + 1, labels[i]);
    optimizers[i].label = seen > 1 ? fmt::format("{} ({})", labels[i], seen) : labels[i];
  }
}

OptimizeConfig load_optimize_config(const std::filesystem::path& path) {
  return parse_optimize_config(read_config_file(path), path.string());
}

OptimizeConfig parse_optimize_config(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& error) {
    fail(fmt::format("{}:{}:{}: {}", source, error.source().begin.line, error.source().begin.column,
                     error.description()));
  }
  return OptimizeReader(source).read(root);
}

std::string to_toml(const OptimizeConfig& config) {
  using schema::format_float;
  std::string text = fmt::format("out = {}\n\n[function]\n", schema::quote(config.out));
  const bool named = analysis::find_named_function(config.function) != nullptr;
  text += fmt::format("{} = {}\n", named ? "name" : "expression", schema::quote(config.function));
  if (config.start)
    text += fmt::format("start = [{}, {}]\n", format_float(config.start->x), format_float(config.start->y));
  if (!config.minima.empty()) {
    std::vector<std::string> points;
    for (const Point2D& m : config.minima)
      points.push_back(fmt::format("[{}, {}]", format_float(m.x), format_float(m.y)));
    text += fmt::format("minimum = [{}]\n", fmt::join(points, ", "));
  }
  text += fmt::format("steps = {}\n", config.steps);
  if (config.window) {
    const auto& w = *config.window;
    text += fmt::format("window = [{}, {}, {}, {}]\n", format_float(w[0]), format_float(w[1]), format_float(w[2]),
                        format_float(w[3]));
  }
  for (const OptimizerSpec& spec : config.optimizers) {
    text += fmt::format("\n[[optimizer]]\nname = {}\n", schema::quote(spec.name));
    for (const auto& [key, value] : spec.settings) text += fmt::format("{} = {}\n", key, format_float(value));
    if (!spec.label.empty()) text += fmt::format("label = {}\n", schema::quote(spec.label));
  }
  return text;
}

}  // namespace nnlab::io
