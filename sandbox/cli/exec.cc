// `exec [OPTIONS] ID CMD [ARGS…]` or `exec --process FILE ID`: a new process inside a
// running container. It starts from the container's own process (env, cwd, user,
// capabilities, rlimits, no_new_privs; its seccomp profile always), the flags change
// that, and it joins init's namespaces, which the monitor hands over as fds, and the
// container's cgroup (see sandbox/exec_process.h). Without --detach we wait for it,
// forwarding signals, and exit with its status (128+signal when a signal ended it); a
// --tty process's pty goes to --console-socket, or without one is relayed to our own
// stdio, as `runc exec -t` does.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <sstream>

#include "sandbox/base/atomic_file.h"
#include "sandbox/base/syscall.h"
#include "sandbox/capabilities.h"
#include "sandbox/cli/commands.h"
#include "sandbox/cli/container_state.h"
#include "sandbox/cli/terminal.h"
#include "sandbox/console.h"
#include "sandbox/exec_process.h"
#include "sandbox/forwarded_signals.h"
#include "sandbox/oci_config.h"

namespace snaprun::sandbox::cli {
namespace {

// The exit status of an exec that could not start the process, as `run` uses.
constexpr int kSetupFailed = 125;

struct ExecOptions {
  std::string process_file;
  bool detach = false;
  std::string pid_file;
  std::string cwd;
  std::vector<std::string> env;
  std::string user;
  std::vector<std::string> additional_gids;
  bool tty = false;
  std::string console_socket;
  bool no_new_privs = false;
  std::vector<std::string> caps;
  std::string id;
  std::vector<std::string> args;
};

Result<uint32_t> ParseId(const std::string& text, const std::string& what) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
      text.size() > 10 || std::stoull(text) > 0xfffffffeULL) {
    return Error(ErrorCode::kInvalidInput, what + " '" + text + "' is not a numeric id");
  }
  return static_cast<uint32_t>(std::stoul(text));
}

void SetEnv(std::vector<std::string>& env, const std::string& entry) {
  std::string key = entry.substr(0, entry.find('=') + 1);
  for (auto& existing : env) {
    if (existing.rfind(key, 0) == 0) {
      existing = entry;
      return;
    }
  }
  env.push_back(entry);
}

Result<void> AddCaps(const std::vector<std::string>& names, CapabilitySets& sets) {
  for (const auto& name : names) {
    int cap = SNAPRUN_TRY_CTX(CapabilityFromName(name), "--cap");
    for (auto* set : {&sets.bounding, &sets.effective, &sets.permitted}) set->push_back(cap);
  }
  return Ok();
}

Result<void> ApplyFlags(const ExecOptions& o, Process& p) {
  if (!o.cwd.empty()) p.cwd = o.cwd;
  for (const auto& entry : o.env) {
    if (entry.find('=') == std::string::npos) {
      return Error(ErrorCode::kInvalidInput, "--env '" + entry + "' is not KEY=VALUE");
    }
    SetEnv(p.env, entry);
  }
  if (!o.user.empty()) {
    size_t colon = o.user.find(':');
    p.uid = SNAPRUN_TRY(ParseId(o.user.substr(0, colon), "--user uid"));
    if (colon != std::string::npos)
      p.gid = SNAPRUN_TRY(ParseId(o.user.substr(colon + 1), "--user gid"));
  }
  for (const auto& list : o.additional_gids) {
    std::stringstream items(list);
    for (std::string gid; std::getline(items, gid, ',');) {
      p.additional_gids.push_back(SNAPRUN_TRY(ParseId(gid, "--additional-gids")));
    }
  }
  if (o.no_new_privs) p.no_new_privileges = true;
  return AddCaps(o.caps, p.capabilities);
}

// The container's process, then either the --process file or the flags and arguments.
Result<Process> ExecProcess(const ExecOptions& o, const Process& container) {
  if (!o.process_file.empty()) {
    if (!o.args.empty()) {
      return Error(ErrorCode::kInvalidInput, "give either --process or a command, not both");
    }
    std::string text = SNAPRUN_TRY(ReadFile(o.process_file, 16 << 20));
    return ProcessFromOciJson(text, o.process_file);
  }
  if (o.args.empty()) return Error(ErrorCode::kInvalidInput, "exec needs a command or --process");
  Process p = container;
  p.args = o.args;
  p.terminal = o.tty;
  SNAPRUN_TRY(ApplyFlags(o, p));
  return p;
}

// The master goes to the driver's console socket; without one a foreground exec relays
// it to our stdio, and a detached one has nowhere to put it.
Result<void> CheckTerminal(const ExecOptions& o, const Process& p) {
  if (!o.console_socket.empty() && !p.terminal) {
    return Error(ErrorCode::kInvalidInput, "--console-socket needs --tty");
  }
  if (p.terminal && o.console_socket.empty() && o.detach) {
    return Error(ErrorCode::kInvalidInput, "exec --tty --detach needs --console-socket");
  }
  return Ok();
}

// Init stays in the host's time namespace and only its children enter the container's
// (child_setup.cc), so it is not among the namespaces kept before GO.
Result<void> AddTimeNamespace(pid_t init, std::vector<NamespaceFd>& namespaces) {
  std::string path = "/proc/" + std::to_string(init) + "/ns/time_for_children";
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    return Error::FromErrno("open", path)
        .Wrap("joining the container's time namespace (linux.timeOffsets)");
  }
  namespaces.push_back({"time", CLONE_NEWTIME, std::move(fd)});
  return Ok();
}

Result<void> AskMonitorOk(const std::string& dir, const std::string& request) {
  std::string reply = SNAPRUN_TRY(ControlRequest(dir, request));
  if (reply == "ok") return Ok();
  return Error(ErrorCode::kSystem, reply.rfind("error: ", 0) == 0 ? reply.substr(7) : reply);
}

// Under the container lock: check it runs, plan the process, start it. The terminal is
// returned only when it is ours to relay.
Result<SpawnedProcess> Spawn(const GlobalOptions& global, const ExecOptions& o) {
  std::string root = StateRoot(global);
  UniqueFd lock = SNAPRUN_TRY(LockContainer(root, o.id));
  std::string dir = ContainerDir(root, o.id);
  ContainerRecord record = SNAPRUN_TRY(ReadRecord(dir));
  std::string status = LiveStatus(dir, record);
  if (status != "running") {
    return Error(ErrorCode::kInvalidInput,
                 "cannot exec in container " + o.id + ": it is " + status + ", not running");
  }
  Config config = SNAPRUN_TRY_CTX(LoadOciBundle(record.bundle), "reading the bundle of " + o.id);
  config.process = SNAPRUN_TRY(ExecProcess(o, config.process));
  SNAPRUN_TRY(CheckTerminal(o, config.process));
  auto plan = std::make_unique<ChildPlan>();
  SNAPRUN_TRY(BuildPlan(config, Caller{getuid(), getgid(), !record.cgroup.empty()}, *plan));
  std::vector<NamespaceFd> namespaces = SNAPRUN_TRY(FetchNamespaces(dir));
  if (config.time_offsets) SNAPRUN_TRY(AddTimeNamespace(record.pid, namespaces));
  ExecTarget target{&namespaces, {}};
  if (!record.cgroup.empty()) {
    target.join_cgroup = [&dir](pid_t pid) {
      return AskMonitorOk(dir, "join " + std::to_string(pid));
    };
  }
  // Without --detach the process becomes our child once the helper exits, so we can wait.
  if (!o.detach && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    return Error::FromErrno("prctl", "PR_SET_CHILD_SUBREAPER");
  }
  SpawnedProcess spawned = SNAPRUN_TRY(SpawnInSandbox(*plan, target));
  if (spawned.terminal && !o.console_socket.empty()) {
    SNAPRUN_TRY_CTX(HandOverTerminal(o.console_socket, std::move(spawned.terminal)),
                    "--console-socket " + o.console_socket);
  }
  if (!o.pid_file.empty()) SNAPRUN_TRY(WriteFileAtomic(o.pid_file, std::to_string(spawned.pid)));
  return spawned;
}

int ShellStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// Waits for our (adopted) child PID, forwarding SIGINT, SIGTERM, SIGHUP and the rest.
Result<int> Wait(pid_t pid) {
  ForwardedSignals forwarded;
  UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return Error::FromErrno("pidfd_open", "exec process");
  for (;;) {
    pollfd pfds[2] = {{pidfd.get(), POLLIN, 0}, {forwarded.fd(), POLLIN, 0}};
    int n = poll(pfds, 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::FromErrno("poll", "exec process");
    if (pfds[0].revents != 0) break;
    forwarded.ForwardTo(pidfd.get());
  }
  int status = 0;
  if (RetryOnEintr([&] { return waitpid(pid, &status, 0); }) < 0) {
    return Error::FromErrno("waitpid", "exec process");
  }
  return ShellStatus(status);
}

int Exec(const GlobalOptions& global, const ExecOptions& options) {
  auto spawned = Spawn(global, options);
  if (!ReportError(spawned)) return kSetupFailed;
  if (options.detach) return 0;
  std::optional<TerminalRelay> relay;  // outlives the wait: it drains the process's output
  if (spawned->terminal) relay.emplace(std::move(spawned->terminal));
  auto status = Wait(spawned->pid);
  return ReportError(status) ? *status : kSetupFailed;
}

}  // namespace

void RegisterExec(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto o = std::make_shared<ExecOptions>();
  auto* cmd = app.add_subcommand("exec", "run a new process inside a running container");
  cmd->add_option("--process,-p", o->process_file, "an OCI process JSON file");
  cmd->add_flag("--detach,-d", o->detach, "return once the process has started");
  cmd->add_option("--pid-file", o->pid_file, "write the process's host pid here");
  cmd->add_option("--cwd", o->cwd, "working directory inside the container");
  cmd->add_option("--env,-e", o->env, "set KEY=VALUE (repeatable)")->allow_extra_args(false);
  cmd->add_option("--user,-u", o->user, "UID[:GID] inside the container");
  cmd->add_option("--additional-gids,-g", o->additional_gids, "extra group ids (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--tty,-t", o->tty,
                "a pty in the container; its master goes to --console-socket, or is relayed "
                "to our stdio");
  cmd->add_option("--console-socket", o->console_socket, "where to send the terminal's master");
  cmd->add_flag("--no-new-privs", o->no_new_privs, "set no_new_privs for the process");
  cmd->add_option("--cap,-c", o->caps, "add a capability (repeatable)")->allow_extra_args(false);
  // runc's grammar: options, the id, then the command and its own options untouched.
  cmd->prefix_command();
  cmd->callback([&global, cmd, o, exit_code] {
    std::vector<std::string> rest = cmd->remaining();
    if (!rest.empty() && rest.front() == "--") rest.erase(rest.begin());
    if (rest.empty()) {
      fprintf(stderr, "snaprun-sandbox: exec needs a container id\n");
      *exit_code = 2;
      return;
    }
    o->id = rest.front();
    o->args.assign(rest.begin() + 1, rest.end());
    if (!o->args.empty() && o->args.front() == "--") o->args.erase(o->args.begin());
    *exit_code = Exec(global, *o);
  });
}

}  // namespace snaprun::sandbox::cli
