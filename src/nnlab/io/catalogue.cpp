// Reading experiment files; see catalogue.h.
#include "nnlab/io/catalogue.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/io/config_schema.h"
#include "nnlab/io/config_text.h"

namespace nnlab::io {
namespace {

[[noreturn]] void fail(std::string message) { throw ConfigError(std::move(message)); }

std::string read_text(const std::filesystem::path& path) { return read_config_file(path, "experiment file"); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The keys of [[part]] itself; the rest is the part's config.
bool is_part_key(const std::string& key) {
  static const std::set<std::string> keys = {"name",        "title",   "about", "kind", "quick",
                                             "show_trials", "runs_of", "reuse", "ranked"};
  return keys.contains(key);
}

class SpecReader {
 public:
  SpecReader(std::string source, const toml::table& root) : source_(std::move(source)), root_(root) {}

  std::string where(const toml::node& node, const std::string& message) const {
    return fmt::format("{}:{}: {}", source_, node.source().begin.line, message);
  }

  std::string text(const toml::node& node, const std::string& label) const {
    const auto* value = node.as_string();
    if (value == nullptr || value->get().empty()) fail(where(node, label + ": expected a non-empty string"));
    return value->get();
  }

  std::vector<std::string> texts(const toml::node& node, const std::string& label) const {
    const auto* array = node.as_array();
    if (array == nullptr) fail(where(node, label + ": expected a list of strings"));
    std::vector<std::string> out;
    for (const toml::node& item : *array) out.push_back(text(item, label));
    return out;
  }

  void unknown(const toml::key& key, const std::string& table, const std::vector<std::string>& known) const {
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    fail(fmt::format("{}:{}: unknown key '{}' in {} (known: {}){}", source_, key.source().begin.line, key.str(),
                     table, list, schema::did_you_mean(std::string(key.str()), known)));
  }

  void read_header(ExperimentSpec& spec) const {
    const auto* table = root_.get_as<toml::table>("experiment");
    NNLAB_CHECK(table != nullptr, ConfigError, "{}: no [experiment] table (id, title, question): not an experiment file",
                source_);
    for (const auto& [key, node] : *table) {
      if (key.str() == "id") {
        spec.id = text(node, "[experiment] id");
      } else if (key.str() == "title") {
        spec.title = text(node, "[experiment] title");
      } else if (key.str() == "question") {
        spec.question = text(node, "[experiment] question");
      } else if (key.str() == "minutes") {
        const std::optional<double> minutes = node.value<double>();
        if (!minutes || *minutes <= 0) fail(where(node, "[experiment] minutes: expected a number > 0"));
        spec.minutes = *minutes;
      } else if (key.str() == "quick") {
        spec.quick = texts(node, "[experiment] quick");
      } else if (key.str() == "rank_by") {
        spec.rank_by = text(node, "[experiment] rank_by");
        if (spec.rank_by.find('/') == std::string::npos) {
          fail(where(node, "[experiment] rank_by: expected a metric as split/name, e.g. \"test/accuracy\""));
        }
      } else {
        unknown(key, "[experiment]", {"id", "title", "question", "minutes", "quick", "rank_by"});
      }
    }
    for (const auto& [label, value] : {std::pair{"id", &spec.id}, {"title", &spec.title}, {"question", &spec.question}}) {
      NNLAB_CHECK(!value->empty(), ConfigError, "{}: [experiment] misses the key '{}'", source_, label);
    }
  }

  // The part's own keys, and the lines they take (blanked in its config text).
  ExperimentPart read_part(const toml::table& table, std::set<std::int64_t>& own_lines) const {
    ExperimentPart part;
    std::optional<PartKind> kind;
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      if (node.is_table() || !is_part_key(name)) {
        continue;  // the part's config: [part.data], seed = 1, ...
      }
      for (auto line = key.source().begin.line; line <= node.source().end.line; ++line) own_lines.insert(line);
      if (name == "name") {
        part.name = text(node, "[[part]] name");
        const bool safe = std::all_of(part.name.begin(), part.name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
        });
        if (!safe) fail(where(node, "[[part]] name: expected letters, digits, '-' and '_' (it names a folder)"));
      } else if (name == "title") {
        part.title = text(node, "[[part]] title");
      } else if (name == "about") {
        part.about = text(node, "[[part]] about");
      } else if (name == "kind") {
        const std::string value = text(node, "[[part]] kind");
        for (PartKind k : {PartKind::train, PartKind::sweep, PartKind::optimize, PartKind::closed_form,
                           PartKind::baseline, PartKind::pca}) {
          if (value == to_string(k)) kind = k;
        }
        if (!kind) {
          fail(where(node, "[[part]] kind: expected train, sweep, optimize, closed_form, baseline or pca, got '" +
                               value + "'"));
        }
      } else if (name == "quick") {
        part.quick = texts(node, "[[part]] quick");
      } else if (name == "runs_of") {
        part.runs_of = texts(node, "[[part]] runs_of");
      } else if (name == "reuse" || name == "ranked") {
        const std::optional<bool> value = node.value<bool>();
        if (!value) fail(where(node, "[[part]] " + name + ": expected true or false"));
        (name == "reuse" ? part.reuse : part.ranked) = *value;
      } else {
        part.show_trials = texts(node, "[[part]] show_trials");
      }
    }
    if (part.name.empty()) fail(where(table, "[[part]]: missing key 'name' (the part's folder)"));
    part.kind = kind.value_or(table.contains("sweep") ? PartKind::sweep : PartKind::train);
    if (part.title.empty()) part.title = part.name;
    return part;
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
  const toml::table& root_;
};

// The config text of the part whose lines are [first, last): its tables' headers lose "part."
// and every other line is blank, so line numbers stay those of the experiment file.
std::string part_config_text(const std::vector<std::string>& lines, std::size_t first, std::size_t last,
                             const std::set<std::int64_t>& own_lines) {
  static const std::regex header(R"(^(\s*)(\[\[?)\s*part\.)");
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto line_number = static_cast<std::int64_t>(i + 1);
    if (i > first && i < last && !own_lines.contains(line_number)) {
      out += std::regex_replace(lines[i], header, "$1$2", std::regex_constants::format_first_only);
    }
    out += '\n';
  }
  return out;
}

// A pca part projects the runs of earlier train or sweep parts, and has no config of its own.
void check_runs_of(const std::filesystem::path& file, const toml::table& table, const ExperimentPart& part,
                   const std::vector<ExperimentPart>& earlier) {
  const auto line = table.source().begin.line;
  if (part.kind != PartKind::pca) {
    NNLAB_CHECK(part.runs_of.empty(), ConfigError, "{}:{}: part '{}': runs_of belongs to pca parts", file.string(),
                line, part.name);
    return;
  }
  NNLAB_CHECK(!part.runs_of.empty(), ConfigError,
              "{}:{}: pca part '{}' needs runs_of = [\"part\", ...]: the earlier parts whose runs it projects",
              file.string(), line, part.name);
  for (const auto& [key, node] : table) {
    NNLAB_CHECK(is_part_key(std::string(key.str())), ConfigError, "{}:{}: pca part '{}' takes no config, but has '{}'",
                file.string(), key.source().begin.line, part.name, key.str());
  }
  for (const std::string& name : part.runs_of) {
    const auto found = std::find_if(earlier.begin(), earlier.end(), [&](const ExperimentPart& p) { return p.name == name; });
    NNLAB_CHECK(found != earlier.end() && (found->kind == PartKind::train || found->kind == PartKind::sweep),
                ConfigError, "{}:{}: pca part '{}': runs_of names '{}', which is no earlier train or sweep part",
                file.string(), line, part.name, name);
  }
}

}  // namespace

const char* to_string(PartKind kind) {
  switch (kind) {
    case PartKind::train: return "train";
    case PartKind::sweep: return "sweep";
    case PartKind::optimize: return "optimize";
    case PartKind::closed_form: return "closed_form";
    case PartKind::baseline: return "baseline";
    case PartKind::pca: return "pca";
  }
  return "train";
}

ExperimentSpec load_experiment_spec(const std::filesystem::path& file) {
  const std::string text = read_text(file);
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error& error) {
    fail(fmt::format("{}:{}:{}: {}", file.string(), error.source().begin.line, error.source().begin.column,
                     error.description()));
  }
  ExperimentSpec spec{.file = file};
  const SpecReader reader(file.string(), root);
  reader.read_header(spec);
  for (const auto& [key, node] : root) {
    if (key.str() != "experiment" && key.str() != "part") {
      fail(fmt::format("{}:{}: '{}' outside a part: an experiment file holds [experiment] and [[part]] tables "
                       "(write the part's config as [part.{}])",
                       file.string(), key.source().begin.line, key.str(), key.str()));
    }
  }
  const auto* parts = root.get_as<toml::array>("part");
  NNLAB_CHECK(parts != nullptr && !parts->empty(), ConfigError, "{}: no [[part]]: an experiment runs at least one part",
              file.string());
  // Where each [[part]] starts: its config is the lines up to the next one.
  const std::vector<std::string> lines = lines_of(text);
  static const std::regex part_header(R"(^\s*\[\[\s*part\s*\]\])");
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (std::regex_search(lines[i], part_header)) starts.push_back(i);
  }
  NNLAB_CHECK(starts.size() == parts->size(), ConfigError,
              "{}: write each part as a [[part]] header followed by its keys and [part.X] tables", file.string());
  std::set<std::string> names;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const auto* table = (*parts)[i].as_table();
    std::set<std::int64_t> own_lines;
    ExperimentPart part = reader.read_part(*table, own_lines);
    NNLAB_CHECK(names.insert(part.name).second, ConfigError, "{}:{}: a second part named '{}'", file.string(),
                table->source().begin.line, part.name);
    check_runs_of(file, *table, part, spec.parts);
    const std::size_t last = i + 1 < starts.size() ? starts[i + 1] : lines.size();
    part.config_text = part_config_text(lines, starts[i], last, own_lines);
    spec.parts.push_back(std::move(part));
  }
  return spec;
}

std::vector<ExperimentSpec> load_catalogue(const std::filesystem::path& dir) {
  NNLAB_CHECK(std::filesystem::is_directory(dir), IoError, "the experiment catalogue '{}' is not a folder",
              dir.string());
  std::vector<ExperimentSpec> specs;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml") continue;
    // Plain configs live beside experiment files; only the latter have an [experiment] table.
    static const std::regex experiment_header(R"((^|\n)\s*\[\s*experiment\s*\])");
    if (std::regex_search(read_text(entry.path()), experiment_header)) {
      specs.push_back(load_experiment_spec(entry.path()));
    }
  }
  // e2 before e10: by the number after the letters, then by id.
  const auto number = [](const std::string& id) {
    const std::size_t digits = id.find_first_of("0123456789");
    return digits == std::string::npos ? 0L : std::strtol(id.c_str() + digits, nullptr, 10);
  };
  std::sort(specs.begin(), specs.end(), [&](const ExperimentSpec& a, const ExperimentSpec& b) {
    return std::pair(number(a.id), a.id) < std::pair(number(b.id), b.id);
  });
  return specs;
}

}  // namespace nnlab::io
