// A sweep's report.html from a sweep folder written by hand (lab/fake_sweep.h): the ranked table
// and its trial links, the counts, escaping of a hostile reason in HTML and in the embedded JSON,
// trial folders that are missing or unreadable, the chart data and the inlined plots.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/fake_sweep.h"
#include "nnlab/lab/sweep_report.h"
#include "nnlab/report/html_escape.h"
#include "report/html_report_fixture.h"
#include "testing/temp_dir.h"

namespace nnlab::lab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using testing::count_occurrences;
using testing::json_script;

// The results table's row of `rank`, from "<tr><td>rank</td>" to its "</tr>".
std::string result_row(const std::string& html, std::int64_t rank) {
  const std::size_t table = html.find("<table id=\"results\">");
  const std::size_t begin = html.find(fmt::format("<tr><td>{}</td>", rank), table);
  if (table == std::string::npos || begin == std::string::npos) return "";
  return html.substr(begin, html.find("</tr>", begin) - begin);
}

class SweepReport : public ::testing::Test {
 protected:
  void SetUp() override {
    sweep_ = testing::write_fake_sweep(tmp_.path());
    html_ = render_sweep_report(sweep_.outcome, sweep_.rows);
  }
  testing::TempDir tmp_;
  testing::FakeSweep sweep_;
  std::string html_;
};

TEST_F(SweepReport, HeaderNamesTheSweepAndCountsTrialsByStatus) {
  EXPECT_NE(html_.find("<title>mlp-sweep \u2014 nnlab sweep report</title>"), std::string::npos);
  EXPECT_NE(html_.find("<h1>mlp-sweep <span class=\"status warn\">3 of 6 finished</span></h1>"), std::string::npos);
  EXPECT_NE(html_.find("<div class=\"folder\">mlp-sweep-20261206-150000</div>"), std::string::npos);
  for (const auto& [status, n] : {std::pair{"finished", 3},
                                  {"diverged", 1},
                                  {"failed", 1},
                                  {"pruned", 0},
                                  {"not run", 1},
                                  {"trials", 6},
                                  {"configurations", 3}}) {
    EXPECT_NE(html_.find(fmt::format("<tr><th>{}</th><td>{}</td></tr>", status, n)), std::string::npos) << status;
  }
  EXPECT_NE(html_.find("<tr><th>rank_by</th><td>val/accuracy (higher is better)</td></tr>"), std::string::npos);
  EXPECT_NE(html_.find("<a href=\"results.csv\">"), std::string::npos);
  for (const char* id : {"overview", "results", "curves", "compare", "plots", "sweep"}) {
    EXPECT_NE(html_.find(fmt::format("<section id=\"{}\">", id)), std::string::npos) << id;
  }
}

TEST_F(SweepReport, TableRanksConfigurationsBestFirst) {
  // lr=0.01: one finished seed (0.9); lr=0.1: 0.8 and 0.82; lr=1: none finished.
  const std::string first = result_row(html_, 1), second = result_row(html_, 2), third = result_row(html_, 3);
  EXPECT_NE(first.find("<td>lr=0.01,hidden=[64,32]</td><td>0.01</td><td>[64, 32]</td><td>1</td><td>0.9</td>"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find("1 of 2 finished: loss is nan"), std::string::npos) << first;
  // mean 0.81, std 0.01414; 95 % interval 0.81 ± 12.71 · 0.01414 / √2 = [0.6829, 0.9371].
  EXPECT_NE(second.find("<td>lr=0.1,hidden=[64,32]</td><td>0.1</td><td>[64, 32]</td><td>2</td>"
                        "<td>0.81 \u00b1 0.01414 <span class=\"note\">[0.6829, 0.9371]</span></td><td>0.81</td>"),
            std::string::npos)
      << second;
  EXPECT_NE(second.find("<td>101770</td><td>7.5</td><td>5</td>"), std::string::npos)
      << "parameters, seconds and steps per epoch: " << second;
  EXPECT_NE(third.find("<td>lr=1,hidden=[64,32]</td>"), std::string::npos) << third;
  EXPECT_NE(third.find("0 of 2 finished: exit status 1"), std::string::npos) << third;
  EXPECT_EQ(result_row(html_, 4), "");
  // The header: swept keys, then rank_by and the other metrics the trials recorded.
  for (const char* column : {"<th>optim.lr</th><th>model.hidden</th><th>n</th>", "<th>best val/accuracy</th>",
                             "<th>train/loss</th>", "<th>test/accuracy</th>",
                             "<th>parameters</th><th>seconds</th><th>steps/epoch</th>"}) {
    EXPECT_NE(html_.find(column), std::string::npos) << column;
  }
}

TEST_F(SweepReport, TrialsLinkToTheirReportsThroughEncodedPaths) {
  const std::string encoded = "trials/lr%3D0.1%2Chidden%3D%5B64%2C32%5D%2Cseed%3D1/report.html";
  EXPECT_NE(html_.find(fmt::format("<a href=\"{}\" title=\"lr=0.1,hidden=[64,32],seed=1\">seed 1</a> "
                                   "<span class=\"status ok\" title=\"\">finished</span>",
                                   encoded)),
            std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(sweep_.outcome.folder / "trials" / "lr=0.1,hidden=[64,32],seed=1" / "report.html"));
  EXPECT_EQ(report::escape_url_segment("lr=0.1,hidden=[64,32],seed=1"), "lr%3D0.1%2Chidden%3D%5B64%2C32%5D%2Cseed%3D1");
  EXPECT_EQ(count_occurrences(html_, "<a href=\"trials/"), 3u) << "one link per trial with a report";
  // The diverged trial has a folder but no report; the one not run has no folder.
  EXPECT_NE(html_.find("<span title=\"lr=0.01,hidden=[64,32],seed=1\">seed 1</span> <span class=\"none\">report not "
                       "recorded</span> <span class=\"status bad\""),
            std::string::npos);
  EXPECT_NE(html_.find("<span title=\"lr=1,hidden=[64,32],seed=0\">seed 0</span> <span class=\"none\">report not "
                       "recorded</span> <span class=\"status warn\" title=\"\">not run</span>"),
            std::string::npos);
}

TEST_F(SweepReport, HostileReasonIsEscapedInHtmlAndJson) {
  EXPECT_EQ(html_.find("<b>boom"), std::string::npos);
  EXPECT_EQ(html_.find("<!-- x"), std::string::npos);
  EXPECT_NE(html_.find("loss is nan &lt;/script&gt;&lt;b&gt;boom&lt;/b&gt; &lt;!-- x"), std::string::npos);
  // Every "</script>" closes one of the page's own script elements: the self-check, the chart
  // JSON, Chart.js, the charts script, the trials' JSON and the compare script.
  EXPECT_EQ(count_occurrences(html_, "<script"), 6u);
  EXPECT_EQ(count_occurrences(html_, "</script>"), 6u);
  const json data = json_script(html_, "nnlab-sweep");
  ASSERT_TRUE(data.is_object());
  EXPECT_EQ(data["trials"][3]["reason"], testing::kHostileReason);
  EXPECT_NE(html_.find("loss is nan \\u003c/script\\u003e\\u003cb\\u003eboom"), std::string::npos);
  // The sweep file, verbatim but escaped.
  EXPECT_NE(html_.find("<pre>name = &quot;mlp-sweep&quot;\n# lr &lt; 1 &amp; &lt;b&gt;not bold&lt;/b&gt;"),
            std::string::npos);
}

TEST_F(SweepReport, EmbedsEachTrialAndSaysWhyRecordsAreMissing) {
  const json data = json_script(html_, "nnlab-sweep");
  ASSERT_EQ(data["trials"].size(), 6u);
  const json& first = data["trials"][0];
  EXPECT_EQ(first["name"], "lr=0.1,hidden=[64,32],seed=0");
  EXPECT_EQ(first["status"], "finished");
  EXPECT_EQ(first["seed"], "0");
  EXPECT_EQ(first["settings"], json::parse(R"([["optim.lr", "0.1"], ["model.hidden", "[64, 32]"]])"));
  EXPECT_EQ(first["problem"], "");
  EXPECT_EQ(data["trials"][3]["status"], "diverged");
  EXPECT_EQ(data["trials"][4]["status"], "not run");
  EXPECT_EQ(data["trials"][4]["problem"], "no run folder");
  EXPECT_NE(data["trials"][5]["problem"].get<std::string>().find("metrics.jsonl"), std::string::npos)
      << data["trials"][5]["problem"];
}

TEST_F(SweepReport, ChartsHaveALinePerTrialThatRecordedTheMetric) {
  const json spec = json_script(html_, "nnlab-charts");
  std::vector<std::string> titles;
  for (const json& chart : spec["charts"]) titles.push_back(chart["title"]);
  // Epoch-level tags in the order report/scalar_groups.h gives them, then step/loss; no time/,
  // step/lr or per-parameter tags.
  EXPECT_EQ(titles, (std::vector<std::string>{"train/loss", "val/loss", "test/loss", "train/accuracy", "val/accuracy",
                                              "test/accuracy", "lr", "step/loss"}));
  const json& val_accuracy = spec["charts"][4];
  EXPECT_EQ(val_accuracy["x_title"], "epoch");
  ASSERT_EQ(val_accuracy["series"].size(), 4u) << "three finished trials and the diverged one's first epoch";
  EXPECT_EQ(val_accuracy["series"][0]["label"], "lr=0.1,hidden=[64,32],seed=0");
  EXPECT_EQ(val_accuracy["series"][0]["x"], json::parse("[1, 2, 3]"));
  EXPECT_EQ(val_accuracy["series"][0]["step"], json::parse("[5, 10, 15]"));
  EXPECT_DOUBLE_EQ(val_accuracy["series"][2]["y"][2].get<double>(), 0.9);
  const json& step_loss = spec["charts"][7];
  EXPECT_EQ(step_loss["x_title"], "step");
  EXPECT_EQ(step_loss["series"][3]["x"].size(), 5u);
  EXPECT_FALSE(step_loss["series"][0].contains("step"));
  EXPECT_EQ(count_occurrences(html_, "<canvas id=\"chart-"), 8u);
}

TEST_F(SweepReport, InlinesTheComparisonPlots) {
  EXPECT_NE(html_.find("<figcaption>val_accuracy_by_epoch</figcaption>"), std::string::npos);
  EXPECT_GE(count_occurrences(html_, "<img src=\"data:image/png;base64,"), 3u);
  EXPECT_EQ(html_.find("src=\"plots/"), std::string::npos) << "pictures are inline, not files beside the page";
}

TEST_F(SweepReport, WritesReportHtmlInTheSweepFolder) {
  write_sweep_report(sweep_.outcome, sweep_.rows);
  EXPECT_EQ(testing::read_file(sweep_.outcome.folder / "report.html"), html_);
}

TEST(SweepReportEmpty, ASweepWithNoTrialFolderStillRenders) {
  testing::TempDir tmp;
  SweepOutcome sweep;
  sweep.folder = tmp.path() / "empty-sweep";
  sweep.rank_by = "val/loss";
  TrialOutcome trial;
  trial.trial.name = "base,seed=0";
  trial.trial.configuration = "base";
  trial.folder = sweep.folder / "trials" / trial.trial.name;
  sweep.trials = {trial};
  const std::string html = render_sweep_report(sweep, collect_results(sweep));
  EXPECT_NE(html.find("<h1>empty-sweep <span class=\"status bad\">0 of 1 finished</span></h1>"), std::string::npos);
  EXPECT_NE(html.find("No trial recorded a metric yet."), std::string::npos);
  EXPECT_NE(html.find("sweep.toml not recorded."), std::string::npos);
  EXPECT_NE(html.find("No plots recorded yet"), std::string::npos);
  EXPECT_NE(html.find("(lower is better)"), std::string::npos);
}

}  // namespace
}  // namespace nnlab::lab
