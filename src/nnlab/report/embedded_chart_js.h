#pragma once
// Chart.js (the minified build of Debian's libjs-chart.js), compiled into the library so that
// report.html carries it inline and draws its charts offline. The definition is generated at
// configure time (cmake/embed_file.cmake) into the build folder.
#include <string_view>

namespace nnlab::report {

// The whole chart.min.js text, starting with its "Chart.js vX.Y.Z" banner comment.
std::string_view chart_js_source();

}  // namespace nnlab::report
