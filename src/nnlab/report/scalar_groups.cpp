#include "nnlab/report/scalar_groups.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace nnlab::report {
namespace {

std::string first_component(const std::string& tag) { return tag.substr(0, tag.find('/')); }

std::string last_component(const std::string& tag) {
  const std::size_t slash = tag.rfind('/');
  return slash == std::string::npos ? tag : tag.substr(slash + 1);
}

// Epoch-level tags in order of first appearance (see the header for the rule).
std::vector<std::string> epoch_level_tags(const io::RunRecords& records) {
  std::map<std::int64_t, std::int64_t> last_step;  // epoch -> the largest step recorded in it
  std::unordered_map<std::string, std::vector<const train::ScalarRecord*>> by_tag;
  for (const train::ScalarRecord& r : records.scalars) {
    std::int64_t& step = last_step.try_emplace(r.epoch, r.step).first->second;
    step = std::max(step, r.step);
    by_tag[r.tag].push_back(&r);
  }
  std::vector<std::string> tags;
  for (const std::string& tag : records.scalar_tags()) {
    const std::vector<const train::ScalarRecord*>& list = by_tag[tag];
    std::set<std::int64_t> epochs;
    bool at_epoch_ends = true;
    for (const train::ScalarRecord* r : list) {
      at_epoch_ends = at_epoch_ends && epochs.insert(r->epoch).second && r->step == last_step[r->epoch];
    }
    if (at_epoch_ends && list.size() + 1 >= last_step.size()) tags.push_back(tag);
  }
  return tags;
}

void add_to_group(std::vector<ScalarGroup>& groups, const std::string& title, bool per_epoch, const std::string& tag) {
  auto found = std::find_if(groups.begin(), groups.end(),
                            [&](const ScalarGroup& g) { return g.title == title && g.per_epoch == per_epoch; });
  if (found == groups.end())
    found = groups.insert(groups.end(), ScalarGroup{.title = title, .per_epoch = per_epoch, .tags = {}});
  found->tags.push_back(tag);
}

// Where a column goes in the epoch table: the Trainer's numbers first, timings last.
int column_rank(const std::string& tag) {
  const std::string prefix = first_component(tag);
  if (prefix == "train" || prefix == "val" || prefix == "test") return 0;
  if (tag == "lr") return 1;
  return prefix == "time" ? 3 : 2;
}

}  // namespace

bool names_a_parameter(const std::string& tag) { return last_component(tag).find('.') != std::string::npos; }

EpochTable epoch_table(const io::RunRecords& records) {
  EpochTable table;
  for (const std::string& tag : epoch_level_tags(records)) {
    if (!names_a_parameter(tag)) table.tags.push_back(tag);
  }
  std::stable_sort(table.tags.begin(), table.tags.end(),
                   [](const std::string& a, const std::string& b) { return column_rank(a) < column_rank(b); });
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < table.tags.size(); ++i) column[table.tags[i]] = i;
  std::map<std::int64_t, std::vector<double>> rows;
  for (const train::ScalarRecord& r : records.scalars) {
    const auto found = column.find(r.tag);
    if (found == column.end()) continue;
    std::vector<double>& row = rows[r.epoch];
    row.resize(table.tags.size(), std::numeric_limits<double>::quiet_NaN());
    row[found->second] = r.value;
  }
  for (auto& [epoch, row] : rows) {
    table.epochs.push_back(epoch);
    table.values.push_back(std::move(row));
  }
  return table;
}

std::vector<ScalarGroup> scalar_groups(const io::RunRecords& records) {
  const std::vector<std::string> epoch_tags = epoch_level_tags(records);
  const std::set<std::string> per_epoch(epoch_tags.begin(), epoch_tags.end());
  // The three charts every run has come first, in this order, even when a tag appears later.
  std::vector<ScalarGroup> groups = {{"loss", true, {}}, {"accuracy", true, {}}, {"lr", true, {}}};
  for (const std::string& tag : records.scalar_tags()) {
    const bool epoch_level = per_epoch.count(tag) > 0;
    const std::string prefix = first_component(tag);
    if (prefix == "time") continue;
    if (epoch_level && (last_component(tag) == "loss" || last_component(tag) == "accuracy" || tag == "lr")) {
      add_to_group(groups, tag == "lr" ? "lr" : last_component(tag), true, tag);
    } else {
      add_to_group(groups, prefix, epoch_level, tag);
    }
  }
  std::erase_if(groups, [](const ScalarGroup& g) { return g.tags.empty(); });
  return groups;
}

}  // namespace nnlab::report
