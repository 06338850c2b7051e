#include "sandbox/joined_namespaces.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace snaprun::sandbox {
namespace {

const char* KindName(int clone_flag) {
  for (const auto& kind : NamespaceKinds()) {
    if (kind.clone_flag == clone_flag) return kind.oci_name;
  }
  return "unknown";
}

const char* ProcName(int clone_flag) {
  for (const auto& kind : NamespaceKinds()) {
    if (kind.clone_flag == clone_flag) return kind.proc_name;
  }
  return "unknown";
}

// The namespace at PATH, checked to be of the kind CLONE_FLAG names: a path to the
// wrong kind would otherwise be refused by setns with a bare EINVAL.
Result<UniqueFd> OpenNamespaceFile(const JoinedNamespace& joined) {
  const std::string what = std::string("the ") + KindName(joined.clone_flag) + " namespace " +
                           joined.path;
  UniqueFd fd(open(joined.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open", joined.path).Wrap("joining " + what);
  // NS_GET_NSTYPE: the CLONE_NEW* flag of the namespace behind the fd.
  int type = ioctl(fd.get(), NS_GET_NSTYPE);
  if (type < 0) {
    return Error(ErrorCode::kInvalidInput,
                 "joining " + what + ": it is not a namespace file (" + strerror(errno) + ")");
  }
  if (type != joined.clone_flag) {
    return Error(ErrorCode::kInvalidInput, "joining " + what + ": it is a " +
                                               KindName(type) + " namespace, not a " +
                                               KindName(joined.clone_flag) + " one");
  }
  return fd;
}

}  // namespace

uint64_t JoinedCloneFlags(const std::vector<JoinedNamespace>& joined) {
  uint64_t flags = 0;
  for (const auto& j : joined) flags |= static_cast<uint64_t>(j.clone_flag);
  return flags;
}

Result<JoinedNamespacesForClone> JoinedNamespacesForClone::Enter(
    const std::vector<JoinedNamespace>& joined) {
  JoinedNamespacesForClone entered;
  for (const auto& j : joined) {
    UniqueFd target = SNAPRUN_TRY(OpenNamespaceFile(j));
    std::string own_path = std::string("/proc/thread-self/ns/") + ProcName(j.clone_flag);
    UniqueFd own(open(own_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!own) return Error::FromErrno("open", own_path);
    if (setns(target.get(), j.clone_flag) != 0) {
      int err = errno;
      std::string message = std::string("joining the ") + KindName(j.clone_flag) +
                            " namespace " + j.path + ": setns: " + strerror(err);
      if (err == EPERM) {
        message += " (joining needs CAP_SYS_ADMIN over that namespace and in the runtime's "
                   "own user namespace: run as root)";
      }
      return Error(ErrorCode::kSystem, message, err);
    }
    entered.own_.push_back({ProcName(j.clone_flag), j.clone_flag, std::move(own)});
  }
  return entered;
}

Result<void> JoinedNamespacesForClone::Leave() {
  while (!own_.empty()) {
    NamespaceFd& own = own_.back();
    if (setns(own.fd.get(), own.clone_flag) != 0) {
      return Error::FromErrno("setns", "the runtime's own " + own.name + " namespace");
    }
    own_.pop_back();
  }
  return Ok();
}

JoinedNamespacesForClone::~JoinedNamespacesForClone() { (void)Leave(); }

}  // namespace snaprun::sandbox
