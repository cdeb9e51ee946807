// libnnlab_mpi.so: OpenMPI behind the C interface of nnlab/lab/mpi_plugin_abi.h. Every message
// travels on MPI_COMM_WORLD with one tag, as bytes.
#include <mpi.h>

#include "nnlab/lab/mpi_plugin_abi.h"

namespace {

constexpr int kTag = 7;

int init() { return MPI_Init(nullptr, nullptr) == MPI_SUCCESS ? 0 : 1; }

int rank() {
  int value = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &value);
  return value;
}

int size() {
  int value = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &value);
  return value;
}

int send(int to, const char* bytes, int count) {
  return MPI_Send(bytes, count, MPI_CHAR, to, kTag, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : 1;
}

int poll(int* from, int* count) {
  int waiting = 0;
  MPI_Status status;
  if (MPI_Iprobe(MPI_ANY_SOURCE, kTag, MPI_COMM_WORLD, &waiting, &status) != MPI_SUCCESS || !waiting) return 0;
  *from = status.MPI_SOURCE;
  MPI_Get_count(&status, MPI_CHAR, count);
  return 1;
}

int receive(int from, char* bytes, int count) {
  return MPI_Recv(bytes, count, MPI_CHAR, from, kTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE) == MPI_SUCCESS ? 0 : 1;
}

int finalize() { return MPI_Finalize() == MPI_SUCCESS ? 0 : 1; }

const char* library_version() {
  static char text[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  MPI_Get_library_version(text, &length);
  return text;
}

const NnlabMpiApi kApi = {kNnlabMpiAbiVersion, init, rank, size, send, poll, receive, finalize, library_version};

}  // namespace

extern "C" const NnlabMpiApi* nnlab_mpi_api(void) { return &kApi; }
