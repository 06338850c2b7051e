#include "orchestrator/run/cancel.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace snaprun::orchestrator {
namespace {

std::atomic<bool> g_canceled{false};
int g_pipe[2] = {-1, -1};

void OnCancelSignal(int) {
  g_canceled.store(true);
  char byte = 'c';
  [[maybe_unused]] ssize_t ignored = ::write(g_pipe[1], &byte, 1);
}

// A reader that goes away (`snaprun run … | head`) must not kill the supervisor. A no-op
// handler rather than SIG_IGN: an ignored signal would stay ignored across the command's
// exec, a handled one is reset to the default there.
void OnBrokenPipe(int) {}

}  // namespace

void InstallCancelHandlers() {
  if (g_pipe[0] >= 0) return;
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return;
  struct sigaction action = {};
  action.sa_handler = OnCancelSignal;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &action, nullptr);
  action.sa_handler = OnBrokenPipe;
  sigaction(SIGPIPE, &action, nullptr);
}

bool CancelRequested() { return g_canceled.load(); }

int CancelFd() { return g_pipe[0]; }

}  // namespace snaprun::orchestrator
