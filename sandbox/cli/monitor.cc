#include "sandbox/cli/monitor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/base/atomic_file.h"
#include "sandbox/cli/cli_log.h"
#include "sandbox/console.h"
#include "sandbox/supervisor.h"

namespace snaprun::sandbox::cli {
namespace {

void Tell(int fd, const std::string& message) {
  if (fd >= 0 && write(fd, message.data(), message.size()) < 0) perror("snaprun-sandbox monitor");
}

// Our own stdio leaves the caller's terminal or pipes: the container keeps them. Stderr
// goes to a text --log; a JSON one gets only whole lines, through Complain.
void DetachStdio(const std::string& log_file) {
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  int log_fd = log_file.empty() || CliLogIsJson()
                   ? -1
                   : open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  dup2(null_fd, 0);
  dup2(null_fd, 1);
  dup2(log_fd >= 0 ? log_fd : null_fd, 2);
  if (log_fd >= 0) close(log_fd);
  close(null_fd);
}

// The caller's stdio, kept for the container on fds of their own.
void KeepCallerStdio(Stdio& stdio) {
  stdio.stdin_fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
  stdio.stdout_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
  stdio.stderr_fd = fcntl(2, F_DUPFD_CLOEXEC, 3);
}

void CloseStdio(const Stdio& stdio) {
  for (int fd : {stdio.stdin_fd, stdio.stdout_fd, stdio.stderr_fd}) {
    if (fd > 2) close(fd);
  }
}

class Monitor {
 public:
  Monitor(MonitorArgs args, std::unique_ptr<SandboxProcess> process, UniqueFd control)
      : args_(std::move(args)), process_(std::move(process)), control_(std::move(control)) {}

  // One request per connection: "start", "kill SIG", "kill-all SIG", "pause", "resume",
  // "join PID" (into the container's cgroup), "namespaces" (init's, as fds).
  void Serve() {
    UniqueFd client(accept4(control_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) return;
    char buffer[128];
    ssize_t n = recv(client.get(), buffer, sizeof buffer - 1, 0);
    if (n <= 0) return;
    std::string request(buffer, static_cast<size_t>(n));
    if (request == "namespaces") return SendNamespaces(client.get());
    std::string reply = Handle(request);
    send(client.get(), reply.data(), reply.size(), MSG_NOSIGNAL);
  }

  int Finish(const Result<RunResult>& result) {
    args_.record.status = "stopped";
    args_.record.exit_status = result ? result->ShellStatus() : 255;
    (void)WriteFileAtomic(args_.dir + "/result.json",
                          (result ? RunResultToJson(*result)
                                  : ErrorResultJson(result.error().ToString())) + "\n", 0600);
    if (auto written = WriteRecord(args_.dir, args_.record); !written) {
      Complain("monitor: " + written.error().ToString());
      return 1;
    }
    return 0;
  }

  SandboxProcess& process() { return *process_; }
  const Config& config() const { return args_.config; }
  int control() const { return control_.get(); }

 private:
  std::string Handle(const std::string& request) {
    if (request == "start") return Start();
    int sig = 0;
    if (sscanf(request.c_str(), "kill %d", &sig) == 1) return Kill(sig, false);
    if (sscanf(request.c_str(), "kill-all %d", &sig) == 1) return Kill(sig, true);
    if (request == "pause" || request == "resume") return Freeze(request == "pause");
    int pid = 0;
    if (sscanf(request.c_str(), "join %d", &pid) == 1) return JoinCgroup(pid);
    return "error: unknown request " + request;
  }

  // "ok user mnt …" with the fds in that order.
  void SendNamespaces(int client) {
    std::string names = "ok";
    std::vector<int> fds;
    for (const auto& ns : process_->namespaces) {
      names += " " + ns.name;
      fds.push_back(ns.fd.get());
    }
    if (auto sent = SendControlReply(client, names, fds); !sent) {
      Complain("monitor: " + sent.error().ToString());
    }
  }

  // The cgroup object knows every hierarchy (v1 has one directory per controller).
  std::string JoinCgroup(pid_t pid) {
    if (!process_->cgroup) return "ok";
    if (auto joined = process_->cgroup->AddProcess(pid); !joined) {
      return "error: " + joined.error().ToString();
    }
    return "ok";
  }

  std::string Freeze(bool frozen) {
    if (!process_->cgroup) {
      return "error: pause needs a cgroup with a freezer: container " + args_.record.id +
             " has no cgroup";
    }
    if (auto done = process_->cgroup->Freeze(frozen); !done) {
      return "error: pause needs a cgroup with a freezer: " + done.error().ToString();
    }
    return SetStatus(frozen ? "paused" : "running");
  }

  std::string SetStatus(const std::string& status) {
    args_.record.status = status;
    if (auto written = WriteRecord(args_.dir, args_.record); !written) {
      return "error: " + written.error().ToString();
    }
    return "ok";
  }

  std::string Start() {
    if (started_) return "error: container " + args_.record.id + " is already running";
    if (auto sent = SendStart(*process_); !sent) return "error: " + sent.error().ToString();
    started_ = true;
    std::string reply = SetStatus("running");
    RunHooksWarn(HookKind::kPoststart, args_.config.hooks.poststart,
                 HookStateJson(process_->hook_context, "running", process_->pid),
                 process_->hook_context.warn);
    return reply;
  }

  // Before start init is blocked in setup with default dispositions, which the kernel
  // ignores for a namespace's pid 1; no command exists to receive the signal, so any
  // signal ends the container. With --all and a cgroup every process in it is signalled.
  std::string Kill(int sig, bool all) {
    if (!started_ && sig != 0) sig = SIGKILL;
    if (auto sent = SignalSandbox(*process_, sig); !sent) return "error: " + sent.error().ToString();
    if (all && !args_.record.cgroup.empty()) {
      std::ifstream procs(args_.record.cgroup + "/cgroup.procs");
      for (pid_t pid; procs >> pid;) kill(pid, sig);
    }
    // A v1 freezer holds even SIGKILL until thawed; v2 lets it through, thawing is harmless.
    if (sig == SIGKILL && args_.record.status == "paused") return Freeze(false);
    return "ok";
  }

  MonitorArgs args_;
  std::unique_ptr<SandboxProcess> process_;
  UniqueFd control_;
  bool started_ = false;
};

// Everything up to "created": the sandbox set up and waiting, the monitor's lock held,
// the control socket listening, state.json written.
Result<std::unique_ptr<Monitor>> Create(MonitorArgs& args, UniqueFd& monitor_lock) {
  StartOptions options{.wait_for_start = true,
                       .keep_namespaces = true,
                       .hooks = {args.record.id, args.record.bundle, {}, Warn}};
  auto process = SNAPRUN_TRY(StartSandbox(args.config, options));
  CloseStdio(args.config.stdio);
  SNAPRUN_TRY_CTX(AwaitSetup(*process), "setting up container " + args.record.id);
  if (args.config.process.terminal) {
    SNAPRUN_TRY_CTX(HandOverTerminal(args.console_socket, std::move(process->terminal)),
                    "container " + args.record.id + "'s terminal");
  }
  monitor_lock = SNAPRUN_TRY(HoldMonitorLock(args.dir));
  UniqueFd control = SNAPRUN_TRY(ListenControl(args.dir));
  args.record.status = "created";
  args.record.pid = process->pid;
  args.record.monitor_pid = getpid();
  args.record.owner = getuid();
  if (process->cgroup && !process->cgroup->Paths().empty()) {
    args.record.cgroup = process->cgroup->Paths().front();
  }
  SNAPRUN_TRY(WriteRecord(args.dir, args.record));
  return std::make_unique<Monitor>(args, std::move(process), std::move(control));
}

}  // namespace

void RunMonitor(MonitorArgs args) {
  KeepCallerStdio(args.config.stdio);
  DetachStdio(args.log_file);
  UniqueFd monitor_lock;
  auto monitor = Create(args, monitor_lock);
  if (!monitor) {
    Tell(args.ready_fd, "error " + monitor.error().ToString());
    _exit(1);
  }
  Tell(args.ready_fd, "ok " + std::to_string((*monitor)->process().pid));
  close(args.ready_fd);
  Monitor& m = **monitor;
  auto result = WaitSandbox(m.process(), m.config(), WaitHook{m.control(), [&m] { m.Serve(); }});
  _exit(m.Finish(result));
}

}  // namespace snaprun::sandbox::cli
