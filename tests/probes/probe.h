// snaprun-probe: runs one escape attempt inside a sandbox and prints one JSON line
// {"attack","result","errno","detail"}. "blocked" means the sandbox stopped it,
// "escaped" that it worked, "error" that the probe could not tell (say why in detail).
// Static, no NSS, no allocation-heavy libraries: it must run in a bare busybox rootfs.
#pragma once

#include <cerrno>
#include <string>
#include <vector>

namespace snaprun::probe {

enum class Outcome { kBlocked, kEscaped, kError };

struct Report {
  Outcome outcome = Outcome::kError;
  int err = 0;  // errno of the decisive call, 0 when none
  std::string detail;
};

using Args = std::vector<std::string>;
using Attack = Report (*)(const Args& args);

// The errnos that mean "refused": a missing privilege, a filter, a read-only or
// absent object. Anything else after a privileged call means the check was passed.
bool IsRefusal(int err);
// Blocked when CALL_RESULT failed with a refusal, escaped on success, else error.
Report Judge(long call_result, int err, const std::string& what);
// For calls the kernel refuses up front without the privilege (init_module, kexec):
// any other failure (EINVAL, EFAULT…) means the privilege check was passed.
Report JudgePrivileged(long call_result, int err, const std::string& what);
// Combines several attempts: escaped if any escaped, else error if any errored.
Report Worst(const std::vector<Report>& reports);
// Runs CALL and judges it with the errno it left, read before anything else runs
// (never pass errno beside a call in one argument list: the order is unspecified).
template <typename Fn>
Report Try(const std::string& what, Fn call) {
  long rc = call();
  int err = errno;
  return Judge(rc, err, what);
}
template <typename Fn>
Report TryPrivileged(const std::string& what, Fn call) {
  long rc = call();
  int err = errno;
  return JudgePrivileged(rc, err, what);
}
// "what: strerror(err)".
std::string Describe(const std::string& what, int err);

// Attacks, one per subcommand (see probe.cc for the table).
Report WriteRoot(const Args&);
Report WritePath(const Args&);
Report Mount(const Args&);
Report MountOver(const Args&);
Report Umount(const Args&);
Report PivotRoot(const Args&);
Report ChrootEscape(const Args&);
Report Mknod(const Args&);
Report ProcExe(const Args&);
Report CwdProcfd(const Args&);
Report CgroupWrite(const Args&);
Report Sysrq(const Args&);
Report MaskedRead(const Args&);
Report DiskFill(const Args&);
Report Ptrace(const Args&);
Report Caps(const Args&);
Report InitPrivileges(const Args&);
Report OwnStatus(const Args&);
Report HostRootMapped(const Args&);
Report Setuid(const Args&);
Report Ids(const Args&);
Report Fds(const Args&);
Report Pids(const Args&);
Report Userns(const Args&);
Report Forkbomb(const Args&);
Report Memhog(const Args&);
Report CpuSpin(const Args&);
Report NetConnect(const Args&);
Report UnixConnect(const Args&);
Report Kmod(const Args&);
Report Keyctl(const Args&);
Report Bpf(const Args&);
Report IoUring(const Args&);
Report Perf(const Args&);
Report X32(const Args&);
Report I386(const Args&);
Report Kexec(const Args&);
Report Tiocsti(const Args&);
Report TiocstiPty(const Args&);
Report MountApi(const Args&);
Report OpenByHandle(const Args&);
Report Setns(const Args&);

}  // namespace snaprun::probe
