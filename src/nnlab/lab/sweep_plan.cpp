#include "nnlab/lab/sweep_plan.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <variant>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/core/rng.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/lab/experiment_data.h"

namespace nnlab::lab {
namespace {

using io::KeyValueText;

// A configuration before seeds: its name parts and settings.
struct Partial {
  std::vector<std::string> parts;
  std::vector<KeyValueText> settings;
};

// The last component of a key ("optim.lr" -> "lr"), or the whole key when the sweep varies
// two keys of that name.
std::string short_name(const std::string& key, const std::vector<std::string>& all_keys) {
  const auto last = [](const std::string& k) { return k.substr(k.rfind('.') + 1); };
  int same = 0;
  for (const std::string& other : all_keys) same += last(other) == last(key) ? 1 : 0;
  return same > 1 ? key : last(key);
}

// How a value reads in a folder name: strings without quotes, no '/', no spaces.
std::string readable(const std::string& text) {
  std::string out;
  const bool quoted = text.size() >= 2 && (text.front() == '"' || text.front() == '\'');
  for (char c : quoted ? text.substr(1, text.size() - 2) : text) {
    if (c == ' ') continue;
    out += c == '/' ? '_' : c;
  }
  return out;
}

bool is_integer_key(const std::string& key) {
  const std::size_t dot = key.rfind('.');
  const io::schema::KeySpec* spec =
      io::schema::find_key(dot == std::string::npos ? "" : key.substr(0, dot), key.substr(dot + 1));
  io::ExperimentConfig probe;
  return spec != nullptr && std::holds_alternative<std::int64_t*>(spec->slot(probe));
}

std::string drawn_text(const io::RandomKey& key, Rng& rng) {
  if (key.kind == io::RandomKey::Kind::choice) return key.choices[rng.below(key.choices.size())];
  const double u = rng.uniform();
  const double value = key.kind == io::RandomKey::Kind::uniform
                           ? key.low + u * (key.high - key.low)
                           : std::exp(std::log(key.low) + u * (std::log(key.high) - std::log(key.low)));
  if (is_integer_key(key.key)) return fmt::format("{}", static_cast<std::int64_t>(std::llround(value)));
  return io::schema::format_float(value);
}

std::vector<std::string> swept_keys(const io::SweepConfig& sweep) {
  std::vector<std::string> keys;
  for (const auto& axis : sweep.grid) keys.push_back(axis.key);
  if (sweep.random) {
    for (const auto& key : sweep.random->keys) keys.push_back(key.key);
  }
  return keys;
}

// Each partial times each value of one axis (or random draw), the new key last.
std::vector<Partial> times(const std::vector<Partial>& partials, const std::vector<std::vector<KeyValueText>>& choices,
                           const std::vector<std::string>& keys) {
  std::vector<Partial> out;
  for (const Partial& p : partials) {
    for (const std::vector<KeyValueText>& choice : choices) {
      Partial next = p;
      for (const auto& [key, value] : choice) {
        next.parts.push_back(fmt::format("{}={}", short_name(key, keys), readable(value)));
        next.settings.emplace_back(key, value);
      }
      out.push_back(std::move(next));
    }
  }
  return out;
}

std::vector<Partial> configurations(const io::SweepConfig& sweep) {
  const std::vector<std::string> keys = swept_keys(sweep);
  std::vector<Partial> partials;
  for (const io::SweepVariant& variant : sweep.variants) partials.push_back({{variant.name}, variant.settings});
  if (partials.empty()) partials.push_back({});
  for (const io::SweepAxis& axis : sweep.grid) {
    std::vector<std::vector<KeyValueText>> choices;
    for (const std::string& value : axis.values) choices.push_back({{axis.key, value}});
    partials = times(partials, choices, keys);
  }
  if (sweep.random) {
    Rng rng(sweep.random->seed);
    std::vector<std::vector<KeyValueText>> draws;
    for (std::int64_t t = 0; t < sweep.random->trials; ++t) {
      std::vector<KeyValueText> draw;
      for (const io::RandomKey& key : sweep.random->keys) draw.emplace_back(key.key, drawn_text(key, rng));
      draws.push_back(std::move(draw));
    }
    partials = times(partials, draws, keys);
  }
  return partials;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : ",") + part;
  return out;
}

}  // namespace

std::vector<Trial> plan_sweep(const io::SweepFile& file, const std::vector<std::string>& overrides) {
  const std::vector<std::uint64_t> seeds =
      file.sweep.seeds.empty() ? std::vector<std::uint64_t>{file.base.seed} : file.sweep.seeds;
  std::vector<Trial> trials;
  std::map<std::string, int> uses;
  for (const Partial& p : configurations(file.sweep)) {
    std::string configuration = p.parts.empty() ? "base" : join(p.parts);
    if (const int seen = uses[configuration]++; seen > 0) configuration += fmt::format("#{}", seen + 1);
    for (std::uint64_t seed : seeds) {
      Trial trial{.name = fmt::format("{},seed={}", configuration, seed),
                  .configuration = configuration,
                  .settings = p.settings,
                  .seed = seed,
                  .overrides = overrides};
      for (const auto& [key, value] : p.settings) trial.overrides.push_back(fmt::format("{}={}", key, value));
      trial.overrides.push_back(fmt::format("seed={}", seed));
      try {
        io::parse_config(file.base_text, file.source, trial.overrides);
      } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("[sweep] trial '{}': {}", trial.name, e.what()));
      }
      trials.push_back(std::move(trial));
    }
  }
  return trials;
}

void check_sweep_data(const io::SweepFile& file, const std::vector<Trial>& trials) {
  check_experiment_data(file.base.data);
  for (const Trial& trial : trials) {
    const bool changes_data = std::any_of(trial.settings.begin(), trial.settings.end(),
                                          [](const io::KeyValueText& s) { return s.first.starts_with("data."); });
    if (changes_data) check_experiment_data(io::parse_config(file.base_text, file.source, trial.overrides).data);
  }
}

std::string describe_plan(const std::vector<Trial>& trials) {
  std::string out = fmt::format("{} trials:\n", trials.size());
  for (std::size_t i = 0; i < trials.size(); ++i) out += fmt::format("{:>4}  {}\n", i + 1, trials[i].name);
  return out;
}

}  // namespace nnlab::lab
