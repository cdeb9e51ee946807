#pragma once
// One writer per run folder. `nnlab train` and `nnlab resume` hold an exclusive lock on the
// folder's .lock file (flock) while they write; the system drops it when the process ends,
// however it ends, so a killed run never leaves a folder locked. The file holds the writer's
// process id, so that a second writer can be told who holds the folder.
#include "nnlab/io/run_folder.h"

namespace nnlab::io {

class RunFolderLock {
 public:
  // Takes the lock, or throws IoError naming the folder and the process (id and command line)
  // that holds it.
  explicit RunFolderLock(const RunFolder& folder);
  ~RunFolderLock();
  RunFolderLock(const RunFolderLock&) = delete;
  RunFolderLock& operator=(const RunFolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace nnlab::io
