// The child → parent error channel (crun style). After clone() the child may not
// allocate, so each setup step reports failure as one fixed-size frame on a
// SOCK_SEQPACKET socket: {step, errno, detail}. Init adds one progress frame (the
// steps that ran, the fallbacks taken) and one exit frame (the command's raw wait
// status). Frames are plain bytes; both ends are the same binary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::sandbox {

enum class Step : uint8_t {
  kNone = 0,
  kSync,              // waiting for the parent's GO
  kDeathSignal,
  kStdio,
  kMakeRootPrivate,   // MS_PRIVATE|MS_REC on /
  kBindRootfs,
  kMount,             // one configured mount
  kOverlay,
  kOverlayFallback,   // copy-to-tmpfs after the kernel refused overlayfs
  kMountPoint,        // creating or opening a mount target inside the root
  kProc,
  kDev,
  kPivotRoot,
  kRootReadOnly,
  kMaskPaths,
  kReadonlyPaths,
  kHostname,
  kLoopback,
  // The command's own steps; this one first, as in the command (StepNames lists by value).
  kCommandUserNamespace,  // entering the command-only user namespace
  kRlimits,
  kCwd,
  kSetIds,
  kForkCommand,
  kFds,
  kCapabilities,
  kNoNewPrivs,
  kSeccomp,
  kExec,
  kTimeNamespace,
  kCpuAffinity,
  kHooks,             // pausing for createContainer/startContainer hooks
  kSysctl,
  kKeyring,           // joining a new session keyring
  kTerminal,          // the pty of process.terminal
  kJoinNamespace,     // exec: setns into a running sandbox's namespaces
  kInitPrivileges,    // init dropping its capabilities and installing its filter
  kCount,
};

const char* StepName(Step step);

// kSpawned: exec's helper names the process it forked (ChildFrame::pid, a host pid).
// kHookPoint: init waits for the supervisor to run container hooks (wait_status says
// which point).
enum class FrameKind : uint8_t {
  kFailure = 1,
  kProgress = 2,
  kExit = 3,
  kSpawned = 4,
  kHookPoint = 5,
  kCommandSteps = 6,  // the command's own steps (steps_done), sent just before exec
};
constexpr int32_t kHookPointCreate = 1;
constexpr int32_t kHookPointStart = 2;

// Bits of ChildFrame::steps_done and ChildFrame::fallbacks.
constexpr uint64_t StepBit(Step step) { return uint64_t{1} << static_cast<int>(step); }
constexpr uint64_t kFallbackOverlayCopy = 1;

struct ChildFrame {
  FrameKind kind = FrameKind::kFailure;
  Step step = Step::kNone;
  int32_t err = 0;          // errno of the failed step
  int32_t wait_status = 0;  // kExit: the command's status from waitpid
  int32_t pid = 0;          // kSpawned
  uint64_t steps_done = 0;  // kProgress: StepBit()s
  uint64_t fallbacks = 0;   // kProgress: kFallback* bits
  char detail[160] = {};    // NUL-terminated object of the failure, e.g. "/proc"
};

// Child side, async-signal-safe: sends one frame. Errors are ignored on purpose —
// the parent treats a missing frame as "no news" and still sees the exit status.
void SendFrame(int fd, const ChildFrame& frame);
// Child side, async-signal-safe: FRAME with PASSED_FD attached (SCM_RIGHTS).
void SendFrameWithFd(int fd, const ChildFrame& frame, int passed_fd);
// Parent side: one frame (its size, or -1 with errno) and the fd it carried, if any.
ssize_t ReceiveFrame(int fd, ChildFrame* frame, UniqueFd* passed_fd, int flags = 0);
// Child side: a kFailure frame for STEP with ERR and DETAIL (truncated).
void ReportFailure(int fd, Step step, int err, const char* detail);

// Parent side: "mount /proc: Operation not permitted", wrapped with the step.
Error FailureToError(const ChildFrame& frame);
// Parent side: the names of the steps set in BITS, in pipeline order.
std::vector<std::string> StepNames(uint64_t bits);

}  // namespace snaprun::sandbox
