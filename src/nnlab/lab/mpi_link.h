#pragma once
// MPI for `mpirun -np N nnlab sweep`: libnnlab_mpi.so (beside the nnlab binary) loaded at run
// time, only when mpirun started this process, so nnlab needs no MPI otherwise. Ranks exchange
// short text messages; rank 0 hands out the sweep's trials, the others run them.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

struct NnlabMpiApi;

namespace nnlab::lab {

struct MpiMessage {
  int from = 0;
  std::string text;
};

class MpiLink {
 public:
  // Opened and MPI initialised when mpirun started this process with more than one rank
  // (OMPI_COMM_WORLD_SIZE or PMI_SIZE > 1); nothing otherwise. Throws IoError naming the library
  // and why when it cannot be loaded or MPI does not start.
  static std::unique_ptr<MpiLink> open_if_launched(const std::filesystem::path& library_dir);
  ~MpiLink();  // MPI_Finalize
  MpiLink(const MpiLink&) = delete;
  MpiLink& operator=(const MpiLink&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Ranks of this process's host (they share its cores): OMPI_COMM_WORLD_LOCAL_SIZE, else 1.
  int local_size() const { return local_size_; }
  std::string library_version() const;

  void send(int to, const std::string& text) const;  // throws IoError when MPI fails
  std::optional<MpiMessage> poll() const;            // a waiting message, without blocking

 private:
  explicit MpiLink(const NnlabMpiApi* api);

  const NnlabMpiApi* api_ = nullptr;  // from the library, which stays loaded until the process ends
  int rank_ = 0, size_ = 1, local_size_ = 1;
};

}  // namespace nnlab::lab
