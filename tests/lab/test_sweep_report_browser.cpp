// A sweep's report.html in headless Chromium (report/chromium.h): every chart drawn, no error and
// nothing on the console, a screenshot with charts on it, and the compare-two-trials section
// opened through the page's address (#compare=A|B) showing what `nnlab diff` says of the pair.
// Chromium is required: a missing browser fails the test rather than skipping it.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "lab/fake_sweep.h"
#include "nnlab/lab/run_diff.h"
#include "nnlab/lab/sweep_report.h"
#include "nnlab/report/html_escape.h"
#include "report/chromium.h"
#include "testing/temp_dir.h"

namespace nnlab::lab {
namespace {

namespace fs = std::filesystem;

// The page's address with trials `a` and `b` chosen for comparison.
std::string compare_url(const SweepOutcome& sweep, std::size_t a, std::size_t b) {
  return testing::file_url(sweep.folder / "report.html",
                           fmt::format("#compare={}|{}", report::escape_url_segment(sweep.trials[a].trial.name),
                                       report::escape_url_segment(sweep.trials[b].trial.name)));
}

// The inside of the element that starts with `open` ("<tbody id=\"compare-settings\">").
std::string element(const std::string& dom, const std::string& open, const std::string& close) {
  const std::size_t begin = dom.find(open);
  if (begin == std::string::npos) return "";
  return dom.substr(begin + open.size(), dom.find(close, begin) - begin - open.size());
}

// The page loaded, drew its charts and reported no error.
void expect_page_worked(const testing::DumpedPage& page, std::size_t charts) {
  ASSERT_EQ(page.status, 0) << "chromium --dump-dom failed; its log:\n" << page.log;
  ASSERT_FALSE(page.body.empty()) << page.dom.substr(0, 2000);
  EXPECT_EQ(page.body.find("data-errors"), std::string::npos) << "page errors: " << page.body;
  EXPECT_NE(page.body.find(fmt::format("data-charts-drawn=\"{}\"", charts)), std::string::npos)
      << "expected " << charts << " charts; body: " << page.body;
  EXPECT_EQ(testing::console_lines(page.log), std::vector<std::string>{}) << "the page wrote to the console";
}

TEST(SweepReportBrowser, ComparesTwoTrialsChosenByTheAddress) {
  ASSERT_TRUE(testing::chromium_installed()) << testing::kChromiumMissing;
  testing::TempDir tmp;
  const testing::FakeSweep sweep = testing::write_fake_sweep(tmp.path());
  write_sweep_report(sweep.outcome, sweep.rows);
  const std::size_t charts = 8;  // 7 epoch-level metrics and step/loss (test_sweep_report.cpp)

  // lr=0.1 seed 0 against lr=0.01 seed 0, whose step losses part at kPartAtStep.
  const testing::DumpedPage page = testing::dump_dom(compare_url(sweep.outcome, 0, 2), tmp.path());
  expect_page_worked(page, charts);
  const RunDiff diff = diff_runs(sweep.outcome.trials[0].folder, sweep.outcome.trials[2].folder);
  ASSERT_EQ(diff.first_differing_step, testing::kPartAtStep);
  EXPECT_EQ(element(page.dom, "<p id=\"compare-first-difference\">", "</p>"),
            fmt::format("Losses part at step {}.", *diff.first_differing_step));
  EXPECT_EQ(element(page.dom, "<tbody id=\"compare-settings\">", "</tbody>"),
            "<tr><td>optim.lr</td><td>0.1</td><td>0.01</td></tr>");
  const std::string finals = element(page.dom, "<tbody id=\"compare-finals\">", "</tbody>");
  EXPECT_NE(finals.find("<tr><td>val/accuracy</td><td>0.8</td><td>0.9</td><td>0.1</td></tr>"), std::string::npos)
      << finals;
  EXPECT_EQ(element(page.dom, "<pre id=\"compare-command\">", "</pre>"),
            "nnlab diff 'trials/lr=0.1,hidden=[64,32],seed=0' 'trials/lr=0.01,hidden=[64,32],seed=0'");
  EXPECT_NE(page.dom.find("<div id=\"compare-result\">"), std::string::npos) << "the comparison is shown";

  const fs::path shot = tmp.path() / "shot.png";
  const testing::CommandResult screenshot =
      testing::screenshot(compare_url(sweep.outcome, 0, 2), tmp.path(), shot, 1280, 2400);
  ASSERT_EQ(screenshot.status, 0) << screenshot.output;
  const testing::PixelCounts pixels = testing::count_pixels(shot);
  EXPECT_GT(pixels.not_white, pixels.total / 50) << "the page looks blank";
  EXPECT_GT(pixels.chart_blue, 2000) << pixels.chart_blue << " pixels: no chart lines in the first series colour";
}

TEST(SweepReportBrowser, TwoSeedsOfOneConfigurationDifferOnlyInTheSeed) {
  ASSERT_TRUE(testing::chromium_installed()) << testing::kChromiumMissing;
  testing::TempDir tmp;
  const testing::FakeSweep sweep = testing::write_fake_sweep(tmp.path());
  write_sweep_report(sweep.outcome, sweep.rows);

  // The fixture's seeds record the same losses: nnlab diff finds no step where they part.
  const testing::DumpedPage page = testing::dump_dom(compare_url(sweep.outcome, 0, 1), tmp.path());
  expect_page_worked(page, 8);
  ASSERT_EQ(diff_runs(sweep.outcome.trials[0].folder, sweep.outcome.trials[1].folder).first_differing_step,
            std::nullopt);
  EXPECT_EQ(element(page.dom, "<p id=\"compare-first-difference\">", "</p>"),
            "No difference: losses identical for all 15 steps.");
  EXPECT_EQ(element(page.dom, "<tbody id=\"compare-settings\">", "</tbody>"),
            "<tr><td>seed</td><td>0</td><td>1</td></tr>");
}

}  // namespace
}  // namespace nnlab::lab
