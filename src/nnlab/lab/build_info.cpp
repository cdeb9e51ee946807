#include "nnlab/lab/build_info.h"

#include <fmt/format.h>
#include <google/protobuf/stubs/common.h>
#include <lapacke.h>
#include <oneapi/dnnl/dnnl.h>
#include <plplot/plplot.h>
#include <png.h>
#include <zlib.h>

#include "nnlab_git_commit.h"  // generated at every build: NNLAB_GIT_COMMIT

namespace nnlab::lab {

std::string nnlab_version() { return NNLAB_VERSION; }
std::string git_commit() { return NNLAB_GIT_COMMIT; }

std::vector<std::pair<std::string, std::string>> library_versions() {
  const dnnl_version_t* dnnl = dnnl_version();
  lapack_int major = 0, minor = 0, patch = 0;
  LAPACKE_ilaver(&major, &minor, &patch);
  char plplot[80] = {};
  plgver(plplot);
  return {{"oneDNN", fmt::format("{}.{}.{}", dnnl->major, dnnl->minor, dnnl->patch)},
          {"LAPACK", fmt::format("{}.{}.{}", major, minor, patch)},
          {"PLplot", plplot},
          {"protobuf", google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION)},
          {"zlib", zlibVersion()},
          {"libpng", png_get_libpng_ver(nullptr)},
          {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)}};
}

}  // namespace nnlab::lab
