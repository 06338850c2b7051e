// The store lock, SNAPRUN_HOME/gc.lock: garbage collection holds it exclusive while it
// decides what is unreferenced and deletes it; a run holds it shared from before it
// writes its first object (preparing: snapshot, image, tree) until its digests are in the
// history (after harvesting), so gc never deletes what a live run is about to reference.
// flock(2) locks: released when the holder exits, so a crash never leaves the store locked.
#pragma once

#include <string>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

// Holds a flock until destroyed (or moved from).
class ScopedLock {
 public:
  ScopedLock() = default;
  explicit ScopedLock(UniqueFd fd) : fd_(std::move(fd)) {}
  ScopedLock(ScopedLock&&) noexcept = default;
  ScopedLock& operator=(ScopedLock&&) noexcept = default;
  bool held() const { return static_cast<bool>(fd_); }
  void Release() { fd_.Reset(); }

 private:
  UniqueFd fd_;
};

std::string StoreLockPath(const std::string& home);

// Shared: many runs at once; waits while gc holds it exclusive.
Result<ScopedLock> LockStoreShared(const std::string& home);
// Exclusive, for gc: waits for every preparing or harvesting run to let go.
Result<ScopedLock> LockStoreExclusive(const std::string& home);
// Exclusive without waiting; kAlreadyExists ("busy") when someone holds it.
Result<ScopedLock> TryLockStoreExclusive(const std::string& home);

}  // namespace snaprun::orchestrator
