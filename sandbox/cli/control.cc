// `start ID`, `kill ID [SIGNAL] [--all]`, `delete ID [--force]`, `pause ID`,
// `resume ID`: each holds the container lock and talks to the container's monitor over
// its control socket (the monitor owns the pidfd, so no signal can reach a recycled
// pid, and the cgroup object, which knows where the freezer is on v1 and v2).
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <thread>

#include "sandbox/base/syscall.h"
#include "sandbox/cli/commands.h"
#include "sandbox/cli/container_state.h"
#include "sandbox/hooks.h"
#include "sandbox/oci_config.h"

namespace snaprun::sandbox::cli {
namespace {

Result<int> ParseSignal(std::string name) {
  if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) {
    int sig = std::stoi(name);
    if (sig >= 0 && sig < NSIG) return sig;
  }
  for (auto& c : name) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  for (int sig = 1; sig < NSIG; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev != nullptr && name == abbrev) return sig;
  }
  return Error(ErrorCode::kInvalidInput, "unknown signal '" + name + "'");
}

Result<void> AskMonitor(const std::string& dir, const std::string& request) {
  std::string reply = SNAPRUN_TRY(ControlRequest(dir, request));
  if (reply == "ok") return Ok();
  return Error(ErrorCode::kSystem, reply.rfind("error: ", 0) == 0 ? reply.substr(7) : reply);
}

struct Locked {
  UniqueFd lock;
  std::string dir;
  ContainerRecord record;
  std::string status;
};

Result<Locked> LockAndRead(const GlobalOptions& global, const std::string& id) {
  Locked locked;
  std::string root = StateRoot(global);
  locked.lock = SNAPRUN_TRY(LockContainer(root, id));
  locked.dir = ContainerDir(root, id);
  locked.record = SNAPRUN_TRY(ReadRecord(locked.dir));
  locked.status = LiveStatus(locked.dir, locked.record);
  return locked;
}

Result<void> Start(const GlobalOptions& global, const std::string& id) {
  Locked c = SNAPRUN_TRY(LockAndRead(global, id));
  if (c.status != "created") {
    return Error(ErrorCode::kInvalidInput,
                 "cannot start container " + id + ": it is " + c.status + ", not created");
  }
  return AskMonitor(c.dir, "start");
}

Result<void> Kill(const GlobalOptions& global, const std::string& id, const std::string& signal,
                  bool all) {
  int sig = SNAPRUN_TRY(ParseSignal(signal));
  Locked c = SNAPRUN_TRY(LockAndRead(global, id));
  if (c.status == "stopped") {
    return Error(ErrorCode::kInvalidInput, "container " + id + " is not running");
  }
  return AskMonitor(c.dir, (all ? "kill-all " : "kill ") + std::to_string(sig));
}

bool LockIsFree(int fd) { return flock(fd, LOCK_SH | LOCK_NB) == 0; }

// Blocks until the monitor's lock is free, i.e. the monitor (and init) are gone. The
// wait is on a pidfd of the monitor, so it ends the moment the monitor does; the pidfd
// is opened before the lock is found held, and a pid cannot be reused while its process
// lives, so it cannot name a stranger. Bounded at ten seconds.
Result<void> AwaitMonitorExit(const std::string& dir, pid_t monitor) {
  UniqueFd fd(open((dir + "/monitor.lock").c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Ok();
  UniqueFd pidfd(monitor > 0 ? static_cast<int>(syscall(SYS_pidfd_open, monitor, 0)) : -1);
  if (LockIsFree(fd.get())) return Ok();
  if (pidfd) {
    pollfd exited{pidfd.get(), POLLIN, 0};
    RetryOnEintr([&] { return poll(&exited, 1, 10000); });
  }
  // What still holds the lock after the monitor (its init, for a moment) goes with it.
  for (int i = 0; i < 10000; ++i) {
    if (LockIsFree(fd.get())) return Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return Error(ErrorCode::kSystem, "the container's monitor did not exit after SIGKILL");
}

// A cgroup the monitor could not remove (it was killed): kill what is left, remove it.
void RemoveLeftoverCgroup(const std::string& path) {
  if (path.empty() || access(path.c_str(), F_OK) != 0) return;
  std::ofstream(path + "/cgroup.kill") << "1";
  for (int i = 0; i < 100 && rmdir(path.c_str()) != 0 && errno == EBUSY; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// OCI poststop, once the container is gone; read from the bundle, which may be gone too.
void RunPoststopHooks(const ContainerRecord& record) {
  if (access((record.bundle + "/config.json").c_str(), F_OK) != 0) return;
  auto config = LoadOciBundle(record.bundle);
  if (!config) {
    Warn("poststop hooks not run: " + config.error().ToString());
    return;
  }
  HookContext context{record.id, record.bundle, config->annotations};
  RunHooksWarn(HookKind::kPoststop, config->hooks.poststop,
               HookStateJson(context, "stopped", record.pid), Warn);
}

Result<void> Delete(const GlobalOptions& global, const std::string& id, bool force) {
  Locked c = SNAPRUN_TRY(LockAndRead(global, id));
  // As runc: a created container has no command yet and is deleted without --force.
  if ((c.status == "running" || c.status == "paused") && !force) {
    return Error(ErrorCode::kInvalidInput,
                 "cannot delete container " + id + ": it is " + c.status + " (use --force)");
  }
  if (c.status != "stopped") {
    (void)AskMonitor(c.dir, "kill " + std::to_string(SIGKILL));
    SNAPRUN_TRY(AwaitMonitorExit(c.dir, c.record.monitor_pid));
  }
  RemoveLeftoverCgroup(c.record.cgroup);
  SNAPRUN_TRY(RemoveContainerDir(StateRoot(global), id));
  RunPoststopHooks(c.record);
  return Ok();
}

// Without a cgroup there is nothing to freeze: say so before asking the monitor.
Result<void> Freeze(const GlobalOptions& global, const std::string& id, bool pause) {
  Locked c = SNAPRUN_TRY(LockAndRead(global, id));
  const char* wanted = pause ? "running" : "paused";
  if (c.status != wanted) {
    return Error(ErrorCode::kInvalidInput, std::string("cannot ") + (pause ? "pause" : "resume") +
                                               " container " + id + ": it is " + c.status +
                                               ", not " + wanted);
  }
  if (c.record.cgroup.empty()) {
    return Error(ErrorCode::kUnsupported,
                 "pause needs a cgroup with a freezer: container " + id +
                     " has none (one is made when linux.resources sets limits and this user "
                     "may write a cgroup; see `snaprun-sandbox check`)");
  }
  return AskMonitor(c.dir, pause ? "pause" : "resume");
}

}  // namespace

void RegisterPause(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  for (bool pause : {true, false}) {
    auto id = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(pause ? "pause" : "resume",
                                   pause ? "freeze every process of a container"
                                         : "thaw a paused container");
    cmd->add_option("id", *id, "container id")->required();
    cmd->callback([&global, id, pause, exit_code] {
      *exit_code = ReportError(Freeze(global, *id, pause)) ? 0 : 1;
    });
  }
}

void RegisterStart(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("start", "run the command of a created container");
  cmd->add_option("id", *id, "container id")->required();
  cmd->callback([&global, id, exit_code] { *exit_code = ReportError(Start(global, *id)) ? 0 : 1; });
}

void RegisterKill(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto signal = std::make_shared<std::string>("TERM");
  auto all = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("kill", "send a signal to a container's init");
  cmd->add_option("id", *id, "container id")->required();
  cmd->add_option("signal", *signal, "name (TERM, SIGTERM) or number; default TERM");
  cmd->add_flag("--all,-a", *all, "also signal every process in the container's cgroup");
  cmd->callback([&global, id, signal, all, exit_code] {
    *exit_code = ReportError(Kill(global, *id, *signal, *all)) ? 0 : 1;
  });
}

void RegisterDelete(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("delete", "remove a container's state (and its cgroup)");
  cmd->alias("rm");
  cmd->add_option("id", *id, "container id")->required();
  cmd->add_flag("--force,-f", *force, "kill a running container first");
  cmd->callback([&global, id, force, exit_code] {
    *exit_code = ReportError(Delete(global, *id, *force)) ? 0 : 1;
  });
}

}  // namespace snaprun::sandbox::cli
