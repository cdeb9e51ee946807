// report.html in a real browser: headless Chromium loads a report, runs its scripts and dumps
// the DOM, which must show every chart drawn (body data-charts-drawn) and no error (data-errors),
// with nothing on the console; a screenshot must show a page with charts on it. Chromium is
// required: a missing browser fails the test rather than skipping it.
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "nnlab/data/image_decode.h"
#include "nnlab/report/html_report.h"
#include "report/html_report_fixture.h"
#include "testing/temp_dir.h"

namespace nnlab::report {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int status = -1;
  std::string output;  // stdout
};

// Runs `command` through the shell; stderr goes where the command sends it.
CommandResult run(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) result.output.append(buffer, n);
  result.status = ::pclose(pipe);
  return result;
}

// The path in single quotes for the shell (test paths hold no quote). Built by appending: GCC 12
// warns falsely (-Wrestrict) about "'" + string + "'".
std::string shell_quoted(const fs::path& path) {
  std::string out(1, '\'');
  out += path.string();
  out += '\'';
  return out;
}

// Headless Chromium on `page` with `flags`; stderr (its log, with console messages) to `log`.
// flock runs one browser at a time across test processes (a browser is heavy on two cores), and
// timeout bounds a browser that hangs.
CommandResult chromium(const fs::path& page, const fs::path& profile, const std::string& flags, const fs::path& log) {
  const fs::path lock = fs::temp_directory_path() / "nnlab-test-chromium.lock";
  return run("flock " + shell_quoted(lock) +
             " timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run " +
             "--user-data-dir=" + shell_quoted(profile) + " --virtual-time-budget=5000 --enable-logging=stderr --v=0 " +
             flags + " " + shell_quoted("file://" + fs::absolute(page).string()) + " 2>" + shell_quoted(log));
}

// Console messages in Chromium's log. This Chromium logs every console level (log, warn,
// error) and every uncaught exception as "INFO:CONSOLE", so any such line counts: the page
// writes nothing to the console when it works.
std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

// Pixels of a screenshot that are not near-white, and those in Chart.js's first series colour
// (#1f77b4, blue) give or take anti-aliasing.
struct PixelCounts {
  std::int64_t total = 0, not_white = 0, chart_blue = 0;
};

PixelCounts count_pixels(const fs::path& png) {
  const std::string bytes = testing::read_file(png);
  const data::DecodedImage image =
      data::decode_image({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, png.string());
  PixelCounts counts;
  counts.total = image.height * image.width;
  for (std::size_t i = 0; i + 2 < image.rgb.size(); i += 3) {
    const int r = image.rgb[i], g = image.rgb[i + 1], b = image.rgb[i + 2];
    counts.not_white += (r < 240 || g < 240 || b < 240) ? 1 : 0;
    counts.chart_blue += (std::abs(r - 0x1f) < 12 && std::abs(g - 0x77) < 12 && std::abs(b - 0xb4) < 12) ? 1 : 0;
  }
  return counts;
}

TEST(HtmlReportBrowser, ChromiumDrawsEveryChartWithoutErrors) {
  ASSERT_EQ(run("command -v chromium >/dev/null 2>&1").status, 0)
      << "chromium is not installed (Debian package chromium; scripts/setup.sh installs it)";
  testing::TempDir tmp;
  const testing::FakeRunOptions options{.epochs = 12, .steps_per_epoch = 40, .odd_tag = "probe/</script><b>x"};
  const fs::path dir = testing::write_fake_run(tmp.path() / "run", options);
  write_html_report(dir);
  const fs::path page = dir / "report.html";

  const CommandResult dom = chromium(page, tmp.path() / "profile-dom", "--dump-dom", tmp.path() / "dom.log");
  ASSERT_EQ(dom.status, 0) << "chromium --dump-dom failed; its log:\n" << testing::read_file(tmp.path() / "dom.log");
  std::smatch body;
  ASSERT_TRUE(std::regex_search(dom.output, body, std::regex("<body[^>]*>"))) << dom.output.substr(0, 2000);
  const std::string body_tag = body.str();
  EXPECT_EQ(body_tag.find("data-errors"), std::string::npos) << "page errors: " << body_tag;
  EXPECT_NE(body_tag.find(fmt::format("data-charts-drawn=\"{}\"", testing::fake_run_chart_count(options))),
            std::string::npos)
      << "expected " << testing::fake_run_chart_count(options) << " charts; body: " << body_tag;
  EXPECT_EQ(console_lines(testing::read_file(tmp.path() / "dom.log")), std::vector<std::string>{})
      << "the page wrote to the console";

  const fs::path shot = tmp.path() / "shot.png";
  const CommandResult screenshot =
      chromium(page, tmp.path() / "profile-shot",
               "--hide-scrollbars --window-size=1280,2000 --screenshot=" + shell_quoted(shot), tmp.path() / "shot.log");
  ASSERT_EQ(screenshot.status, 0) << testing::read_file(tmp.path() / "shot.log");
  ASSERT_TRUE(fs::exists(shot));
  const PixelCounts pixels = count_pixels(shot);
  EXPECT_EQ(pixels.total, 1280 * 2000);
  EXPECT_GT(pixels.not_white, pixels.total / 50) << "the page looks blank";
  EXPECT_GT(pixels.chart_blue, 2000) << pixels.chart_blue
                                     << " pixels: no chart lines in the first series colour: the charts did not draw";
}

}  // namespace
}  // namespace nnlab::report
