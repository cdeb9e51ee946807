// Reading the [baseline] table; see baseline_config.h. Its keys are described by the config
// schema's Rule and checked with its wording, so errors read as those of the rest of the file.
#include "nnlab/io/baseline_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnlab/core/check.h"
#include "nnlab/io/config_overrides.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/io/config_text.h"

namespace nnlab::io {
namespace {

using schema::Rule;
using schema::Slot;

[[noreturn]] void fail(std::string message) { throw ConfigError(std::move(message)); }

template <auto Member>
Slot at(BaselineConfig& config) {
  return &(config.*Member);
}

struct BaselineKey {
  std::string_view key;
  Slot (*slot)(BaselineConfig&);
  Rule rule;
  std::string_view doc;
};

constexpr std::string_view kMethods[] = {"boosted_trees", "logistic_features"};

const BaselineKey kKeys[] = {
    {"method", at<&BaselineConfig::method>, schema::one_of(kMethods),
     "boosted_trees: XGBoost on the raw inputs; logistic_features: softmax regression on the model's features"},
    {"rounds", at<&BaselineConfig::rounds>, schema::size_at_least(1), "boosted_trees: boosting rounds"},
    {"max_depth", at<&BaselineConfig::max_depth>, schema::size_at_least(1), "boosted_trees: depth of each tree"},
    {"eta", at<&BaselineConfig::eta>, {.min = 0, .min_open = true, .max = 1}, "boosted_trees: learning rate"},
    {"subsample",
     at<&BaselineConfig::subsample>,
     {.min = 0, .min_open = true, .max = 1},
     "boosted_trees: fraction of the training rows each tree sees"},
    {"threads", at<&BaselineConfig::threads>, schema::size_at_least(0, schema::kMaxThreads),
     "boosted_trees: XGBoost's threads (0: train.threads, else every core)"},
    {"epochs", at<&BaselineConfig::epochs>, schema::size_at_least(1),
     "logistic_features: passes over the training rows"},
    {"lr", at<&BaselineConfig::lr>, schema::above(0), "logistic_features: Adam's learning rate"},
    {"batch_size", at<&BaselineConfig::batch_size>, schema::size_at_least(1), "logistic_features: rows per Adam step"},
    {"weight_decay", at<&BaselineConfig::weight_decay>, schema::at_least(0), "logistic_features: Adam's L2 penalty"},
};

std::vector<std::string> key_names() {
  std::vector<std::string> names;
  for (const BaselineKey& spec : kKeys) names.emplace_back(spec.key);
  return names;
}

// The value as it would be written: 3, 2.5, "sdg", true; or its kind when it has no short text.
std::string value_text(const toml::node& node) {
  if (const auto* text = node.as_string()) return schema::quote(text->get());
  if (const auto* integer = node.as_integer()) return fmt::format("{}", integer->get());
  if (const auto* number = node.as_floating_point()) return schema::format_float(number->get());
  if (const auto* flag = node.as_boolean()) return flag->get() ? "true" : "false";
  if (node.is_array()) return "an array";
  if (node.is_table()) return "a table";
  return "a date or time";
}

// "an integer 3", "a float 2.5", "a string \"x\"", "a table": what was found instead of a kind.
std::string found(const toml::node& node) {
  if (node.is_string()) return "a string " + value_text(node);
  if (node.is_integer()) return "an integer " + value_text(node);
  if (node.is_floating_point()) return "a float " + value_text(node);
  if (node.is_boolean()) return "a boolean " + value_text(node);
  return value_text(node);
}

class BaselineReader {
 public:
  BaselineReader(const std::string& source, const OverrideOrigins& origins) : source_(source), origins_(origins) {}

  BaselineConfig read(const toml::table& table) const {
    BaselineConfig config;
    for (const auto& [key, node] : table) {
      const std::string_view name = key.str();  // clang 14 cannot capture a structured binding
      const auto spec =
          std::find_if(std::begin(kKeys), std::end(kKeys), [&](const BaselineKey& k) { return k.key == name; });
      if (spec == std::end(kKeys)) {
        fail(fmt::format("{}: unknown key '{}' in [baseline] (known: {}){}", where(key, node), key.str(),
                         fmt::join(key_names(), ", "), schema::did_you_mean(key.str(), key_names())));
      }
      read_value(node, spec->slot(config), spec->rule, fmt::format("[baseline] {}", key.str()));
    }
    return config;
  }

 private:
  std::string where(const toml::node& node) const {
    if (const auto it = origins_.find(&node); it != origins_.end()) return it->second.label;
    const auto line = node.source().begin.line;
    return line > 0 ? fmt::format("{}:{}", source_, line) : source_;
  }
  std::string where(const toml::key& key, const toml::node& node) const {
    if (origins_.contains(&node) || key.source().begin.line == 0) return where(node);
    return fmt::format("{}:{}", source_, key.source().begin.line);
  }

  // A value of the wrong kind ("expected an integer >= 1, got a float 2.5") or out of range
  // ("expected an integer >= 1, got 0"), as the rest of the config words them.
  [[noreturn]] void wrong_type(const toml::node& node, const std::string& label, const std::string& what) const {
    fail(fmt::format("{}: {}: expected {}, got {}", where(node), label, what, found(node)));
  }
  [[noreturn]] void out_of_range(const toml::node& node, const std::string& label, const std::string& what,
                                 std::string_view hint = {}) const {
    fail(fmt::format("{}: {}: expected {}, got {}{}", where(node), label, what, value_text(node), hint));
  }

  void read_value(const toml::node& node, const Slot& slot, const Rule& rule, const std::string& label) const {
    const std::string expectation = schema::expectation(slot, rule);
    if (auto* const* integer = std::get_if<std::int64_t*>(&slot)) {
      const auto* value = node.as_integer();
      if (value == nullptr) wrong_type(node, label, expectation);
      if (const auto refusal = schema::integer_refusal(slot, rule, value->get())) out_of_range(node, label, *refusal);
      **integer = value->get();
    } else if (auto* const* number = std::get_if<double*>(&slot)) {
      if (!node.is_integer() && !node.is_floating_point()) wrong_type(node, label, expectation);
      const double value = node.value<double>().value_or(0.0);
      if (!schema::in_bounds(value, rule)) out_of_range(node, label, expectation);
      **number = value;
    } else if (auto* const* text = std::get_if<std::string*>(&slot)) {
      const auto* value = node.as_string();
      if (value == nullptr) wrong_type(node, label, expectation);
      const std::vector<std::string> choices(rule.choices.begin(), rule.choices.end());
      if (std::find(choices.begin(), choices.end(), value->get()) == choices.end())
        out_of_range(node, label, expectation, schema::did_you_mean(value->get(), choices));
      **text = value->get();
    } else {
      throw InternalError("baseline config: a key of a kind [baseline] does not hold");
    }
  }

  const std::string& source_;
  const OverrideOrigins& origins_;
};

bool is_baseline_override(const std::string& text) {
  const std::string_view key = std::string_view(text).substr(0, text.find('='));
  const std::size_t first = key.find_first_not_of(" \t");
  return first != std::string_view::npos && key.substr(first).starts_with("baseline.");
}

}  // namespace

BaselineFile load_baseline_file(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  return parse_baseline_text(read_config_file(path), path.string(), overrides);
}

BaselineFile parse_baseline_text(const std::string& text, const std::string& source,
                                 const std::vector<std::string>& overrides) {
  BaselineFile file{.baseline = {}, .config = {}, .source = source};
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& error) {
    fail(fmt::format("{}:{}:{}: {}", source, error.source().begin.line, error.source().begin.column,
                     error.description()));
  }
  std::vector<std::string> config_overrides;
  OverrideOrigins origins;
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    if (is_baseline_override(overrides[i])) {
      apply_override(root, overrides[i], i, origins);
    } else {
      config_overrides.push_back(overrides[i]);
    }
  }
  if (const toml::node* table = root.get("baseline")) {
    if (!table->is_table()) {
      fail(fmt::format("{}:{}: [baseline]: expected a table, got {}", source, table->source().begin.line,
                       found(*table)));
    }
    file.baseline = BaselineReader(source, origins).read(*table->as_table());
  }
  file.config = parse_config(without_table(text, "baseline"), source, config_overrides);
  return file;
}

std::string to_toml(const BaselineConfig& baseline) {
  BaselineConfig copy = baseline;  // the slots point into a mutable config
  std::string text = "[baseline]\n";
  for (const BaselineKey& spec : kKeys) {
    text += fmt::format("{} = {}\n", spec.key, schema::format_value(spec.slot(copy), spec.rule));
  }
  return text;
}

std::string describe_baseline_keys() {
  BaselineConfig defaults;
  std::vector<std::vector<std::string>> lines;
  std::vector<std::size_t> widths(3, 0);
  for (const BaselineKey& spec : kKeys) {
    const Slot slot = spec.slot(defaults);
    lines.push_back({fmt::format("baseline.{}", spec.key), schema::kind_text(slot, spec.rule),
                     fmt::format("(default {})", schema::format_value(slot, spec.rule)), std::string(spec.doc)});
    for (std::size_t column = 0; column < widths.size(); ++column)
      widths[column] = std::max(widths[column], lines.back()[column].size());
  }
  std::string text;
  for (const auto& line : lines) {
    text += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", line[0], widths[0], line[1], widths[1], line[2], widths[2],
                        line[3]);
  }
  return text;
}

}  // namespace nnlab::io
