// report.html in a real browser: headless Chromium loads a report, runs its scripts and dumps
// the DOM, which must show every chart drawn (body data-charts-drawn) and no error (data-errors),
// with nothing on the console; a screenshot must show a page with charts on it. Chromium is
// required: a missing browser fails the test rather than skipping it.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "nnlab/report/html_report.h"
#include "report/chromium.h"
#include "report/html_report_fixture.h"
#include "testing/temp_dir.h"

namespace nnlab::report {
namespace {

namespace fs = std::filesystem;

TEST(HtmlReportBrowser, ChromiumDrawsEveryChartWithoutErrors) {
  ASSERT_TRUE(testing::chromium_installed()) << testing::kChromiumMissing;
  testing::TempDir tmp;
  const testing::FakeRunOptions options{.epochs = 12, .steps_per_epoch = 40, .odd_tag = "probe/</script><b>x"};
  const fs::path dir = testing::write_fake_run(tmp.path() / "run", options);
  write_html_report(dir);
  const std::string url = testing::file_url(dir / "report.html");

  const testing::DumpedPage page = testing::dump_dom(url, tmp.path());
  ASSERT_EQ(page.status, 0) << "chromium --dump-dom failed; its log:\n" << page.log;
  ASSERT_FALSE(page.body.empty()) << page.dom.substr(0, 2000);
  EXPECT_EQ(page.body.find("data-errors"), std::string::npos) << "page errors: " << page.body;
  EXPECT_NE(page.body.find(fmt::format("data-charts-drawn=\"{}\"", testing::fake_run_chart_count(options))),
            std::string::npos)
      << "expected " << testing::fake_run_chart_count(options) << " charts; body: " << page.body;
  EXPECT_EQ(testing::console_lines(page.log), std::vector<std::string>{}) << "the page wrote to the console";

  const fs::path shot = tmp.path() / "shot.png";
  const testing::CommandResult screenshot = testing::screenshot(url, tmp.path(), shot, 1280, 2000);
  ASSERT_EQ(screenshot.status, 0) << screenshot.output;
  ASSERT_TRUE(fs::exists(shot));
  const testing::PixelCounts pixels = testing::count_pixels(shot);
  EXPECT_EQ(pixels.total, 1280 * 2000);
  EXPECT_GT(pixels.not_white, pixels.total / 50) << "the page looks blank";
  EXPECT_GT(pixels.chart_blue, 2000) << pixels.chart_blue
                                     << " pixels: no chart lines in the first series colour: the charts did not draw";
}

}  // namespace
}  // namespace nnlab::report
