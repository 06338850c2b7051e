#include "sandbox/child_setup.h"

#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/capabilities.h"
#include "sandbox/child_error.h"
#include "sandbox/child_hooks.h"
#include "sandbox/clocks_and_cpus.h"
#include "sandbox/device_nodes.h"
#include "sandbox/console.h"
#include "sandbox/devices.h"
#include "sandbox/fds.h"
#include "sandbox/init.h"
#include "sandbox/keyring.h"
#include "sandbox/mounts.h"
#include "sandbox/network.h"
#include "sandbox/rlimits.h"
#include "sandbox/rootfs.h"
#include "sandbox/seccomp.h"
#include "sandbox/sysctl.h"

namespace snaprun::sandbox {
namespace {

[[noreturn]] void Die(int report_fd, const ChildError& e) {
  ReportFailure(report_fd, e.step, e.err, e.detail);
  _exit(127);
}

void Check(int report_fd, const ChildError& e) {
  if (e.failed()) Die(report_fd, e);
}

// Runs CALL; on failure reports and exits, else marks STEP done.
#define SNAPRUN_CHILD_STEP(step, call) \
  do {                                 \
    Check(report_fd, (call));          \
    done |= StepBit(step);             \
  } while (0)

ChildError SetStdio(const ChildChannel& ch) {
  const int wanted[3] = {ch.stdin_fd, ch.stdout_fd, ch.stderr_fd};
  for (int i = 0; i < 3; ++i) {
    if (wanted[i] != i && dup2(wanted[i], i) < 0) return Fail(Step::kStdio, errno, "dup2", "stdio");
  }
  return Success();
}

ChildError WaitForGo(int report_fd) {
  char go = 0;
  ssize_t n;
  do {
    n = read(report_fd, &go, 1);
  } while (n < 0 && errno == EINTR);
  // EOF: the supervisor died before GO; nothing may run unsupervised.
  if (n != 1 || go != 'G') _exit(1);
  return Success();
}

// The create/start split: everything is set up, the command has not run. EOF means
// the monitor died, and nothing may run unsupervised.
void WaitForStart(int report_fd) {
  char start = 0;
  ssize_t n;
  do {
    n = read(report_fd, &start, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1 || start != 'S') _exit(1);
}

ChildError BecomeRootInside(const ChildPlan& plan) {
  if (!plan.become_root_inside) return Success();
  if (setresgid(0, 0, 0) != 0) return Fail(Step::kSetIds, errno, "setresgid", "0 inside");
  if (setresuid(0, 0, 0) != 0) return Fail(Step::kSetIds, errno, "setresuid", "0 inside");
  return Success();
}

ChildError SetNames(const ChildPlan& plan) {
  if (!plan.new_uts_ns) return Success();
  if (!plan.hostname.empty() && sethostname(plan.hostname.c_str(), plan.hostname.size()) != 0) {
    return Fail(Step::kHostname, errno, "sethostname", plan.hostname.c_str());
  }
  if (!plan.domainname.empty() &&
      setdomainname(plan.domainname.c_str(), plan.domainname.size()) != 0) {
    return Fail(Step::kHostname, errno, "setdomainname", plan.domainname.c_str());
  }
  return Success();
}

ChildError AssembleRoot(const ChildPlan& plan, const CommandUserNamespace& userns, int root_fd,
                        uint64_t* done, uint64_t* fallbacks) {
  for (const MountOp& op : plan.mounts) {
    ChildError e = ApplyMountOp(root_fd, op, userns, fallbacks);
    if (e.failed()) return e;
    *done |= StepBit(op.type == MountType::kOverlay ? Step::kOverlay : Step::kMount);
  }
  return Success();
}

// The command-only user namespace: host root until here, the command enters it before
// taking its ids (which then name ids inside it). The fd goes with it.
ChildError EnterCommandUserNamespace(const ChildPlan& plan, int report_fd) {
  if (!plan.command_user_ns.enabled) return Success();
  int fd = CommandUsernsFd(report_fd);
  int rc = setns(fd, CLONE_NEWUSER);
  int err = errno;
  close(fd);
  return rc == 0 ? Success() : Fail(Step::kCommandUserNamespace, err, "setns", "user namespace");
}

ChildError SetIds(const ChildPlan& plan) {
  if (plan.set_groups &&
      setgroups(plan.additional_gids.size(), plan.additional_gids.data()) != 0) {
    return Fail(Step::kSetIds, errno, "setgroups", nullptr);
  }
  // KEEPCAPS: the capability sets survive the uid change so ApplyCapabilities can
  // set exactly the configured ones instead of whatever setuid leaves.
  if (prctl(PR_SET_KEEPCAPS, 1) != 0) return Fail(Step::kSetIds, errno, "keepcaps", nullptr);
  if (setresgid(plan.gid, plan.gid, plan.gid) != 0) return Fail(Step::kSetIds, errno, "setresgid", nullptr);
  if (setresuid(plan.uid, plan.uid, plan.uid) != 0) return Fail(Step::kSetIds, errno, "setresuid", nullptr);
  return Success();
}

ChildError Exec(const ChildPlan& plan) {
  const char* file = plan.argv[0];
  if (strchr(file, '/') != nullptr) {
    execve(file, plan.argv.data(), plan.envp.data());
    return Fail(Step::kExec, errno, "exec", file);
  }
  int last = ENOENT;
  const char* dirs = plan.search_path.c_str();
  while (*dirs != '\0') {
    const char* end = strchrnul(dirs, ':');
    char path[4096] = {};
    size_t len = static_cast<size_t>(end - dirs);
    if (len + strlen(file) + 2 < sizeof path) {
      memcpy(path, dirs, len);
      AppendText(path, sizeof path, "/");
      AppendText(path, sizeof path, file);
      execve(path, plan.argv.data(), plan.envp.data());
      if (errno != ENOENT) last = errno;
    }
    dirs = *end == ':' ? end + 1 : end;
  }
  return Fail(Step::kExec, last, "exec", file);
}

// Marks in *DONE each step it took.
ChildError DropPrivileges(const ChildPlan& plan, uint64_t* done) {
  int cap = -1;
  if (int err = ApplyCapabilities(plan.capabilities, &cap); err != 0) {
    return Fail(Step::kCapabilities, err, "apply capability", cap >= 0 ? "set" : nullptr);
  }
  *done |= StepBit(Step::kCapabilities);
  if (plan.no_new_privileges) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
      return Fail(Step::kNoNewPrivs, errno, "prctl", "PR_SET_NO_NEW_PRIVS");
    }
    *done |= StepBit(Step::kNoNewPrivs);
  }
  // Seccomp last: every earlier step may need syscalls the profile forbids.
  if (plan.seccomp) {
    if (int err = InstallSeccomp(*plan.seccomp); err != 0) {
      return Fail(Step::kSeccomp, err, "install", "seccomp filter");
    }
    *done |= StepBit(Step::kSeccomp);
  }
  return Success();
}

// chdir, then proof that the directory is inside the new root: getcwd() reports a
// directory outside it as "(unreachable)…" (how runc detects CVE-2024-21626).
ChildError EnterCwd(const ChildPlan& plan) {
  if (chdir(plan.cwd.c_str()) != 0) return Fail(Step::kCwd, errno, "chdir", plan.cwd.c_str());
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == nullptr) return Fail(Step::kCwd, errno, "getcwd", plan.cwd.c_str());
  if (cwd[0] != '/') return Fail(Step::kCwd, EPERM, "cwd outside the root", plan.cwd.c_str());
  return Success();
}

ChildError AttachTerminalStep(int terminal_fd) {
  int err = AttachTerminal(terminal_fd);
  return err == 0 ? Success() : Fail(Step::kTerminal, err, "attach", "terminal");
}

}  // namespace

ChildError OpenTerminal(const ChildPlan& plan, int* master, int* slave) {
  if (int err = OpenPtyPair(master, slave); err != 0) {
    return Fail(Step::kTerminal, err, "open", "/dev/ptmx");
  }
  // Chowned before a command-only user namespace is entered: by the ids the host sees.
  const CommandUserNamespace& userns = plan.command_user_ns;
  uid_t uid = userns.enabled ? userns.root_uid + plan.uid : plan.uid;
  gid_t gid = userns.enabled ? userns.root_gid + plan.gid : plan.gid;
  if (fchown(*slave, uid, gid) != 0) return Fail(Step::kTerminal, errno, "chown", "pty");
  return Success();
}

void RunCommandChild(const ChildPlan& plan, int report_fd, int terminal_fd) {
  uint64_t done = 0;
  // A session of its own with the pty as controlling terminal, before the uid change
  // takes the right to TIOCSCTTY away.
  if (terminal_fd >= 0) SNAPRUN_CHILD_STEP(Step::kTerminal, AttachTerminalStep(terminal_fd));
  if (plan.command_user_ns.enabled) {
    SNAPRUN_CHILD_STEP(Step::kCommandUserNamespace, EnterCommandUserNamespace(plan, report_fd));
  }
  // Ids before cwd: the directory must be reachable as the command's own user.
  SNAPRUN_CHILD_STEP(Step::kSetIds, SetIds(plan));
  // Fds closed before chdir: the cwd must not resolve through an inherited fd.
  SNAPRUN_CHILD_STEP(Step::kFds, CloseStrayFds(plan, report_fd));
  SNAPRUN_CHILD_STEP(Step::kCwd, EnterCwd(plan));
  if (plan.umask >= 0) umask(static_cast<mode_t>(plan.umask));
  SNAPRUN_CHILD_STEP(Step::kRlimits, ApplyRlimits(plan));
  // Capabilities after the uid change (which would otherwise clear them), then
  // no_new_privs, then seccomp as the last thing before exec.
  Check(report_fd, DropPrivileges(plan, &done));
  // What this process did, from itself: the result's step list is not the plan's. A
  // profile that forbids sending it leaves the list without these steps, not wrong.
  ChildFrame steps;
  steps.kind = FrameKind::kCommandSteps;
  steps.steps_done = done;
  SendFrame(report_fd, steps);
  Die(report_fd, Exec(plan));
}

void RunChild(const ChildPlan& plan, const ChildChannel& ch) {
  int report_fd = ch.report_fd;
  uint64_t done = 0;
  uint64_t fallbacks = 0;
  // First of all: die with the supervisor (a dead one is also seen as EOF below).
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
    Die(report_fd, Fail(Step::kDeathSignal, errno, "prctl", "PR_SET_PDEATHSIG"));
  }
  // The supervisor may have died before PDEATHSIG was armed. In a new pid namespace
  // getppid() is 0 and the EOF at GO catches that case instead.
  pid_t parent = getppid();
  if (parent != 0 && parent != ch.parent_pid) _exit(1);
  // GO arrives only after the id maps are written: before that we are nobody.
  SNAPRUN_CHILD_STEP(Step::kSync, WaitForGo(report_fd));
  // Init stays in the host's time namespace; the command it forks enters this one. Before
  // PR_SET_DUMPABLE(0) below: a non-dumpable process's /proc files belong to the host's
  // root, and a rootless sandbox could not open its own timens_offsets for writing.
  if (!plan.time_offsets.empty()) {
    SNAPRUN_CHILD_STEP(Step::kTimeNamespace, EnterTimeNamespace(plan.time_offsets));
  }
  // Keep /proc/1/exe (the host binary) out of reach: a non-dumpable process's /proc
  // entries need CAP_SYS_PTRACE over its mm's (host) user namespace, which nothing in
  // the sandbox has (the CVE-2019-5736 class). Chosen over re-exec from a sealed
  // memfd because it costs nothing at start-up. Only after GO: a non-dumpable
  // child's /proc/PID/uid_map is root-owned and the rootless parent could not write it.
  if (prctl(PR_SET_DUMPABLE, 0) != 0) {
    Die(report_fd, Fail(Step::kDeathSignal, errno, "prctl", "PR_SET_DUMPABLE"));
  }
  SNAPRUN_CHILD_STEP(Step::kStdio, SetStdio(ch));
  // Before any path is resolved: no host fd may stay reachable through /proc/self/fd.
  CommandUserNamespace userns = plan.command_user_ns;
  SNAPRUN_CHILD_STEP(Step::kFds, ArrangeFds(plan, &report_fd, &userns.fd));
  SNAPRUN_CHILD_STEP(Step::kSetIds, BecomeRootInside(plan));
  // After becoming root inside: the keyring belongs to the container's root.
  if (plan.new_session_keyring) SNAPRUN_CHILD_STEP(Step::kKeyring, JoinNewSessionKeyring());
  // Private before any mount, or the mounts below would propagate to the host.
  SNAPRUN_CHILD_STEP(Step::kMakeRootPrivate, MakeMountsPrivate());
  int root_fd = -1;
  SNAPRUN_CHILD_STEP(Step::kBindRootfs, BindRootfs(plan, &root_fd));
  // proc and dev before the configured mounts, which may add below them.
  if (plan.mount_proc) SNAPRUN_CHILD_STEP(Step::kProc, MountProc(root_fd));
  SNAPRUN_CHILD_STEP(Step::kDev, SetupDev(root_fd));
  if (!plan.devices.empty()) {
    SNAPRUN_CHILD_STEP(Step::kDev, CreateDeviceNodes(plan.devices, root_fd));
  }
  Check(report_fd, AssembleRoot(plan, userns, root_fd, &done, &fallbacks));
  if ((fallbacks & kFallbackOverlayCopy) != 0) done |= StepBit(Step::kOverlayFallback);
  // OCI createContainer: after the mounts, before the pivot.
  if (plan.container_hooks) SNAPRUN_CHILD_STEP(Step::kHooks, PauseForCreateHooks(report_fd));
  // Bind sources are host paths: every mount must be made before the pivot.
  SNAPRUN_CHILD_STEP(Step::kPivotRoot,
                     plan.no_pivot ? MoveIntoRoot(root_fd) : PivotIntoRoot(root_fd));
  // Read-only only after the pivot: earlier, creating mount points would fail.
  if (plan.rootfs_read_only) SNAPRUN_CHILD_STEP(Step::kRootReadOnly, RemountRootReadOnly());
  // Through our own /proc, before MakePathsReadOnly turns /proc/sys read-only.
  if (!plan.sysctl_paths.empty()) SNAPRUN_CHILD_STEP(Step::kSysctl, WriteSysctls(plan));
  // Masks and read-only kernel paths need the sandbox's own /proc, mounted above.
  SNAPRUN_CHILD_STEP(Step::kMaskPaths, MaskPaths(plan));
  SNAPRUN_CHILD_STEP(Step::kReadonlyPaths, MakePathsReadOnly(plan));
  SNAPRUN_CHILD_STEP(Step::kHostname, SetNames(plan));
  if (plan.new_net_ns) SNAPRUN_CHILD_STEP(Step::kLoopback, BringUpLoopback());
  if (plan.cpu_affinity) SNAPRUN_CHILD_STEP(Step::kCpuAffinity, ApplyCpuAffinity(*plan.cpu_affinity));
  close(root_fd);
  int master = -1;
  int slave = -1;
  if (plan.terminal) SNAPRUN_CHILD_STEP(Step::kTerminal, OpenTerminal(plan, &master, &slave));
  ChildFrame progress;
  progress.kind = FrameKind::kProgress;
  progress.steps_done = done;
  progress.fallbacks = fallbacks;
  // The master rides on the progress frame: the supervisor has it once setup is done.
  if (master >= 0) {
    SendFrameWithFd(report_fd, progress, master);
    close(master);
  } else {
    SendFrame(report_fd, progress);
  }
  if (plan.wait_for_start) WaitForStart(report_fd);
  // OCI startContainer: after start, before the command exists.
  if (plan.container_hooks) SNAPRUN_CHILD_STEP(Step::kHooks, PauseForStartHooks(report_fd));
  RunInit(plan, report_fd, slave);
}

}  // namespace snaprun::sandbox
