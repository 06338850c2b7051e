#include "sandbox/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "sandbox/base/syscall.h"

namespace snaprun::sandbox {
namespace {

constexpr size_t kMaxCaptured = 4096;  // of a hook's stderr, for the error message

// argv and envp for execve, built before fork (nothing is allocated after it).
struct ExecStrings {
  std::vector<std::string> args, env;
  std::vector<char*> argv, envp;

  explicit ExecStrings(const Hook& hook)
      : args(hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args), env(hook.env) {
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
};

// Init's namespaces as plain arrays, built before fork (nothing is allocated after it).
struct JoinArrays {
  std::vector<int> fds, flags;
  bool pid = false;

  explicit JoinArrays(const std::vector<NamespaceFd>* join) {
    if (join == nullptr) return;
    for (const auto& ns : *join) {
      fds.push_back(ns.fd.get());
      flags.push_back(ns.clone_flag);
      pid = pid || ns.clone_flag == CLONE_NEWPID;
    }
  }
};

// In the forked child: joins the namespaces (user first: it grants the capabilities the
// other joins need), forks once more when a pid namespace was joined (setns(CLONE_NEWPID)
// only applies to children) and execs the hook.
[[noreturn]] void ExecHook(const Hook& hook, ExecStrings& strings, const JoinArrays& join) {
  ChildError joined = JoinNamespaces(join.fds.data(), join.flags.data(), join.fds.size());
  if (joined.failed()) {
    dprintf(2, "setns(%s): %s\n", joined.detail, strerror(joined.err));
    _exit(126);
  }
  bool new_pid = join.pid;
  if (new_pid) {
    pid_t inner = fork();
    if (inner < 0) _exit(126);
    if (inner > 0) {
      int status = 0;
      RetryOnEintr([&] { return waitpid(inner, &status, 0); });
      if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        kill(getpid(), WTERMSIG(status));
      }
      _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 126);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a timeout kills the outer child; this goes too
    // The parent lives outside the pid namespace (getppid() is 0); reparented to the
    // container's init it was killed before PDEATHSIG was armed.
    if (getppid() != 0) _exit(126);
  }
  // Only stdio: the namespace fds and whatever the runtime holds stay ours.
  syscall(SYS_close_range, 3U, ~0U, 0U);
  execve(hook.path.c_str(), strings.argv.data(), strings.envp.data());
  dprintf(2, "exec %s: %s\n", hook.path.c_str(), strerror(errno));
  _exit(127);
}

struct Outcome {
  int status = 0;
  bool timed_out = false;
  std::string stderr_text;
};

// Reads the hook's stderr until it exits or its timeout passes (then SIGKILL).
Outcome Supervise(pid_t pid, int pidfd, int err_fd, const Hook& hook) {
  using Clock = std::chrono::steady_clock;
  Outcome out;
  std::optional<Clock::time_point> deadline;
  if (hook.timeout_seconds) deadline = Clock::now() + std::chrono::seconds(*hook.timeout_seconds);
  bool err_open = true;
  for (;;) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    pollfd pfds[2] = {{pidfd, POLLIN, 0}, {err_open ? err_fd : -1, POLLIN, 0}};
    int n = poll(pfds, 2, wait_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) {
      out.timed_out = true;
      syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
      break;
    }
    if (pfds[1].revents != 0) {
      char buffer[1024];
      ssize_t got = read(err_fd, buffer, sizeof buffer);
      if (got <= 0) err_open = false;
      if (got > 0 && out.stderr_text.size() < kMaxCaptured) {
        out.stderr_text.append(buffer, static_cast<size_t>(got));
      }
    }
    if (pfds[0].revents != 0) break;
  }
  RetryOnEintr([&] { return waitpid(pid, &out.status, 0); });
  // What the hook wrote just before it exited.
  fcntl(err_fd, F_SETFL, O_NONBLOCK);
  char buffer[1024];
  for (ssize_t got; out.stderr_text.size() < kMaxCaptured &&
                    (got = read(err_fd, buffer, sizeof buffer)) > 0;) {
    out.stderr_text.append(buffer, static_cast<size_t>(got));
  }
  if (out.stderr_text.size() > kMaxCaptured) out.stderr_text.resize(kMaxCaptured);
  while (!out.stderr_text.empty() && out.stderr_text.back() == '\n') out.stderr_text.pop_back();
  return out;
}

std::string Describe(HookKind kind, size_t index, const Hook& hook) {
  return std::string(HookKindName(kind)) + " hook " + std::to_string(index) + " (" + hook.path +
         ")";
}

Result<void> RunHook(HookKind kind, size_t index, const Hook& hook, const std::string& state,
                     const std::vector<NamespaceFd>* join) {
  ExecStrings strings(hook);
  JoinArrays join_arrays(join);
  int in[2];
  int err[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
    return Error::FromErrno("socketpair", "hook stdin");
  }
  UniqueFd in_parent(in[0]), in_child(in[1]);
  if (pipe2(err, O_CLOEXEC) != 0) return Error::FromErrno("pipe2", "hook stderr");
  UniqueFd err_parent(err[0]), err_child(err[1]);
  int pidfd = -1;
  pid_t pid = static_cast<pid_t>(
      syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, nullptr, &pidfd, nullptr, 0));
  if (pid < 0) return Error::FromErrno("clone", Describe(kind, index, hook));
  if (pid == 0) {
    // No forwarded-signal mask or ignored dispositions leak into the hook.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Our ends go now, not at exec: a pid-namespace hook's intermediate never execs,
    // and the hook would never see EOF on its stdin.
    close(in_parent.get());
    close(err_parent.get());
    if (dup2(in_child.get(), 0) < 0 || dup2(err_child.get(), 2) < 0) _exit(126);
    ExecHook(hook, strings, join_arrays);
  }
  UniqueFd pidfd_owner(pidfd);
  in_child.Reset();
  err_child.Reset();
  // A hook that exits without reading its stdin must not kill us with SIGPIPE.
  (void)send(in_parent.get(), state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  in_parent.Reset();
  Outcome out = Supervise(pid, pidfd, err_parent.get(), hook);
  std::string what;
  if (out.timed_out) {
    what = "timed out after " + std::to_string(*hook.timeout_seconds) + "s and was killed";
  } else if (WIFEXITED(out.status) && WEXITSTATUS(out.status) == 0) {
    return Ok();
  } else if (WIFEXITED(out.status)) {
    what = "exited with status " + std::to_string(WEXITSTATUS(out.status));
  } else {
    what = std::string("was killed by signal ") + sigabbrev_np(WTERMSIG(out.status));
  }
  if (!out.stderr_text.empty()) what += ": " + out.stderr_text;
  return Error(ErrorCode::kSystem, Describe(kind, index, hook) + " " + what);
}

}  // namespace

const char* HookKindName(HookKind kind) {
  switch (kind) {
    case HookKind::kPrestart: return "prestart";
    case HookKind::kCreateRuntime: return "createRuntime";
    case HookKind::kCreateContainer: return "createContainer";
    case HookKind::kStartContainer: return "startContainer";
    case HookKind::kPoststart: return "poststart";
    case HookKind::kPoststop: return "poststop";
  }
  return "hook";
}

std::string HookStateJson(const HookContext& context, const std::string& status, pid_t pid) {
  Poco::JSON::Object state(Poco::JSON_PRESERVE_KEY_ORDER);
  state.set("ociVersion", "1.0.2");
  state.set("id", context.id);
  state.set("status", status);
  if (pid > 0) state.set("pid", static_cast<int>(pid));
  state.set("bundle", context.bundle);
  Poco::JSON::Object::Ptr annotations = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [key, value] : context.annotations) annotations->set(key, value);
  state.set("annotations", annotations);
  std::ostringstream out;
  state.stringify(out);
  return out.str();
}

Result<void> RunHooks(HookKind kind, const std::vector<Hook>& hooks, const std::string& state,
                      const std::vector<NamespaceFd>* join) {
  for (size_t i = 0; i < hooks.size(); ++i) SNAPRUN_TRY(RunHook(kind, i, hooks[i], state, join));
  return Ok();
}

void RunHooksWarn(HookKind kind, const std::vector<Hook>& hooks, const std::string& state,
                  const HookWarning& warn) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    auto ran = RunHook(kind, i, hooks[i], state, nullptr);
    if (ran) continue;
    if (warn) {
      warn(ran.error().ToString());
    } else {
      fprintf(stderr, "snaprun-sandbox: warning: %s\n", ran.error().ToString().c_str());
    }
  }
}

}  // namespace snaprun::sandbox
