#pragma once
// The C interface between nnlab and libnnlab_mpi.so, the small library that links OpenMPI. nnlab
// loads it with dlopen only when started by mpirun, so neither the build of nnlab itself nor a
// sweep without mpirun needs MPI at run time. Messages are byte strings (JSON text) between ranks.
extern "C" {

struct NnlabMpiApi {
  int abi_version;  // kNnlabMpiAbiVersion of the library that made it
  int (*init)(void);          // MPI_Init; 0 on success
  int (*rank)(void);          // this process's rank in MPI_COMM_WORLD
  int (*size)(void);          // the number of ranks
  int (*send)(int to, const char* bytes, int count);  // blocking send; 0 on success
  int (*poll)(int* from, int* count);                 // 1 and the sender and size when a message waits, else 0
  int (*receive)(int from, char* bytes, int count);   // the message poll announced; 0 on success
  int (*finalize)(void);                              // MPI_Finalize; 0 on success
  const char* (*library_version)(void);               // MPI_Get_library_version's text
};

// The one symbol the library exports.
const NnlabMpiApi* nnlab_mpi_api(void);
}

inline constexpr int kNnlabMpiAbiVersion = 1;
inline constexpr const char* kNnlabMpiLibrary = "libnnlab_mpi.so";
