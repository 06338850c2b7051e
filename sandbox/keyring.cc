#include "sandbox/keyring.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace snaprun::sandbox {

ChildError JoinNewSessionKeyring() {
  constexpr long kKeyctlJoinSessionKeyring = 1;  // <linux/keyctl.h>; glibc has no wrapper
  if (syscall(SYS_keyctl, kKeyctlJoinSessionKeyring, nullptr) < 0 && errno != ENOSYS) {
    return Fail(Step::kKeyring, errno, "keyctl", "join a new session keyring");
  }
  return Success();
}

}  // namespace snaprun::sandbox
