#include "nnlab/report/html_page.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "nnlab/core/check.h"
#include "nnlab/report/embedded_chart_js.h"
#include "nnlab/report/html_assets.h"
#include "nnlab/report/html_escape.h"

namespace nnlab::report {
namespace {

// A script goes into a <script> element as it is, so it must not hold the text that ends one.
std::string_view checked_script(std::string_view source, std::string_view what) {
  std::string lower(source);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  NNLAB_CHECK(lower.find("</script") == std::string::npos, InternalError,
              "report: {} holds \"</script\", which would end its <script> element early", what);
  return source;
}

// The page's own data and script, after Chart.js and the charts script; "" when it has none.
std::string page_script(const HtmlPage& page) {
  std::string html;
  if (!page.data_id.empty()) {
    html += fmt::format("<script type=\"application/json\" id=\"{}\">{}</script>\n", escape_html(page.data_id),
                        script_json(page.data));
  }
  if (!page.script.empty())
    html += fmt::format("<script>{}</script>\n", checked_script(page.script, "the page's script"));
  return html;
}

}  // namespace

std::string render_page(const HtmlPage& page) {
  std::string toc, body;
  for (const HtmlSection& s : page.sections) {
    if (s.body.empty()) continue;
    toc += fmt::format("<li><a href=\"#{}\">{}</a></li>", escape_html(s.id), escape_html(s.title));
    body += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", escape_html(s.id), escape_html(s.title),
                        s.body);
  }
  const std::string heading =
      page.badge_html.empty() ? escape_html(page.name) : fmt::format("{} {}", escape_html(page.name), page.badge_html);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"nnlab\">\n<title>{0} \u2014 nnlab {1}</title>\n"
      "<style>{2}</style>\n<script>{3}</script>\n</head>\n<body>\n<main>\n"
      "<header><h1>{4}</h1><div class=\"folder\">{5}</div></header>\n"
      "<nav class=\"toc\"><ol>{6}</ol></nav>\n{7}</main>\n"
      "<script type=\"application/json\" id=\"nnlab-charts\">{8}</script>\n"
      "<script>{9}</script>\n<script>{10}</script>\n{11}</body>\n</html>\n",
      escape_html(page.name), escape_html(page.kind), report_css(), self_check_script(), heading,
      escape_html(page.folder), toc, body, script_json(page.charts),
      checked_script(chart_js_source(), "the embedded Chart.js"), charts_script(), page_script(page));
}

}  // namespace nnlab::report
