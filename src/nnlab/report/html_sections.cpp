#include "nnlab/report/html_sections.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "nnlab/io/png_encode.h"
#include "nnlab/report/html_escape.h"
#include "nnlab/report/html_image.h"

namespace nnlab::report {
namespace {

using Json = nlohmann::ordered_json;

std::string value_html(const Json& value) {
  if (!value.is_object()) return escape_html(display_text(value));
  std::string rows;
  for (const auto& [key, item] : value.items()) {
    rows += fmt::format("<tr><th>{}</th><td>{}</td></tr>", escape_html(key), escape_html(display_text(item)));
  }
  return "<table class=\"kv\">" + rows + "</table>";
}

// Displayed size of a small image: scaled up by a whole factor until its longer side reaches 96 px.
std::int64_t display_scale(const train::Image& image) {
  const std::int64_t longer = std::max<std::int64_t>(1, std::max(image.height, image.width));
  return std::max<std::int64_t>(1, 96 / longer);
}

std::string image_figure(const train::Image& image, const std::string& where) {
  const std::int64_t scale = display_scale(image);
  return fmt::format(
      "<figure><img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
      data_uri("image/png", io::encode_png(image, where)), image.width * scale, image.height * scale,
      escape_html(image.caption), escape_html(image.caption));
}

std::string snapshots_table(const std::vector<io::SnapshotEntry>& snapshots) {
  if (snapshots.empty()) return "";
  std::string html =
      "<h3>Snapshots</h3><div class=\"scroll\"><table><thead><tr><th>tag</th><th>epoch</th>"
      "<th>step</th><th>file</th><th>at the time</th></tr></thead>\n<tbody>\n";
  for (const io::SnapshotEntry& s : snapshots) {
    std::vector<std::string> info;
    for (const auto& [name, value] : s.info) info.push_back(escape_html(name) + " " + format_number(value));
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", escape_html(s.tag),
                        s.epoch, s.step, escape_html(s.file), fmt::join(info, ", "));
  }
  return html + "</tbody></table></div>\n";
}

}  // namespace

std::string reproduce_section(const ReportInputs& inputs) {
  if (!inputs.run_info.value) {
    const std::string why = inputs.run_info.error.empty() ? "" : " (" + escape_html(inputs.run_info.error) + ")";
    return "<p class=\"none\">run.json not recorded" + why + ".</p>\n";
  }
  const Json& info = *inputs.run_info.value;
  std::string html;
  if (const auto command = info.find("command"); command != info.end()) {
    html += fmt::format(
        "<div class=\"command\"><pre id=\"command\">{}</pre><button class=\"copy\" type=\"button\" "
        "data-target=\"command\">copy</button></div>\n",
        escape_html(display_text(*command)));
  } else {
    html += "<p class=\"none\">command not recorded.</p>\n";
  }
  std::string rows;
  for (const auto& [key, value] : info.items()) {
    if (key != "command") rows += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", escape_html(key), value_html(value));
  }
  return html + "<table class=\"kv\">\n" + rows + "</table>\n";
}

std::string text_section(const std::optional<std::string>& text, const std::string& what) {
  if (!text) return "<p class=\"none\">" + escape_html(what) + " not recorded.</p>\n";
  return "<pre>" + escape_html(*text) + "</pre>\n";
}

std::string plots_section(const std::vector<PlotFile>& plots) {
  if (plots.empty()) return "<p class=\"none\">No plots recorded yet (plots/*.png).</p>\n";
  std::string html = "<div class=\"plots\">\n";
  for (const PlotFile& plot : plots) {
    html += fmt::format("<figure><img src=\"{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>\n",
                        data_uri("image/png", plot.bytes), escape_html(plot.stem), escape_html(plot.stem));
  }
  return html + "</div>\n";
}

std::string images_section(const ReportInputs& inputs) {
  std::vector<const train::ImageRecord*> last;  // the last record of each tag, in order of first appearance
  for (const train::ImageRecord& record : inputs.records.images) {
    auto found = std::find_if(last.begin(), last.end(), [&](const auto* seen) { return seen->tag == record.tag; });
    if (found == last.end())
      last.push_back(&record);
    else
      *found = &record;
  }
  std::string html;
  for (const train::ImageRecord* record : last) {
    html += fmt::format("<h3>{} <span class=\"note\">epoch {}, step {}</span></h3>\n<div class=\"gallery\">",
                        escape_html(record->tag), record->epoch, record->step);
    for (std::size_t i = 0; i < record->images.size(); ++i) {
      html += image_figure(record->images[i], fmt::format("'{}' #{}", record->tag, i));
    }
    html += "</div>\n";
  }
  return html + snapshots_table(inputs.records.snapshots);
}

}  // namespace nnlab::report
