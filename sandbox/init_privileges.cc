#include "sandbox/init_privileges.h"

#include <linux/capability.h>
#include <sys/prctl.h>

#include <cerrno>

namespace snaprun::sandbox {

Result<InitPrivileges> PlanInitPrivileges() {
  CapabilitySets sets;
  sets.bounding = sets.effective = sets.permitted = {CAP_KILL};
  InitPrivileges out;
  out.capabilities = SNAPRUN_TRY(PlanCapabilities(sets));
  SeccompProfile profile;
  profile.default_action = "SCMP_ACT_ERRNO";
  profile.default_errno_ret = EPERM;
  SeccompRule allowed;
  allowed.action = "SCMP_ACT_ALLOW";
  allowed.names = {
      // init's own loop
      "rt_sigtimedwait", "rt_sigreturn", "rt_sigprocmask", "restart_syscall", "kill", "wait4",
      "waitid", "sendto", "sendmsg", "write", "close", "exit", "exit_group",
      // a sanitizer runtime's allocator and its death path; no file may be opened:
      // uid 0 without capabilities still owns root's files
      "mmap", "munmap", "mprotect", "madvise", "brk", "futex", "getpid", "gettid", "tgkill",
      "sched_yield", "clock_gettime", "sigaltstack"};
  profile.syscalls.push_back(allowed);
  out.seccomp = SNAPRUN_TRY(CompileSeccomp(profile));
  return out;
}

int DropInitPrivileges(const InitPrivileges& privileges) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return errno;
  int failed_cap = -1;
  if (int err = ApplyCapabilities(privileges.capabilities, &failed_cap); err != 0) return err;
  return InstallSeccomp(privileges.seccomp);
}

}  // namespace snaprun::sandbox
