#pragma once
// What a run needs to be reproduced: the nnlab version and git commit it was built from, and
// the versions of the libraries that compute its numbers. Written into run.json.
#include <string>
#include <utility>
#include <vector>

namespace nnlab::lab {

std::string nnlab_version();  // "0.1.0"
std::string git_commit();     // the commit the build came from ("unknown" outside a git checkout)
// (library, version) pairs: oneDNN, LAPACK, PLplot, protobuf, zlib, libpng, fmt.
std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace nnlab::lab
