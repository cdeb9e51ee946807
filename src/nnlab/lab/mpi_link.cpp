#include "nnlab/lab/mpi_link.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>

#include "nnlab/core/check.h"
#include "nnlab/lab/mpi_plugin_abi.h"

namespace nnlab::lab {
namespace {

int environment_count(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? 0 : std::atoi(value);
}

}  // namespace

std::unique_ptr<MpiLink> MpiLink::open_if_launched(const std::filesystem::path& library_dir) {
  const int ranks = std::max(environment_count("OMPI_COMM_WORLD_SIZE"), environment_count("PMI_SIZE"));
  if (ranks <= 1) return nullptr;
  const std::filesystem::path library = library_dir / kNnlabMpiLibrary;
  // RTLD_GLOBAL: Open MPI's own components are loaded later and look for its symbols globally.
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_GLOBAL);
  NNLAB_CHECK(handle != nullptr, IoError, "started by mpirun with {} ranks, but cannot load '{}': {}", ranks,
              library.string(), dlerror());
  const auto entry = reinterpret_cast<const NnlabMpiApi* (*)()>(dlsym(handle, "nnlab_mpi_api"));
  const NnlabMpiApi* api = entry == nullptr ? nullptr : entry();
  if (api == nullptr || api->abi_version != kNnlabMpiAbiVersion) {
    dlclose(handle);
    throw IoError("'" + library.string() + "' is not the MPI library of this nnlab build (rebuild nnlab)");
  }
  if (api->init() != 0) {
    dlclose(handle);
    throw IoError("MPI_Init failed (started by mpirun with " + std::to_string(ranks) + " ranks)");
  }
  return std::unique_ptr<MpiLink>(new MpiLink(api));
}

MpiLink::MpiLink(const NnlabMpiApi* api)
    : api_(api),
      rank_(api->rank()),
      size_(api->size()),
      local_size_(std::max(1, environment_count("OMPI_COMM_WORLD_LOCAL_SIZE"))) {}

MpiLink::~MpiLink() { api_->finalize(); }

std::string MpiLink::library_version() const { return api_->library_version(); }

void MpiLink::send(int to, const std::string& text) const {
  NNLAB_CHECK(api_->send(to, text.data(), static_cast<int>(text.size())) == 0, IoError,
              "MPI: sending to rank {} failed", to);
}

std::optional<MpiMessage> MpiLink::poll() const {
  int from = 0, count = 0;
  if (api_->poll(&from, &count) == 0) return std::nullopt;
  MpiMessage message{.from = from, .text = std::string(static_cast<std::size_t>(count), '\0')};
  NNLAB_CHECK(api_->receive(from, message.text.data(), count) == 0, IoError, "MPI: receiving from rank {} failed",
              from);
  return message;
}

}  // namespace nnlab::lab
