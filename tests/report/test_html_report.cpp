// report.html from hand-written run folders: every section, the numbers, escaping of strings in
// HTML and in the chart JSON, self-containment (Chart.js and pictures inline), and the folders a
// run leaves while it is still training or before it records anything.
#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "nnlab/core/error.h"
#include "nnlab/data/image_decode.h"
#include "nnlab/io/atomic_file.h"
#include "nnlab/report/html_escape.h"
#include "nnlab/report/html_image.h"
#include "nnlab/report/html_report.h"
#include "nnlab/report/scalar_groups.h"
#include "report/html_report_fixture.h"
#include "testing/asserts.h"
#include "testing/temp_dir.h"

namespace nnlab::report {
namespace {

namespace fs = std::filesystem;
using testing::FakeRunOptions;

using testing::count_occurrences;

// The JSON the page draws its charts from.
nlohmann::json chart_spec(const std::string& html) {
  const nlohmann::json spec = testing::json_script(html, "nnlab-charts");
  EXPECT_FALSE(spec.is_null());
  return spec;
}

std::string write_and_read(const fs::path& dir) {
  write_html_report(dir);
  return testing::read_file(dir / "report.html");
}

TEST(HtmlReport, FinishedRunHasEverySectionAndItsNumbers) {
  testing::TempDir tmp;
  const fs::path dir = testing::write_fake_run(tmp.path() / "mlp-fashion-20261206-145000", {});
  const std::string html = write_and_read(dir);
  for (const char* id :
       {"overview", "epochs", "curves", "histograms", "images", "plots", "model", "timing", "reproduce", "config"}) {
    EXPECT_NE(html.find(fmt::format("<section id=\"{}\">", id)), std::string::npos) << id;
    EXPECT_NE(html.find(fmt::format("<a href=\"#{}\">", id)), std::string::npos) << "table of contents: " << id;
  }
  EXPECT_NE(html.find("<h1>mlp-fashion <span class=\"status ok\">completed</span></h1>"), std::string::npos);
  EXPECT_NE(html.find("mlp-fashion-20261206-145000"), std::string::npos);
  // The final table: val loss 0.4375 and accuracy 87.50 %, test 0.4688 (4 digits) and 86.00 %.
  EXPECT_NE(html.find("<tr><td>val</td><td>0.4375</td><td>87.50 %</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>test</td><td>0.4688</td><td>86.00 %</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("From summary.json."), std::string::npos);
  EXPECT_NE(html.find("fashion-mnist"), std::string::npos);
  EXPECT_NE(html.find("101770"), std::string::npos);
  // Timing: 7.5 s over 12 steps = 625 ms per step; 2.5 s per epoch.
  EXPECT_NE(html.find("<td>7.50 s</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>2.50 s</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>625.000 ms</td>"), std::string::npos);
  // Reproduce: the command in its own <pre>, and every other key of run.json.
  EXPECT_NE(html.find("<pre id=\"command\">nnlab train experiments/mlp.toml --set optim.lr=0.1</pre>"),
            std::string::npos);
  for (const char* part :
       {"abc1234", "2026-12-06T14:50:00Z", "<th>oneDNN</th><td>2.6.3</td>", "3.21.12", "<th>threads</th><td>2</td>"}) {
    EXPECT_NE(html.find(part), std::string::npos) << part;
  }
  EXPECT_NE(html.find("<pre>Sequential (101,770 parameters)\n  0 Flatten  -&gt; (N, 784)"), std::string::npos);
}

TEST(HtmlReport, EpochTableHasOneRowPerEpochAndAColumnPerEpochTag) {
  testing::TempDir tmp;
  const fs::path dir = testing::write_fake_run(tmp.path() / "run", {.epochs = 5});
  const std::string html = write_and_read(dir);
  const std::size_t begin = html.find("<section id=\"epochs\">");
  const std::string section = html.substr(begin, html.find("</section>", begin) - begin);
  EXPECT_NE(section.find("<tr><th>epoch</th><th>train/loss</th><th>train/accuracy</th><th>val/loss</th>"
                         "<th>val/accuracy</th><th>test/loss</th><th>test/accuracy</th><th>lr</th>"
                         "<th>time/epoch_seconds</th><th>time/seconds</th></tr>"),
            std::string::npos)
      << section;
  EXPECT_EQ(count_occurrences(section, "<tr><td>"), 5u);
  // Epoch 4: lr = 0.1 * 0.9^3 = 0.0729, time/seconds = 10.
  EXPECT_NE(section.find("<tr><td>4</td>"), std::string::npos);
  EXPECT_NE(section.find("<td>0.0729</td><td>2.5</td><td>10</td></tr>"), std::string::npos);
  EXPECT_EQ(section.find("step/loss"), std::string::npos) << "step-level tags are not epoch columns";
  EXPECT_EQ(section.find("grad_norm"), std::string::npos);
}

TEST(HtmlReport, ChartsKeepEveryPointAndGroupTagsByPrefix) {
  testing::TempDir tmp;
  const FakeRunOptions options{.epochs = 4, .steps_per_epoch = 50};
  const fs::path dir = testing::write_fake_run(tmp.path() / "run", options);
  const nlohmann::json spec = chart_spec(write_and_read(dir));
  ASSERT_EQ(static_cast<std::int64_t>(spec["charts"].size()), testing::fake_run_chart_count(options));
  std::vector<std::string> titles;
  for (const auto& chart : spec["charts"]) titles.push_back(chart["title"]);
  EXPECT_EQ(titles, (std::vector<std::string>{"loss", "accuracy", "lr", "step", "grad_norm",
                                              "true_class_probability/correct", "true_class_probability/incorrect"}));
  const auto& loss = spec["charts"][0];
  EXPECT_EQ(loss["x_title"], "epoch");
  ASSERT_EQ(loss["series"].size(), 3u);
  EXPECT_EQ(loss["series"][1]["label"], "val/loss");
  EXPECT_EQ(loss["series"][1]["x"], nlohmann::json({1, 2, 3, 4}));
  EXPECT_EQ(loss["series"][1]["y"][3], 0.4375);
  const auto& step = spec["charts"][3];
  EXPECT_EQ(step["x_title"], "step");
  EXPECT_EQ(step["series"][0]["label"], "step/loss");
  EXPECT_EQ(step["series"][0]["x"].size(), 200u) << "every one of the 4 x 50 steps, no down-sampling";
  EXPECT_EQ(step["series"][0]["right"], false);
  EXPECT_EQ(step["series"][1]["right"], true) << "step/lr beside step/loss gets the right axis";
  EXPECT_EQ(spec["charts"][4]["series"].size(), 2u);
  EXPECT_EQ(spec["charts"][5]["kind"], "bar");
  EXPECT_EQ(spec["charts"][5]["labels"].size(), 20u);
}

TEST(HtmlReport, IsSelfContained) {
  testing::TempDir tmp;
  const fs::path dir = testing::write_fake_run(tmp.path() / "run", {});
  const std::string html = write_and_read(dir);
  EXPECT_NE(html.find("Chart.js v3.9.1"), std::string::npos) << "Chart.js is inlined";
  const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//|@import)",
                            std::regex::icase);
  std::smatch match;
  EXPECT_FALSE(std::regex_search(html, match, external)) << "external reference: " << match.str();
  // Every plots/*.png as a data: URI captioned with its stem, sorted by name.
  const std::size_t accuracy = html.find(data_uri("image/png", testing::read_file(dir / "plots" / "accuracy.png")));
  const std::size_t loss = html.find(data_uri("image/png", testing::read_file(dir / "plots" / "loss.png")));
  ASSERT_NE(accuracy, std::string::npos);
  ASSERT_NE(loss, std::string::npos);
  EXPECT_LT(accuracy, loss);
  EXPECT_NE(html.find("<figcaption>loss</figcaption>"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "report.html.tmp")) << "written atomically";
}

TEST(HtmlReport, EscapesConfigTagsAndCaptions) {
  testing::TempDir tmp;
  const std::string odd = "probe/</script><b>x & 'y'";
  const fs::path dir = testing::write_fake_run(tmp.path() / "run", {.odd_tag = odd});
  const std::string html = write_and_read(dir);
  EXPECT_NE(html.find("# lr &lt; 1 &amp; &quot;quoted&quot; &lt;b&gt;not bold&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>not bold</b>"), std::string::npos);
  EXPECT_EQ(html.find("</script><b>"), std::string::npos) << "the tag must not close a <script>";
  EXPECT_NE(html.find("<th>probe/&lt;/script&gt;&lt;b&gt;x &amp; &#39;y&#39;</th>"), std::string::npos);
  // <script> elements: self-check, chart JSON, Chart.js, page script; none ended early.
  EXPECT_EQ(count_occurrences(html, "<script"), 4u);
  EXPECT_EQ(count_occurrences(html, "</script>"), 4u);
  const nlohmann::json spec = chart_spec(html);
  bool found = false;
  for (const auto& chart : spec["charts"]) {
    for (const auto& series : chart.value("series", nlohmann::json::array())) found = found || series["label"] == odd;
  }
  EXPECT_TRUE(found) << "the chart JSON gives the tag back unchanged";
  EXPECT_NE(html.find("true Coat, predicted Shirt"), std::string::npos);
}

TEST(HtmlReport, RunStillTrainingUsesTheLastEpochsScalars) {
  testing::TempDir tmp;
  const fs::path dir =
      testing::write_fake_run(tmp.path() / "run", {.epochs = 2, .finished = false, .running_epoch = true});
  const std::string html = write_and_read(dir);
  EXPECT_NE(html.find("<span class=\"status running\">in progress</span>"), std::string::npos);
  EXPECT_NE(html.find("<tr><td>val</td><td>0.4375</td><td>87.50 %</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("no summary.json yet"), std::string::npos);
  EXPECT_NE(html.find("<th>epochs</th><td>3 so far</td>"), std::string::npos);
  const std::size_t begin = html.find("<section id=\"epochs\">");
  EXPECT_EQ(count_occurrences(html.substr(begin, html.find("</section>", begin) - begin), "<tr><td>"), 2u)
      << "the running epoch has no row yet";
  EXPECT_EQ(chart_spec(html)["charts"][0]["series"][0]["x"].size(), 2u);
}

TEST(HtmlReport, FolderWithOnlyAConfigStillGivesAPage) {
  testing::TempDir tmp;
  testing::write_fake_run(tmp.path(), {.epochs = 0, .finished = false, .extras = false});
  fs::remove(tmp.path() / "metrics.jsonl");
  const std::string html = write_and_read(tmp.path());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_NE(html.find("<h1>mlp-fashion"), std::string::npos) << "the name comes from config.toml";
  EXPECT_NE(html.find("run.json not recorded"), std::string::npos);
  EXPECT_NE(html.find("model.txt not recorded"), std::string::npos);
  EXPECT_NE(html.find("No scalars recorded yet"), std::string::npos);
  EXPECT_NE(html.find("No plots recorded yet"), std::string::npos);
  EXPECT_GE(count_occurrences(html, "not recorded"), 8u);
  EXPECT_EQ(html.find("<section id=\"histograms\">"), std::string::npos) << "empty optional sections are left out";
  EXPECT_TRUE(chart_spec(html)["charts"].empty());
}

TEST(HtmlReport, BrokenSummaryIsReportedNotFatal) {
  testing::TempDir tmp;
  const fs::path dir = testing::write_fake_run(tmp.path() / "run", {});
  io::write_file_atomically((dir / "summary.json").string(), "{\"name\": ");
  const std::string html = write_and_read(dir);
  EXPECT_NE(html.find("summary.json is not valid JSON"), std::string::npos);
  EXPECT_NE(html.find("in progress"), std::string::npos);
}

TEST(HtmlReport, RejectsAFolderWithoutConfig) {
  testing::TempDir tmp;
  expect_throw_with<IoError>([&] { write_html_report(tmp.path()); }, "config.toml");
}

TEST(HtmlEscape, EscapesMarkupAndScriptJson) {
  EXPECT_EQ(escape_html("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
  const nlohmann::ordered_json value = {{"tag", "</script><!--&"}};
  const std::string text = script_json(value);
  EXPECT_EQ(text, R"({"tag":"\u003c/script\u003e\u003c!--\u0026"})");
  EXPECT_EQ(nlohmann::json::parse(text)["tag"], "</script><!--&");
  EXPECT_NO_THROW(script_json({{"bad", std::string("\xff\xfe")}})) << "invalid UTF-8 is replaced, not thrown";
  EXPECT_EQ(format_number(0.123456), "0.1235");
  EXPECT_EQ(format_number(std::nan("")), "NaN");
}

TEST(ScalarGroups, EpochLevelTagsAreThoseRecordedOncePerEpochAtItsEnd) {
  io::RunRecords records;
  const auto add = [&](const char* tag, std::int64_t step, std::int64_t epoch) {
    records.scalars.push_back({.tag = tag, .step = step, .epoch = epoch, .value = 1.0});
  };
  add("step/loss", 1, 1), add("step/loss", 2, 1), add("grad_norm/total", 1, 1), add("val/loss", 2, 1);
  add("step/loss", 3, 2), add("step/loss", 4, 2), add("grad_norm/total", 3, 2), add("val/loss", 4, 2);
  add("step/loss", 5, 3);  // epoch 3 is still running
  const EpochTable table = epoch_table(records);
  EXPECT_EQ(table.tags, std::vector<std::string>{"val/loss"}) << "grad_norm/total is once per epoch, not at its end";
  EXPECT_EQ(table.epochs, (std::vector<std::int64_t>{1, 2}));
  const std::vector<ScalarGroup> groups = scalar_groups(records);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].title, "loss");
  EXPECT_TRUE(groups[0].per_epoch);
  EXPECT_EQ(groups[1].title, "step");
  EXPECT_FALSE(groups[1].per_epoch);
  EXPECT_EQ(groups[2].title, "grad_norm");
}

}  // namespace
}  // namespace nnlab::report
