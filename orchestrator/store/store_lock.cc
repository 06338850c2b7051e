#include "orchestrator/store/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include "orchestrator/store/fs_at.h"
#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

Result<ScopedLock> Lock(const std::string& home, int operation) {
  SNAPRUN_TRY(MakeDirectories(home, 0700));
  std::string path = StoreLockPath(home);
  // Read-only is enough for flock, and lets a user lock a file another user created.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) return Error::FromErrno("open", path);
  if (RetryOnEintr([&] { return ::flock(fd.get(), operation); }) != 0) {
    if (errno == EWOULDBLOCK) {
      return Error(ErrorCode::kAlreadyExists, path + " is held by a run or another gc");
    }
    return Error::FromErrno("lock", path);
  }
  return ScopedLock(std::move(fd));
}

}  // namespace

std::string StoreLockPath(const std::string& home) { return home + "/gc.lock"; }

Result<ScopedLock> LockStoreShared(const std::string& home) { return Lock(home, LOCK_SH); }

Result<ScopedLock> LockStoreExclusive(const std::string& home) { return Lock(home, LOCK_EX); }

Result<ScopedLock> TryLockStoreExclusive(const std::string& home) {
  return Lock(home, LOCK_EX | LOCK_NB);
}

}  // namespace snaprun::orchestrator
