#include "orchestrator/run/sandbox_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <cerrno>
#include <thread>

#include "orchestrator/logs/console_log.h"
#include "orchestrator/run/cancel.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/supervisor.h"

namespace snaprun::orchestrator {
namespace {

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

Result<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::FromErrno("pipe2", "console");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void SignalSandbox(int pidfd, int sig) { ::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0); }

int PollRetry(pollfd* fds, nfds_t count, int timeout_ms) {
  int n;
  do {
    n = ::poll(fds, count, timeout_ms);
  } while (n < 0 && errno == EINTR);
  return n;
}

// Until DONE_FD is readable: on a cancel request, SIGTERM the sandbox, SIGKILL after
// GRACE; every kBudgetCheckInterval, the budgets, and SIGKILL at once when one is over
// (a grace would only be more writing). Writes *STOPPED_FOR before it kills.
void WatchRun(int pidfd, int done_fd, std::chrono::milliseconds grace,
              const SessionBudgets& budgets, std::atomic<bool>* canceled,
              std::optional<std::string>* stopped_for) {
  pollfd fds[2] = {{done_fd, POLLIN, 0}, {CancelFd(), POLLIN, 0}};
  int interval = budgets.budgets.empty() ? -1 : static_cast<int>(kBudgetCheckInterval.count());
  uint64_t bytes = 0;
  for (;;) {
    int ready = PollRetry(fds, 2, interval);
    if (ready < 0 || fds[0].revents) return;
    if (ready > 0) break;  // a cancel request
    BudgetCheck check =
        CheckBudgets(budgets.budgets, budgets.free_space_path, kMinFreeBytes, bytes);
    bytes = check.bytes;
    if (check.stop) {
      *stopped_for = std::move(check.stop);
      SignalSandbox(pidfd, SIGKILL);
      return;
    }
  }
  canceled->store(true);
  SignalSandbox(pidfd, SIGTERM);
  if (PollRetry(fds, 1, static_cast<int>(grace.count())) == 0) SignalSandbox(pidfd, SIGKILL);
}

}  // namespace

Result<SessionOutcome> RunSandboxSession(sandbox::Config config, const std::string& console_log,
                                         bool echo, const SessionBudgets& budgets,
                                         const std::function<Result<void>()>& on_started) {
  Pipe out = SNAPRUN_TRY(MakePipe());
  Pipe err = SNAPRUN_TRY(MakePipe());
  ConsoleRecorder recorder = SNAPRUN_TRY(ConsoleRecorder::Open(console_log, echo));
  UniqueFd done(::eventfd(0, EFD_CLOEXEC));
  if (!done) return Error::FromErrno("eventfd", "supervisor");
  config.stdio.stdout_fd = out.write.get();
  config.stdio.stderr_fd = err.write.get();
  auto process = SNAPRUN_TRY(sandbox::StartSandbox(config));
  out.write.Reset();
  err.write.Reset();
  Result<void> pumped = Ok();
  std::thread pump([&] { pumped = recorder.Pump(out.read.get(), err.read.get()); });
  std::atomic<bool> canceled{false};
  std::optional<std::string> stopped_for;
  std::thread watcher(WatchRun, process->pidfd.get(), done.get(), config.kill_grace,
                      std::cref(budgets), &canceled, &stopped_for);
  Result<void> started = on_started();
  if (!started) SignalSandbox(process->pidfd.get(), SIGKILL);
  auto result = sandbox::WaitSandbox(*process, config);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t ignored = ::write(done.get(), &one, sizeof one);
  watcher.join();
  pump.join();
  if (!started) return std::move(started).error();
  if (!result) return std::move(result).error();
  if (!pumped) return std::move(pumped).error().Wrap("recording the console");
  return SessionOutcome{*result, canceled.load(), std::move(stopped_for)};
}

}  // namespace snaprun::orchestrator
