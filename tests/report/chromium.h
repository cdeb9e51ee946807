#pragma once
// Driving headless Chromium from a test: a page is loaded from a file:// address, its scripts run,
// and the test reads the DOM Chromium dumps, the console lines in its log, or a screenshot. Used
// by the browser tests of a run's and a sweep's report.html. Chromium is required: a test asserts
// chromium_installed() and fails, never skips, without it.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nnlab::testing {

struct CommandResult {
  int status = -1;
  std::string output;  // stdout
};

// Runs `command` through the shell; stderr goes where the command sends it.
CommandResult run_command(const std::string& command);

// The message a test gives when chromium_installed() is false.
extern const char* const kChromiumMissing;
bool chromium_installed();

// "file:///abs/path/page.html", then `fragment` ("#compare=a|b") as it is.
std::string file_url(const std::filesystem::path& page, const std::string& fragment = "");

// A page after its scripts ran (--dump-dom), with Chromium's log.
struct DumpedPage {
  int status = -1;   // the browser's exit status (0: it loaded the page)
  std::string dom;   // the serialised DOM
  std::string log;   // Chromium's stderr, where console messages go
  std::string body;  // the <body ...> start tag of dom: data-charts-drawn and data-errors are on it
};

// Loads `url` with a fresh profile under `work_dir` and dumps its DOM.
DumpedPage dump_dom(const std::string& url, const std::filesystem::path& work_dir);

// Console messages in Chromium's log. This Chromium logs every console level (log, warn, error)
// and every uncaught exception as "INFO:CONSOLE", so any such line counts: a page that works
// writes nothing to the console.
std::vector<std::string> console_lines(const std::string& log);

// Screenshots `url` at width x height into `png`, with a fresh profile under `work_dir`; returns
// the browser's exit status and its log as output.
CommandResult screenshot(const std::string& url, const std::filesystem::path& work_dir,
                         const std::filesystem::path& png, int width, int height);

// Pixels of a screenshot that are not near-white, and those in Chart.js's first series colour
// (#1f77b4, blue) give or take anti-aliasing.
struct PixelCounts {
  std::int64_t total = 0, not_white = 0, chart_blue = 0;
};
PixelCounts count_pixels(const std::filesystem::path& png);

}  // namespace nnlab::testing
