// Existing namespaces a sandbox enters instead of creating its own
// (linux.namespaces[].path), as a pod's containers share its network, ipc and uts
// namespaces. The supervisor's thread enters them just before the clone, so init is born
// inside them, and returns to its own right after: the kernel then checks each join
// against the caller's capabilities, not the half-built sandbox's. Only kinds whose
// setns is per-thread and leaves init's own setup alone are joinable: network, ipc,
// uts and cgroup. user, mount, pid and time are refused when the config is read.
#pragma once

#include <cstdint>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/config.h"
#include "sandbox/namespaces.h"

namespace snaprun::sandbox {

// The CLONE_NEW* flags of the joined namespaces.
uint64_t JoinedCloneFlags(const std::vector<JoinedNamespace>& joined);

// While alive, the calling thread is in JOINED's namespaces; Leave (or the destructor,
// on an error path) returns it to the namespaces it had.
class JoinedNamespacesForClone {
 public:
  // Opens each path, checks it is a namespace of its kind, and enters it. A failure
  // names the path and leaves the thread where it was.
  static Result<JoinedNamespacesForClone> Enter(const std::vector<JoinedNamespace>& joined);

  JoinedNamespacesForClone(JoinedNamespacesForClone&&) = default;
  JoinedNamespacesForClone& operator=(JoinedNamespacesForClone&&) = delete;
  JoinedNamespacesForClone(const JoinedNamespacesForClone&) = delete;
  ~JoinedNamespacesForClone();

  // Back to the thread's own namespaces. An error means the thread is still inside one.
  Result<void> Leave();

 private:
  JoinedNamespacesForClone() = default;
  std::vector<NamespaceFd> own_;  // the thread's namespaces before Enter, to go back to
};

}  // namespace snaprun::sandbox
