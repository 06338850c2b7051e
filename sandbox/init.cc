#include "sandbox/init.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "sandbox/child_report.h"
#include "sandbox/fds.h"
#include "sandbox/init_privileges.h"

namespace snaprun::sandbox {
namespace {

constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT};

void IgnoreSignal(int) {}

// Blocks the forwarded signals and SIGCHLD so sigwaitinfo collects them; the no-op
// handlers keep the kernel from discarding them as "default action on pid 1".
sigset_t BlockSupervisedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  struct sigaction action = {};
  action.sa_handler = IgnoreSignal;
  for (int sig : kForwarded) {
    sigaddset(&set, sig);
    sigaction(sig, &action, nullptr);
  }
  sigprocmask(SIG_BLOCK, &set, nullptr);
  return set;
}

// The command starts with default dispositions and nothing blocked, whatever mask
// the supervisor was started with (as runc does).
void ResetSignals() {
  struct sigaction action = {};
  action.sa_handler = SIG_DFL;
  for (int sig : kForwarded) sigaction(sig, &action, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

// Reaps every exited child; returns true (and the status) once COMMAND is among them.
bool ReapChildren(pid_t command, int* command_status) {
  bool done = false;
  for (;;) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return done;
    if (pid == command) {
      *command_status = status;
      done = true;
    }
  }
}

}  // namespace

int InitExitCode(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

void RunInit(const ChildPlan& plan, int report_fd, int terminal_fd) {
  // Orphans of a sandbox without its own pid namespace still come back to us.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t waited = BlockSupervisedSignals();
  pid_t command = fork();
  if (command < 0) {
    ReportFailure(report_fd, Step::kForkCommand, errno, "fork command");
    _exit(127);
  }
  if (command == 0) {
    ResetSignals();
    RunCommandChild(plan, report_fd, terminal_fd);
  }
  if (terminal_fd >= 0) close(terminal_fd);
  // Only the command enters it; init stays host root with what it keeps below.
  if (plan.command_user_ns.enabled) close(CommandUsernsFd(report_fd));
  if (int err = DropInitPrivileges(plan.init_privileges); err != 0) {
    kill(command, SIGKILL);
    ReportFailure(report_fd, Step::kInitPrivileges, err, "capabilities and seccomp filter");
    _exit(127);
  }
  int status = 0;
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&waited, &info);
    if (sig < 0) continue;  // EINTR
    if (sig != SIGCHLD) {
      kill(command, sig);
      continue;
    }
    if (ReapChildren(command, &status)) break;
  }
  ChildFrame frame;
  frame.kind = FrameKind::kExit;
  frame.wait_status = status;
  SendFrame(report_fd, frame);
  // Exiting pid 1 makes the kernel SIGKILL whatever is left in the namespace.
  _exit(InitExitCode(status));
}

}  // namespace snaprun::sandbox
