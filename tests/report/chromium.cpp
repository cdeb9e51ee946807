#include "report/chromium.h"

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "nnlab/data/image_decode.h"
#include "report/html_report_fixture.h"

namespace nnlab::testing {
namespace {

namespace fs = std::filesystem;

// The text in single quotes for the shell (test paths and addresses hold no quote). Built by
// appending: GCC 12 warns falsely (-Wrestrict) about "'" + string + "'".
std::string shell_quoted(const std::string& text) {
  std::string out(1, '\'');
  out += text;
  out += '\'';
  return out;
}

// Headless Chromium on `url` with `flags`; stderr (its log, with console messages) to `log`.
// flock runs one browser at a time across test processes (a browser is heavy on two cores), and
// timeout bounds a browser that hangs.
CommandResult chromium(const std::string& url, const fs::path& profile, const std::string& flags, const fs::path& log) {
  const fs::path lock = fs::temp_directory_path() / "nnlab-test-chromium.lock";
  std::string command = "flock " + shell_quoted(lock.string());
  command += " timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=";
  command += shell_quoted(profile.string());
  command += " --virtual-time-budget=5000 --enable-logging=stderr --v=0 " + flags + " " + shell_quoted(url);
  command += " 2>" + shell_quoted(log.string());
  return run_command(command);
}

}  // namespace

const char* const kChromiumMissing =
    "chromium is not installed (Debian package chromium; scripts/setup.sh installs it)";

CommandResult run_command(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) result.output.append(buffer, n);
  result.status = ::pclose(pipe);
  return result;
}

bool chromium_installed() { return run_command("command -v chromium >/dev/null 2>&1").status == 0; }

std::string file_url(const fs::path& page, const std::string& fragment) {
  std::string url = "file://";
  url += fs::absolute(page).string();
  url += fragment;
  return url;
}

DumpedPage dump_dom(const std::string& url, const fs::path& work_dir) {
  const fs::path log = work_dir / "dom.log";
  const CommandResult result = chromium(url, work_dir / "profile-dom", "--dump-dom", log);
  DumpedPage page{.status = result.status, .dom = result.output, .log = read_file(log), .body = ""};
  std::smatch body;
  if (std::regex_search(page.dom, body, std::regex("<body[^>]*>"))) page.body = body.str();
  return page;
}

std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.find(":CONSOLE") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

CommandResult screenshot(const std::string& url, const fs::path& work_dir, const fs::path& png, int width, int height) {
  const fs::path log = work_dir / "shot.log";
  const std::string flags =
      fmt::format("--hide-scrollbars --window-size={},{} --screenshot={}", width, height, shell_quoted(png.string()));
  CommandResult result = chromium(url, work_dir / "profile-shot", flags, log);
  result.output = read_file(log);
  return result;
}

PixelCounts count_pixels(const fs::path& png) {
  const std::string bytes = read_file(png);
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

}  // namespace nnlab::testing
