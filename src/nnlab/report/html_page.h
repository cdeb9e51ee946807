#pragma once
// The shell every nnlab page shares: <head> with the style sheet and the self-check script, a
// heading, a table of contents and the sections, then the chart data, Chart.js inline and the
// script that draws the charts. A run's report.html and a sweep's are both built on it.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nnlab::report {

struct HtmlSection {
  std::string id{};     // the <section>'s id, linked from the table of contents
  std::string title{};  // its <h2>, escaped by render_page
  std::string body{};   // markup after the <h2>; empty: the section is left out (and out of the contents)
};

struct HtmlPage {
  std::string name{};        // <title> and <h1>, escaped by render_page
  std::string kind{};        // the <title> reads "<name> — nnlab <kind>": "report", "sweep report"
  std::string badge_html{};  // markup after the name in <h1> (a status badge), or ""
  std::string folder{};      // the folder's name under the heading, escaped by render_page
  std::vector<HtmlSection> sections{};
  nlohmann::ordered_json charts{};  // #nnlab-charts: {"charts": [...]}, what charts_script() draws
  // One more JSON block for the page's own script, <script type="application/json" id=data_id>;
  // left out when data_id is empty.
  std::string data_id{};
  nlohmann::ordered_json data{};
  std::string_view script{};  // the page's own script, run after the charts are drawn; may be empty
};

// The whole page. JSON goes in through script_json (no string can end its <script> block);
// throws InternalError if the embedded Chart.js holds "</script".
std::string render_page(const HtmlPage& page);

}  // namespace nnlab::report
