#include "tests/support/modes.h"

#include <unistd.h>

namespace snaprun::testing {

std::string ModeUnavailable(Mode mode, std::optional<TestUser>* user) {
  if (mode == Mode::kRoot) {
    return geteuid() == 0 ? "" : "the root path needs the tests to run as root";
  }
  *user = UnprivilegedUser();
  return *user ? "" : "no unprivileged test user (scripts/test-user.sh creates snaprun-test)";
}

}  // namespace snaprun::testing
