#pragma once
// The experiment config's schema: one descriptor per key (where it lives, which field it fills,
// what values it allows, a one-line doc). config.cpp reads, checks and writes through these
// tables only, so a key added here is parsed, validated, written by to_toml and listed by
// describe_config_keys with no other edit. Internal to io/.
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "nnlab/io/config.h"

namespace nnlab::io::schema {

using PrefixRates = std::vector<std::pair<std::string, double>>;

// The field one key fills. The pointer's type is the key's kind (a double* is a number, a
// std::vector<LayerConfig>* is [[model.layers]], ...).
using Slot = std::variant<bool*, std::int64_t*, std::uint64_t*, double*, std::string*, std::vector<std::int64_t>*,
                          std::vector<std::string>*, PrefixRates*, std::vector<LayerConfig>*>;

constexpr double kInf = std::numeric_limits<double>::infinity();

// The values a key allows beyond its kind. Bounds apply to numbers, integers and the elements
// of integer lists; the string rules to strings and the elements of string lists.
struct Rule {
  double min = -kInf;
  bool min_open = false;  // true: min itself is excluded
  double max = kInf;
  bool max_open = false;
  std::span<const std::string_view> choices = {};  // strings: one of these (empty: any)
  bool name_chars = false;                         // strings: [A-Za-z0-9._-]+
  bool non_empty = false;                          // strings
  bool count = false;                              // numbers: a whole count >= 1 is allowed beside the bounds
  bool increasing = false;                         // integer lists: strictly increasing
  // Integers and integer lists: the largest size nnlab takes (0: none). Apart from min and max,
  // which say what a value means, because it says what sizes can be computed with: help text
  // leaves it out, and an error adds it to the expectation ("an integer >= 1 and <= 2147483647").
  std::int64_t size_cap = 0;
  std::size_t max_length = 0;  // strings: at most this many bytes (0: any)
};

// The size cap of sizes and counts (widths, kernels, paddings, batch sizes, epochs, ...): 2^31 - 1.
// Far past what one machine trains, it keeps sums and products of a few sizes (a padded image, a
// layer's parameter count) inside int64, so a huge value is refused here, naming its key, rather
// than overflowing later. Sizes that make a tensor too large within the cap are refused where the
// model and data are built (lab/experiment_model.h, kMaxTensorElements).
constexpr std::int64_t kMaxSize = (std::int64_t{1} << 31) - 1;
// Threads (train.threads, baseline.threads): far past any machine's cores.
constexpr std::int64_t kMaxThreads = 4096;

// A whole count a `count` rule allows: >= 1 and exact as an integer (at most 2^53).
inline bool is_whole_count(const Rule& rule, double value) {
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  return rule.count && value >= 1 && value <= kExactIntegers &&
         static_cast<double>(static_cast<std::int64_t>(value)) == value;
}

constexpr Rule at_least(double min) { return {.min = min}; }
// A size or count: >= min and at most `cap`.
constexpr Rule size_at_least(double min, std::int64_t cap = kMaxSize) { return {.min = min, .size_cap = cap}; }
constexpr Rule above(double min) { return {.min = min, .min_open = true}; }
constexpr Rule half_open(double min, double max) { return {.min = min, .max = max, .max_open = true}; }
constexpr Rule open(double min, double max) { return {.min = min, .min_open = true, .max = max, .max_open = true}; }
constexpr Rule one_of(std::span<const std::string_view> choices) { return {.choices = choices}; }

// One key of the file. `section` is "" for the top level, else a dotted path ("data.augment").
struct KeySpec {
  std::string_view section;
  std::string_view key;
  Slot (*slot)(ExperimentConfig&);
  Rule rule;
  std::string_view doc;
};

// One key of a [[model.layers]] entry, allowed only on the layer types in `applies_to`
// (empty: every type). `required`: must be written for those types (it has no usable default).
struct LayerKeySpec {
  std::string_view key;
  Slot (*slot)(LayerConfig&);
  Rule rule;
  std::span<const std::string_view> applies_to;
  bool required;
  std::string_view doc;
};

// The sections in file order: "" (top level), "data", "data.augment", "model", ...
std::span<const std::string_view> sections();
// Every key, grouped by section in the order of sections(), in the order to_toml writes them.
std::span<const KeySpec> keys();
// The keys of one [[model.layers]] entry; the first is `type`.
std::span<const LayerKeySpec> layer_keys();

const KeySpec* find_key(std::string_view section, std::string_view key);
const LayerKeySpec* find_layer_key(std::string_view key);
bool applies_to(const LayerKeySpec& spec, std::string_view layer_type);

// What a key allows, for help text: "integer >= 1", "number in [0, 1)", "one of sgd, adam", ...
std::string kind_text(const Slot& slot, const Rule& rule);
// The same for error messages, with an article: "an integer >= 1", "a number in [0, 1)", ...
std::string expectation(const Slot& slot, const Rule& rule);
// Whether a number lies within the rule's min and max (finite, open or closed ends).
bool in_bounds(double value, const Rule& rule);
// An integer the rule refuses: the expectation to name in the error ("an integer >= 1 and <=
// 2147483647" past the size cap), or nullopt when the rule allows it.
std::optional<std::string> integer_refusal(const Slot& slot, const Rule& rule, std::int64_t value);
// The kind alone: "an integer", "a number", "a string", "an array of integers", ...
std::string kind_noun(const Slot& slot);
// The value as TOML text: 0.01, "sgd", [64, 32], { fc = 0.1 }. Doubles use the shortest text
// that reads back as the same double; with rule.count, whole counts are written as integers.
std::string format_value(const Slot& slot, const Rule& rule);
// A double as a TOML float: 0.1, 1e-08, 2.0 (never "2", which would read back as an integer).
std::string format_float(double value);
// A TOML basic string: "a \"quoted\" word\n".
std::string quote(std::string_view text);
// A table key, bare when it can be (fc), quoted otherwise ("layer1.0").
std::string format_key(std::string_view key);

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);
// "; did you mean 'lr'?" when one candidate is close to `word`, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace nnlab::io::schema
