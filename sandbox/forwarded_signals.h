// The signals a runtime user sends to stop or poke the command (runc forwards the same
// set): blocked while an instance lives, read from its signalfd and sent on to a
// process through its pidfd. The old mask comes back on destruction.
#pragma once

#include <signal.h>

#include "sandbox/base/unique_fd.h"

namespace snaprun::sandbox {

class ForwardedSignals {
 public:
  ForwardedSignals();
  ~ForwardedSignals();
  ForwardedSignals(const ForwardedSignals&) = delete;
  ForwardedSignals& operator=(const ForwardedSignals&) = delete;

  int fd() const { return fd_.get(); }
  // Sends every pending forwarded signal to PIDFD.
  void ForwardTo(int pidfd);

 private:
  sigset_t old_;
  UniqueFd fd_;
};

}  // namespace snaprun::sandbox
