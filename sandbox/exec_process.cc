#include "sandbox/exec_process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "sandbox/base/syscall.h"
#include "sandbox/child_report.h"
#include "sandbox/child_setup.h"
#include "sandbox/init.h"

namespace snaprun::sandbox {
namespace {

[[noreturn]] void Die(int report_fd, const ChildError& e) {
  ReportFailure(report_fd, e.step, e.err, e.detail);
  _exit(127);
}

// The helper: no allocation from here on (the arrays were built before fork).
[[noreturn]] void RunHelper(const ChildPlan& plan, const std::vector<int>& fds,
                            const std::vector<int>& flags, int report_fd) {
  // Non-dumpable before joining: a process of the sandbox must not reach our
  // /proc/PID/exe (the host binary) or our fds; exec makes the command dumpable again.
  if (prctl(PR_SET_DUMPABLE, 0) != 0) {
    Die(report_fd, Fail(Step::kDeathSignal, errno, "prctl", "PR_SET_DUMPABLE"));
  }
  char go = 0;
  if (RetryOnEintr([&] { return read(report_fd, &go, 1); }) != 1 || go != 'G') _exit(1);
  ChildError joined = JoinNamespaces(fds.data(), flags.data(), fds.size());
  if (joined.failed()) Die(report_fd, joined);
  for (int fd : fds) close(fd);
  // After joining the mount namespace: the pty must come from the container's devpts.
  int master = -1;
  int slave = -1;
  if (plan.terminal) {
    ChildError opened = OpenTerminal(plan, &master, &slave);
    if (opened.failed()) Die(report_fd, opened);
  }
  pid_t pid = fork();
  if (pid < 0) Die(report_fd, Fail(Step::kForkCommand, errno, "fork", "exec process"));
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (master >= 0) close(master);
    RunCommandChild(plan, report_fd, slave);
  }
  ChildFrame spawned;
  spawned.kind = FrameKind::kSpawned;
  spawned.pid = pid;
  if (master >= 0) {
    SendFrameWithFd(report_fd, spawned, master);
  } else {
    SendFrame(report_fd, spawned);
  }
  _exit(0);
}

// Frames until every copy of the helper's end is closed: the helper exited and the
// process exec'd (close-on-exec) or died.
struct Outcome {
  SpawnedProcess process;
  std::optional<ChildFrame> failure;
};

Outcome ReadOutcome(int fd) {
  Outcome outcome;
  ChildFrame frame;
  UniqueFd passed;
  while (RetryOnEintr([&] { return ReceiveFrame(fd, &frame, &passed); }) ==
         static_cast<ssize_t>(sizeof frame)) {
    if (frame.kind == FrameKind::kSpawned) {
      outcome.process.pid = frame.pid;
      outcome.process.terminal = std::move(passed);
    }
    if (frame.kind == FrameKind::kFailure && !outcome.failure) outcome.failure = frame;
  }
  return outcome;
}

void ReapHelper(pid_t helper, bool kill_first) {
  if (kill_first) kill(helper, SIGKILL);
  int status = 0;
  RetryOnEintr([&] { return waitpid(helper, &status, 0); });
}

}  // namespace

Result<SpawnedProcess> SpawnInSandbox(const ChildPlan& plan, const ExecTarget& target) {
  std::vector<int> fds;
  std::vector<int> flags;
  if (target.namespaces != nullptr) {
    for (const auto& ns : *target.namespaces) {
      fds.push_back(ns.fd.get());
      flags.push_back(ns.clone_flag);
    }
  }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return Error::FromErrno("socketpair", "exec report channel");
  }
  UniqueFd report(pair[0]);
  UniqueFd child_end(pair[1]);
  pid_t helper = fork();
  if (helper < 0) return Error::FromErrno("fork", "exec helper");
  if (helper == 0) {
    report.Reset();
    RunHelper(plan, fds, flags, child_end.get());
  }
  child_end.Reset();
  // Before GO: nothing the helper forks may start outside the cgroup.
  if (target.join_cgroup) {
    if (auto joined = target.join_cgroup(helper); !joined) {
      ReapHelper(helper, true);
      return std::move(joined).error().Wrap("moving the exec process into the cgroup");
    }
  }
  char go = 'G';
  if (RetryOnEintr([&] { return send(report.get(), &go, 1, MSG_NOSIGNAL); }) != 1) {
    ReapHelper(helper, true);
    return Error::FromErrno("send", "GO to the exec helper");
  }
  Outcome outcome = ReadOutcome(report.get());
  ReapHelper(helper, false);
  if (outcome.failure) {
    // The process reported and is exiting; reap it when it became ours (ECHILD if not).
    pid_t pid = outcome.process.pid;
    if (pid > 0) RetryOnEintr([&] { return waitpid(pid, nullptr, 0); });
    return FailureToError(*outcome.failure);
  }
  if (outcome.process.pid <= 0) {
    return Error(ErrorCode::kSystem, "the exec helper died before forking");
  }
  return std::move(outcome.process);
}

}  // namespace snaprun::sandbox
