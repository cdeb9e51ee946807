// Reading the [sweep] table; see sweep_config.h.
#include "nnlab/io/sweep_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "nnlab/core/check.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/io/config_text.h"
#include "nnlab/io/toml_order.h"

namespace nnlab::io {
namespace {

[[noreturn]] void fail(std::string message) { throw ConfigError(std::move(message)); }

class SweepReader {
 public:
  explicit SweepReader(const std::string& source) : source_(source) {}

  SweepConfig read(const toml::table& sweep) const {
    SweepConfig config;
    for (const auto& [key, node] : sweep) {
      const std::string name(key.str());
      if (name == "grid") {
        config.grid = read_grid(node);
      } else if (name == "variants") {
        config.variants = read_variants(node);
      } else if (name == "random") {
        config.random = read_random(node);
      } else if (name == "prune") {
        config.prune = read_prune(node);
      } else if (name == "seeds") {
        config.seeds = read_seeds(node);
      } else if (name == "rank_by") {
        config.rank_by = text_of(node, "[sweep] rank_by", "a metric tag such as \"val/accuracy\"");
      } else if (name == "compare") {
        for (const toml::node& tag : non_empty_array(node, "[sweep] compare")) {
          config.compare.push_back(text_of(tag, "[sweep] compare", "a metric tag such as \"weight_norm/total\""));
        }
      } else if (name == "top") {
        const auto* top = node.as_integer();
        if (top == nullptr || top->get() < 0) fail(where(node, "[sweep] top: expected an integer >= 0"));
        config.top = top->get();
      } else {
        fail(fmt::format(
            "{}:{}: unknown key '{}' in [sweep] (known: grid, variants, random, prune, seeds, rank_by, top, compare){}",
            source_, key.source().begin.line, name,
            schema::did_you_mean(name, {"grid", "variants", "random", "prune", "seeds", "rank_by", "top", "compare"})));
      }
    }
    return config;
  }

 private:
  std::string where(const toml::node& node, const std::string& message) const {
    return fmt::format("{}:{}: {}", source_, node.source().begin.line, message);
  }

  // "section.key" must name a config key or a probe's switch ("probes.grad_norms").
  void check_key(const std::string& path, const toml::node& node, const std::string& label) const {
    const std::size_t dot = path.rfind('.');
    const std::string section = dot == std::string::npos ? "" : path.substr(0, dot);
    const std::string key = dot == std::string::npos ? path : path.substr(dot + 1);
    if (schema::find_key(section, key) != nullptr) return;
    for (std::string_view known : schema::sections()) {
      if (known == path && path.starts_with("probes.")) return;
    }
    std::vector<std::string> names;
    for (const schema::KeySpec& spec : schema::keys()) {
      names.push_back(spec.section.empty() ? std::string(spec.key) : fmt::format("{}.{}", spec.section, spec.key));
    }
    fail(where(node, fmt::format("{}: '{}' is not a config key (keys are written \"section.key\", e.g. \"optim.lr\"){}",
                                 label, path, schema::did_you_mean(path, names))));
  }

  // The value as an override's text: floats in their shortest exact form (0.1, not toml++'s
  // 0.10000000000000001), strings quoted, lists and tables element by element.
  static std::string value_text(const toml::node& node) {
    if (const auto* number = node.as_floating_point()) return schema::format_float(number->get());
    if (const auto* integer = node.as_integer()) return fmt::format("{}", integer->get());
    if (const auto* text = node.as_string()) return schema::quote(text->get());
    if (const auto* flag = node.as_boolean()) return flag->get() ? "true" : "false";
    std::vector<std::string> parts;
    if (const auto* array = node.as_array()) {
      for (const toml::node& element : *array) parts.push_back(value_text(element));
      return fmt::format("[{}]", fmt::join(parts, ", "));
    }
    if (const auto* table = node.as_table()) {
      for (const auto& [key, value] : *table) {
        parts.push_back(fmt::format("{} = {}", schema::format_key(key.str()), value_text(value)));
      }
      return fmt::format("{{ {} }}", fmt::join(parts, ", "));
    }
    std::ostringstream out;  // dates and times, as toml++ writes them
    node.visit([&](const auto& value) { out << value; });
    return out.str();
  }

  std::string text_of(const toml::node& node, const std::string& label, const char* expected) const {
    const auto* text = node.as_string();
    if (text == nullptr || text->get().empty()) fail(where(node, fmt::format("{}: expected {}", label, expected)));
    return text->get();
  }

  const toml::array& non_empty_array(const toml::node& node, const std::string& label) const {
    const auto* array = node.as_array();
    if (array == nullptr) fail(where(node, fmt::format("{}: expected a list of values", label)));
    if (array->empty()) fail(where(node, fmt::format("{}: expected at least one value, got an empty list", label)));
    return *array;
  }

  std::vector<SweepAxis> read_grid(const toml::node& node) const {
    const auto* table = node.as_table();
    if (table == nullptr) fail(where(node, "[sweep] grid: expected a table of \"section.key\" = [values]"));
    std::vector<SweepAxis> grid;
    for (const auto& [key_at, values_at] : in_file_order(*table)) {
      const toml::key& key = *key_at;
      const toml::node& values = *values_at;
      const std::string label = fmt::format("[sweep] grid \"{}\"", key.str());
      check_key(std::string(key.str()), values, "[sweep] grid");
      SweepAxis axis{.key = std::string(key.str()), .values = {}};
      for (const toml::node& value : non_empty_array(values, label)) axis.values.push_back(value_text(value));
      grid.push_back(std::move(axis));
    }
    return grid;
  }

  std::vector<SweepVariant> read_variants(const toml::node& node) const {
    std::vector<SweepVariant> variants;
    const toml::array& array = non_empty_array(node, "[sweep] variants");
    for (std::size_t i = 0; i < array.size(); ++i) {
      const auto* table = array[i].as_table();
      const std::string label = fmt::format("[sweep] variants #{}", i + 1);
      if (table == nullptr)
        fail(where(array[i], label + ": expected a table { name = \"...\", \"section.key\" = value }"));
      SweepVariant variant;
      for (const auto& [key_at, value_at] : in_file_order(*table)) {
        const toml::key& key = *key_at;
        const toml::node& value = *value_at;
        if (key.str() == "name") {
          variant.name = text_of(value, label + " name", "a non-empty string");
          continue;
        }
        check_key(std::string(key.str()), value, label);
        variant.settings.emplace_back(std::string(key.str()), value_text(value));
      }
      if (variant.name.empty()) fail(where(array[i], label + ": missing key 'name'"));
      for (const SweepVariant& other : variants) {
        if (other.name == variant.name)
          fail(where(array[i], fmt::format("{}: name '{}' is used twice", label, variant.name)));
      }
      variants.push_back(std::move(variant));
    }
    return variants;
  }

  std::vector<std::uint64_t> read_seeds(const toml::node& node) const {
    std::vector<std::uint64_t> seeds;
    if (const auto* count = node.as_integer()) {
      if (count->get() < 1 || count->get() > 10000)
        fail(where(node, "[sweep] seeds: expected a count from 1 to 10000"));
      for (std::int64_t s = 0; s < count->get(); ++s) seeds.push_back(static_cast<std::uint64_t>(s));
      return seeds;
    }
    for (const toml::node& seed : non_empty_array(node, "[sweep] seeds")) {
      const auto* value = seed.as_integer();
      if (value == nullptr || value->get() < 0) fail(where(seed, "[sweep] seeds: expected integers >= 0"));
      seeds.push_back(static_cast<std::uint64_t>(value->get()));
    }
    return seeds;
  }

  PruneConfig read_prune(const toml::node& node) const {
    const auto* table = node.as_table();
    if (table == nullptr) fail(where(node, "[sweep.prune]: expected a table with rungs = [epochs...]"));
    PruneConfig prune;
    for (const auto& [key, value] : *table) {
      if (key.str() == "rungs") {
        for (const toml::node& rung : non_empty_array(value, "[sweep.prune] rungs")) {
          const auto* epoch = rung.as_integer();
          if (epoch == nullptr || epoch->get() < 1 || (!prune.rungs.empty() && epoch->get() <= prune.rungs.back())) {
            fail(where(rung, "[sweep.prune] rungs: expected increasing epochs >= 1"));
          }
          prune.rungs.push_back(epoch->get());
        }
      } else if (key.str() == "reduction_factor") {
        const auto* factor = value.as_integer();
        if (factor == nullptr || factor->get() < 2) {
          fail(where(value, "[sweep.prune] reduction_factor: expected an integer >= 2"));
        }
        prune.reduction_factor = factor->get();
      } else {
        fail(fmt::format("{}:{}: unknown key '{}' in [sweep.prune] (known: rungs, reduction_factor){}", source_,
                         key.source().begin.line, key.str(),
                         schema::did_you_mean(std::string(key.str()), {"rungs", "reduction_factor"})));
      }
    }
    if (prune.rungs.empty()) fail(where(node, "[sweep.prune]: missing key 'rungs' (the epochs to compare trials at)"));
    return prune;
  }

  RandomKey read_random_key(const std::string& path, const toml::node& node) const {
    const std::string label = fmt::format("[sweep.random] \"{}\"", path);
    check_key(path, node, "[sweep.random]");
    const auto* table = node.as_table();
    if (table == nullptr || table->size() != 1) {
      fail(where(node, label + ": expected one of { uniform = [low, high] }, { log_uniform = [low, high] }, "
                               "{ choice = [values] }"));
    }
    const auto entry = table->begin();  // kept: its pair refers into the iterator
    const toml::key& kind = entry->first;
    const toml::node& value = entry->second;
    RandomKey key;
    key.key = path;
    if (kind.str() == "choice") {
      key.kind = RandomKey::Kind::choice;
      for (const toml::node& choice : non_empty_array(value, label + " choice"))
        key.choices.push_back(value_text(choice));
      return key;
    }
    if (kind.str() != "uniform" && kind.str() != "log_uniform") {
      fail(where(
          node, fmt::format("{}: unknown distribution '{}' (known: uniform, log_uniform, choice)", label, kind.str())));
    }
    key.kind = kind.str() == "uniform" ? RandomKey::Kind::uniform : RandomKey::Kind::log_uniform;
    const toml::array& range = non_empty_array(value, label);
    const auto number = [&](std::size_t i) {
      const auto x = i < range.size() ? range[i].value<double>() : std::nullopt;
      if (range.size() != 2 || !x || !std::isfinite(*x))
        fail(where(node, label + ": expected [low, high], two numbers"));
      return *x;
    };
    key.low = number(0);
    key.high = number(1);
    if (!(key.low < key.high))
      fail(where(node, fmt::format("{}: expected low < high, got [{}, {}]", label, key.low, key.high)));
    if (key.kind == RandomKey::Kind::log_uniform && key.low <= 0) {
      fail(where(node, fmt::format("{}: log_uniform needs low > 0, got {}", label, key.low)));
    }
    return key;
  }

  RandomSearch read_random(const toml::node& node) const {
    const auto* table = node.as_table();
    if (table == nullptr) fail(where(node, "[sweep.random]: expected a table"));
    RandomSearch search;
    for (const auto& [key_at, value_at] : in_file_order(*table)) {
      const toml::key& key = *key_at;
      const toml::node& value = *value_at;
      if (key.str() == "trials") {
        const auto trials = value.value<std::int64_t>();
        if (!value.is_integer() || !trials || *trials < 1 || *trials > kMaxSweepTrials)
          fail(where(value, fmt::format("[sweep.random] trials: expected an integer from 1 to {}, got {}",
                                        kMaxSweepTrials, value_text(value))));
        search.trials = *trials;
      } else if (key.str() == "seed") {
        const auto seed = value.value<std::int64_t>();
        if (!value.is_integer() || !seed || *seed < 0)
          fail(where(value, "[sweep.random] seed: expected an integer >= 0"));
        search.seed = static_cast<std::uint64_t>(*seed);
      } else {
        search.keys.push_back(read_random_key(std::string(key.str()), value));
      }
    }
    if (search.trials < 1) fail(where(node, "[sweep.random]: missing key 'trials' (how many random configurations)"));
    if (search.keys.empty()) fail(where(node, "[sweep.random]: expected at least one \"section.key\" to draw"));
    return search;
  }

  const std::string& source_;
};

// Variants x grid points x random draws x seeds, refused above kMaxSweepTrials before any is planned
// (a grid of six 20-value lists is 64 million trials).
void check_trial_count(const SweepFile& file) {
  const SweepConfig& s = file.sweep;
  std::vector<std::pair<std::string, std::int64_t>> factors;
  if (!s.variants.empty()) factors.emplace_back("variants", static_cast<std::int64_t>(s.variants.size()));
  for (const SweepAxis& axis : s.grid) factors.emplace_back(axis.key, static_cast<std::int64_t>(axis.values.size()));
  if (s.random) factors.emplace_back("random trials", s.random->trials);
  if (!s.seeds.empty()) factors.emplace_back("seeds", static_cast<std::int64_t>(s.seeds.size()));
  std::int64_t trials = 1;
  std::string product;
  for (const auto& [what, count] : factors) {
    trials = std::min(trials * count, kMaxSweepTrials + 1);  // a factor is below 2^32 (8 MiB configs): no overflow
    product += fmt::format("{}{} {}", product.empty() ? "" : " x ", count, what);
  }
  NNLAB_CHECK(trials <= kMaxSweepTrials, ConfigError, "{}: [sweep] plans {} = more than {} trials, expected at most {}",
              file.source, product, kMaxSweepTrials, kMaxSweepTrials);
}

}  // namespace

SweepFile load_sweep_file(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  return parse_sweep_text(read_config_file(path), path.string(), overrides);
}

SweepFile parse_sweep_text(const std::string& text, const std::string& source,
                           const std::vector<std::string>& overrides) {
  SweepFile file{.sweep = {}, .base_text = {}, .source = source, .base = {}};
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& error) {
    fail(fmt::format("{}:{}:{}: {}", file.source, error.source().begin.line, error.source().begin.column,
                     error.description()));
  }
  const auto* sweep = root.get_as<toml::table>("sweep");
  NNLAB_CHECK(sweep != nullptr, ConfigError,
              "{}: no [sweep] table: a sweep config says what to vary, e.g. [sweep] grid = {{ \"optim.lr\" = [0.1, "
              "0.01] }} (run a single config with nnlab train)",
              file.source);
  file.sweep = SweepReader(file.source).read(*sweep);
  NNLAB_CHECK(
      !file.sweep.grid.empty() || !file.sweep.variants.empty() || file.sweep.random || file.sweep.seeds.size() > 1,
      ConfigError, "{}: [sweep] varies nothing: give a grid, variants, random trials or several seeds", file.source);
  check_trial_count(file);
  file.base_text = without_table(text, "sweep");
  file.base = parse_config(file.base_text, file.source, overrides);
  NNLAB_CHECK(!file.sweep.prune || file.sweep.prune->rungs.back() < file.base.train.epochs, ConfigError,
              "{}: [sweep.prune] rungs: the last rung, epoch {}, must come before the last epoch ({}): a rung there "
              "prunes nothing",
              file.source, file.sweep.prune ? file.sweep.prune->rungs.back() : 0, file.base.train.epochs);
  return file;
}

}  // namespace nnlab::io
