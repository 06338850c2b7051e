#include "sandbox/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "sandbox/base/syscall.h"
#include "sandbox/child_report.h"
#include "sandbox/child_setup.h"
#include "sandbox/forwarded_signals.h"
#include "sandbox/joined_namespaces.h"
#include "sandbox/userns.h"

namespace snaprun::sandbox {
namespace {

// The kernel's struct clone_args (linux/sched.h conflicts with <sched.h>).
struct CloneArgs {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
};

// Fork-like clone: no new stack, so the child continues here on a copy of ours.
pid_t CloneChild(uint64_t ns_flags, int* pidfd, bool* used_fallback) {
  CloneArgs args{};
  args.flags = ns_flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(pidfd);
  args.exit_signal = SIGCHLD;
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid >= 0 || errno != ENOSYS) return static_cast<pid_t>(pid);
  *used_fallback = true;
  // clone(): on x86-64 the argument order is flags, stack, parent_tid (the pidfd), …
  return static_cast<pid_t>(
      syscall(SYS_clone, ns_flags | CLONE_PIDFD | SIGCHLD, nullptr, pidfd, nullptr, 0));
}

Result<void> SendGo(SandboxProcess& process) {
  char go = 'G';
  if (RetryOnEintr([&] { return send(process.report.get(), &go, 1, MSG_NOSIGNAL); }) != 1) {
    return Error::FromErrno("send", "GO to the sandbox");
  }
  return Ok();
}

void KillAndReap(SandboxProcess& process) {
  syscall(SYS_pidfd_send_signal, process.pidfd.get(), SIGKILL, nullptr, 0);
  int status = 0;
  RetryOnEintr([&] { return waitpid(process.pid, &status, 0); });
}

std::string HookState(const SandboxProcess& process, const char* status) {
  return HookStateJson(process.hook_context, status, process.pid);
}

Result<void> Resume(SandboxProcess& process) {
  char resume = 'H';
  if (RetryOnEintr([&] { return send(process.report.get(), &resume, 1, MSG_NOSIGNAL); }) != 1) {
    return Error::FromErrno("send", "resume to the sandbox");
  }
  return Ok();
}

// Init stopped at a hook point: run that point's hooks in its namespaces, then let it go on.
Result<void> RunContainerHooks(SandboxProcess& process, const ChildFrame& frame) {
  if (frame.wait_status == kHookPointCreate) {
    SNAPRUN_TRY(RunHooks(HookKind::kCreateContainer, process.hooks.create_container,
                         HookState(process, "creating"), &process.namespaces));
  } else {
    SNAPRUN_TRY(RunHooks(HookKind::kStartContainer, process.hooks.start_container,
                         HookState(process, "created"), &process.namespaces));
  }
  return Resume(process);
}

// prestart (deprecated) and createRuntime: namespaces exist, nothing is mounted yet.
Result<void> RunRuntimeHooks(SandboxProcess& process) {
  if (process.hooks.prestart.empty() && process.hooks.create_runtime.empty()) return Ok();
  std::string state = HookState(process, "creating");
  SNAPRUN_TRY(RunHooks(HookKind::kPrestart, process.hooks.prestart, state));
  return RunHooks(HookKind::kCreateRuntime, process.hooks.create_runtime, state);
}

bool HasHooks(const Hooks& h) {
  return !h.prestart.empty() || !h.create_runtime.empty() || !h.create_container.empty() ||
         !h.start_container.empty() || !h.poststart.empty() || !h.poststop.empty();
}

// Frames left in the socket after init exited: a failure wins over everything.
struct Frames {
  std::optional<ChildFrame> failure;
  std::optional<ChildFrame> progress;
  std::optional<ChildFrame> command;  // the command's own steps, before its exec
  std::optional<ChildFrame> exit;
};

Frames DrainFrames(int fd) {
  Frames frames;
  ChildFrame frame;
  UniqueFd passed;  // a terminal no one asked for is closed here
  while (ReceiveFrame(fd, &frame, &passed, MSG_DONTWAIT) == static_cast<ssize_t>(sizeof frame)) {
    if (frame.kind == FrameKind::kFailure && !frames.failure) frames.failure = frame;
    if (frame.kind == FrameKind::kProgress) frames.progress = frame;
    if (frame.kind == FrameKind::kCommandSteps) frames.command = frame;
    if (frame.kind == FrameKind::kExit) frames.exit = frame;
  }
  return frames;
}

// Waits for init to exit, enforcing the timeout and forwarding signals; returns
// whether it timed out.
bool WaitWithTimeout(SandboxProcess& process, const Config& config, const WaitHook& hook) {
  ForwardedSignals forwarded;
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  if (config.timeout) deadline = process.started + *config.timeout;
  bool timed_out = false;
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    pollfd pfds[3] = {{process.pidfd.get(), POLLIN, 0}, {forwarded.fd(), POLLIN, 0},
                      {hook.fd, POLLIN, 0}};
    int n = poll(pfds, 3, wait_ms);
    if (n > 0 && pfds[0].revents != 0) return timed_out;
    if (n > 0) {
      if (pfds[1].revents != 0) forwarded.ForwardTo(process.pidfd.get());
      if (pfds[2].revents != 0 && hook.on_readable) hook.on_readable();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // Deadline passed: SIGTERM now (init forwards it), SIGKILL after the grace.
    int sig = timed_out ? SIGKILL : SIGTERM;
    syscall(SYS_pidfd_send_signal, process.pidfd.get(), sig, nullptr, 0);
    deadline = timed_out ? std::optional<Clock::time_point>() : Clock::now() + config.kill_grace;
    timed_out = true;
  }
}

void FillStatus(RunResult& result, int init_status, const Frames& frames) {
  // Init mirrors a signal death as 128+sig; its exit frame has the exact status.
  int status = frames.exit ? frames.exit->wait_status : init_status;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
}

void FillSteps(RunResult& result, const SandboxProcess& process, const Frames& frames) {
  if (process.plan->new_user_ns) result.steps.push_back("user namespace + id maps");
  if (frames.progress) {
    for (auto& s : StepNames(frames.progress->steps_done)) result.steps.push_back(s);
    if (frames.progress->fallbacks & kFallbackOverlayCopy) {
      result.fallbacks.push_back("overlay refused by the kernel: lower copied to tmpfs");
    }
  }
  // The command's steps as it reported them; exec, because init saw it end.
  if (frames.command) {
    for (auto& s : StepNames(frames.command->steps_done)) result.steps.push_back(s);
    if (frames.exit) result.steps.push_back(StepName(Step::kExec));
  }
  if (process.clone3_fallback) result.fallbacks.push_back("clone3 missing: clone() used");
}

// A cgroup for config.resources where this user may write one; otherwise the plan
// falls back to rlimits and the result says why.
Result<void> PrepareCgroup(const Config& config, SandboxProcess& process) {
  if (!NeedsCgroup(config.resources)) return Ok();
  static int counter = 0;
  std::string name = "snaprun-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
  process.cgroup = SNAPRUN_TRY_CTX(
      CreateCgroup(name, config.resources, CgroupHost{}, &process.cgroup_fallback),
      "creating the sandbox cgroup");
  if (!process.cgroup) return Ok();
  process.cgroup_limits = SNAPRUN_TRY_CTX(process.cgroup->Apply(config.resources),
                                          "applying linux.resources to " +
                                              process.cgroup->Describe());
  return Ok();
}

void FillCgroupResult(RunResult& result, SandboxProcess& process) {
  if (!process.cgroup_fallback.empty()) {
    result.fallbacks.push_back("cgroups: " + process.cgroup_fallback + "; limits use rlimits");
  }
  if (!process.cgroup) return;
  CgroupStats stats = process.cgroup->Stats();
  result.cgroup_memory_peak_bytes = stats.memory_peak_bytes;
  result.oom_killed = stats.oom_kills > 0;
  for (const auto& line : process.cgroup_limits) result.limits.push_back(line);
  (void)process.cgroup->Remove();
  process.cgroup.reset();
}

// Init's namespaces in the order a later join (exec, container hooks) must take: the
// joined ones first, while the joining process still has its caller's capabilities
// over them, then the sandbox's own, its user namespace first.
Result<std::vector<NamespaceFd>> KeepNamespaces(pid_t pid, uint64_t clone_flags,
                                                const std::vector<JoinedNamespace>& joined) {
  std::vector<NamespaceFd> kept = SNAPRUN_TRY(OpenNamespaces(pid, JoinedCloneFlags(joined)));
  for (auto& own : SNAPRUN_TRY(OpenNamespaces(pid, clone_flags))) kept.push_back(std::move(own));
  return kept;
}

}  // namespace

SandboxProcess::~SandboxProcess() {
  if (cgroup) (void)cgroup->Remove();
}

Result<std::unique_ptr<SandboxProcess>> StartSandbox(const Config& config,
                                                     const StartOptions& options) {
  auto process = std::make_unique<SandboxProcess>();
  process->plan = std::make_unique<ChildPlan>();
  SNAPRUN_TRY(PrepareCgroup(config, *process));
  SNAPRUN_TRY(BuildPlan(config, Caller{getuid(), getgid(), process->cgroup != nullptr},
                        *process->plan));
  process->plan->wait_for_start = options.wait_for_start;
  if (process->plan->container_hooks && !options.wait_for_start) {
    return Error(ErrorCode::kInvalidInput,
                 "hooks.createContainer/startContainer need the create/start flow");
  }
  // A process joining init's namespaces would not join the command's user namespace:
  // it would run as host root inside.
  if (options.keep_namespaces && process->plan->command_user_ns.enabled) {
    return Error(ErrorCode::kInvalidInput,
                 "exec into a sandbox whose command alone has a user namespace is not supported");
  }
  process->hooks = config.hooks;
  process->hook_context = options.hooks;
  process->hook_context.annotations = config.annotations;
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return Error::FromErrno("socketpair", "report channel");
  }
  process->report.Reset(pair[0]);
  UniqueFd child_end(pair[1]);
  UniqueFd dev_null(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!dev_null) return Error::FromErrno("open", "/dev/null");
  ChildChannel channel{child_end.get(), config.stdio.stdin_fd < 0 ? dev_null.get() : config.stdio.stdin_fd,
                       config.stdio.stdout_fd, config.stdio.stderr_fd, getpid()};
  if (process->plan->command_user_ns.enabled) {
    process->command_user_ns =
        SNAPRUN_TRY_CTX(CreateCommandUserNamespace(*process->plan), "the command's user namespace");
    process->plan->command_user_ns.fd = process->command_user_ns.get();
  }
  int pidfd = -1;
  process->started = std::chrono::steady_clock::now();
  auto entered_namespaces =
      SNAPRUN_TRY(JoinedNamespacesForClone::Enter(config.joined_namespaces));
  pid_t pid = CloneChild(process->plan->clone_flags, &pidfd, &process->clone3_fallback);
  int clone_errno = errno;
  if (pid == 0) RunChild(*process->plan, channel);
  if (auto left = entered_namespaces.Leave(); !left) {
    // Hooks and later runs must not start in the joined namespaces: stop here.
    if (pid > 0) {
      process->pid = pid;
      process->pidfd.Reset(pidfd);
      KillAndReap(*process);
    }
    return std::move(left).error().Wrap("returning from the joined namespaces");
  }
  if (pid < 0) return Error::FromErrno(clone_errno, "clone", "sandbox init");
  process->pid = pid;
  process->pidfd.Reset(pidfd);
  child_end.Reset();
  process->command_user_ns.Reset();
  // Before GO: nothing the command starts can run outside the cgroup.
  if (process->cgroup) {
    if (auto joined = process->cgroup->AddProcess(pid); !joined) {
      KillAndReap(*process);
      return std::move(joined).error().Wrap("moving the sandbox into its cgroup");
    }
  }
  if (process->plan->new_user_ns) {
    if (auto written = WriteIdMaps(pid, *process->plan); !written) {
      KillAndReap(*process);
      return std::move(written).error().Wrap("setting up the user namespace");
    }
  }
  // Before GO: init turns non-dumpable then, and its /proc/PID/ns closes to a rootless
  // caller. Exec and the container hooks join these.
  if (options.keep_namespaces || process->plan->container_hooks) {
    auto opened = KeepNamespaces(pid, process->plan->clone_flags, config.joined_namespaces);
    if (!opened) {
      KillAndReap(*process);
      return std::move(opened).error().Wrap("keeping the sandbox's namespaces");
    }
    process->namespaces = std::move(*opened);
  }
  // OCI createRuntime: the namespaces exist (and init is still dumpable, so a hook
  // may open /proc/PID/ns/*), nothing is mounted yet.
  if (auto ran = RunRuntimeHooks(*process); !ran) {
    KillAndReap(*process);
    return std::move(ran).error();
  }
  if (auto go = SendGo(*process); !go) {
    KillAndReap(*process);
    return std::move(go).error();
  }
  return process;
}

Result<void> AwaitSetup(SandboxProcess& process) {
  ChildFrame frame;
  for (;;) {
    UniqueFd passed;
    ssize_t n = ReceiveFrame(process.report.get(), &frame, &passed);
    if (n != static_cast<ssize_t>(sizeof frame)) break;
    if (frame.kind == FrameKind::kFailure) {
      KillAndReap(process);
      return FailureToError(frame);
    }
    if (frame.kind == FrameKind::kHookPoint) {
      if (auto ran = RunContainerHooks(process, frame); !ran) {
        KillAndReap(process);
        return std::move(ran).error();
      }
      continue;
    }
    if (frame.kind == FrameKind::kProgress) {
      process.setup_done = frame;
      process.terminal = std::move(passed);
      return Ok();
    }
  }
  KillAndReap(process);
  return Error::FromErrno("recv", "sandbox init ended before its setup finished");
}

Result<void> SendStart(SandboxProcess& process) {
  char start = 'S';
  if (RetryOnEintr([&] { return send(process.report.get(), &start, 1, MSG_NOSIGNAL); }) != 1) {
    return Error::FromErrno("send", "START to the sandbox");
  }
  if (!process.plan->container_hooks) return Ok();
  ChildFrame frame;
  UniqueFd passed;
  ssize_t n = ReceiveFrame(process.report.get(), &frame, &passed);
  Result<void> ran = Ok();
  if (n != static_cast<ssize_t>(sizeof frame)) {
    ran = Error(ErrorCode::kSystem, "sandbox init ended before its startContainer hooks");
  } else if (frame.kind == FrameKind::kFailure) {
    ran = FailureToError(frame);
  } else {
    ran = RunContainerHooks(process, frame);
  }
  if (!ran) KillAndReap(process);
  return ran;
}

Result<void> SignalSandbox(const SandboxProcess& process, int sig) {
  if (syscall(SYS_pidfd_send_signal, process.pidfd.get(), sig, nullptr, 0) != 0) {
    return Error::FromErrno("pidfd_send_signal", "sandbox init");
  }
  return Ok();
}

Result<RunResult> WaitSandbox(SandboxProcess& process, const Config& config,
                              const WaitHook& hook) {
  RunResult result;
  result.timed_out = WaitWithTimeout(process, config, hook);
  int status = 0;
  rusage usage{};
  if (RetryOnEintr([&] { return wait4(process.pid, &status, 0, &usage); }) < 0) {
    return Error::FromErrno("wait4", "sandbox init");
  }
  auto elapsed = std::chrono::steady_clock::now() - process.started;
  Frames frames = DrainFrames(process.report.get());
  if (!frames.progress) frames.progress = process.setup_done;
  if (frames.failure) return FailureToError(*frames.failure);
  FillStatus(result, status, frames);
  result.wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  result.cpu_user_ms = usage.ru_utime.tv_sec * 1000 + usage.ru_utime.tv_usec / 1000;
  result.cpu_system_ms = usage.ru_stime.tv_sec * 1000 + usage.ru_stime.tv_usec / 1000;
  result.peak_rss_kb = usage.ru_maxrss;
  FillSteps(result, process, frames);
  result.limits = process.plan->limits;
  FillCgroupResult(result, process);
  return result;
}

Result<RunResult> RunSandbox(const Config& config, const HookContext& context,
                             const AfterSetup& after_setup) {
  bool hooks = HasHooks(config.hooks);
  if (!hooks && !after_setup) {
    auto process = SNAPRUN_TRY(StartSandbox(config));
    return WaitSandbox(*process, config);
  }
  // The OCI lifecycle in one process: create, start, poststart, wait, poststop.
  auto process =
      SNAPRUN_TRY(StartSandbox(config, StartOptions{.wait_for_start = hooks, .hooks = context}));
  SNAPRUN_TRY(AwaitSetup(*process));
  if (after_setup) {
    if (auto done = after_setup(*process); !done) {
      KillAndReap(*process);
      return std::move(done).error();
    }
  }
  if (hooks) SNAPRUN_TRY(SendStart(*process));
  RunHooksWarn(HookKind::kPoststart, config.hooks.poststart, HookState(*process, "running"),
               context.warn);
  auto result = WaitSandbox(*process, config);
  RunHooksWarn(HookKind::kPoststop, config.hooks.poststop, HookState(*process, "stopped"),
               context.warn);
  return result;
}

}  // namespace snaprun::sandbox
