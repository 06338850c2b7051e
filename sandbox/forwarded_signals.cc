#include "sandbox/forwarded_signals.h"

#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace snaprun::sandbox {

ForwardedSignals::ForwardedSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2, SIGQUIT}) sigaddset(&set, sig);
  sigprocmask(SIG_BLOCK, &set, &old_);
  fd_.Reset(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
}

ForwardedSignals::~ForwardedSignals() {
  fd_.Reset();
  sigprocmask(SIG_SETMASK, &old_, nullptr);
}

void ForwardedSignals::ForwardTo(int pidfd) {
  signalfd_siginfo info;
  while (read(fd_.get(), &info, sizeof info) == sizeof info) {
    syscall(SYS_pidfd_send_signal, pidfd, static_cast<int>(info.ssi_signo), nullptr, 0);
  }
}

}  // namespace snaprun::sandbox
