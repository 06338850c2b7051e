#include "sandbox/child_report.h"

#include <sys/socket.h>

#include <cstring>

#include "sandbox/base/fd_passing.h"
#include "sandbox/base/syscall.h"

namespace snaprun::sandbox {

const char* StepName(Step step) {
  switch (step) {
    case Step::kNone: return "none";
    case Step::kSync: return "sync with supervisor";
    case Step::kDeathSignal: return "death signal";
    case Step::kStdio: return "stdio";
    case Step::kMakeRootPrivate: return "make / private";
    case Step::kBindRootfs: return "bind rootfs";
    case Step::kMount: return "mount";
    case Step::kOverlay: return "overlay";
    case Step::kOverlayFallback: return "overlay fallback copy";
    case Step::kMountPoint: return "mount point";
    case Step::kProc: return "proc";
    case Step::kDev: return "dev";
    case Step::kPivotRoot: return "pivot_root";
    case Step::kRootReadOnly: return "read-only root";
    case Step::kMaskPaths: return "masked paths";
    case Step::kReadonlyPaths: return "readonly paths";
    case Step::kHostname: return "hostname";
    case Step::kLoopback: return "loopback";
    case Step::kRlimits: return "rlimits";
    case Step::kCwd: return "cwd";
    case Step::kSetIds: return "set ids";
    case Step::kForkCommand: return "fork command";
    case Step::kFds: return "close fds";
    case Step::kCapabilities: return "capabilities";
    case Step::kNoNewPrivs: return "no_new_privs";
    case Step::kSeccomp: return "seccomp";
    case Step::kExec: return "exec";
    case Step::kTimeNamespace: return "time namespace";
    case Step::kCpuAffinity: return "cpu affinity";
    case Step::kHooks: return "container hooks";
    case Step::kSysctl: return "sysctl";
    case Step::kKeyring: return "session keyring";
    case Step::kTerminal: return "terminal";
    case Step::kJoinNamespace: return "join namespace";
    case Step::kInitPrivileges: return "drop init's privileges";
    case Step::kCommandUserNamespace: return "user namespace for the command (host root outside)";
    case Step::kCount: break;
  }
  return "unknown step";
}

void SendFrame(int fd, const ChildFrame& frame) {
  RetryOnEintr([&] { return send(fd, &frame, sizeof frame, MSG_NOSIGNAL); });
}

void SendFrameWithFd(int fd, const ChildFrame& frame, int passed_fd) {
  SendWithFd(fd, &frame, sizeof frame, passed_fd);
}

ssize_t ReceiveFrame(int fd, ChildFrame* frame, UniqueFd* passed_fd, int flags) {
  return ReceiveWithFd(fd, frame, sizeof *frame, passed_fd, flags);
}

void ReportFailure(int fd, Step step, int err, const char* detail) {
  ChildFrame frame;
  frame.kind = FrameKind::kFailure;
  frame.step = step;
  frame.err = err;
  if (detail != nullptr) {
    size_t n = strnlen(detail, sizeof frame.detail - 1);
    memcpy(frame.detail, detail, n);
  }
  SendFrame(fd, frame);
}

Error FailureToError(const ChildFrame& frame) {
  char detail[sizeof frame.detail + 1] = {};
  memcpy(detail, frame.detail, sizeof frame.detail);
  // The detail reads "operation object" (e.g. "mount /proc"); the errno text follows.
  Error error = frame.err != 0 ? Error::FromErrno(frame.err, detail)
                               : Error(ErrorCode::kSystem, detail);
  return std::move(error).Wrap(std::string("sandbox setup step \"") + StepName(frame.step) + "\"");
}

std::vector<std::string> StepNames(uint64_t bits) {
  std::vector<std::string> names;
  for (int i = 1; i < static_cast<int>(Step::kCount); ++i) {
    if (bits & (uint64_t{1} << i)) names.emplace_back(StepName(static_cast<Step>(i)));
  }
  return names;
}

}  // namespace snaprun::sandbox
