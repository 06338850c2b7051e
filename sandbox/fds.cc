#include "sandbox/fds.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace snaprun::sandbox {

ChildError ArrangeFds(const ChildPlan& plan, int* report_fd) {
  const int count = static_cast<int>(plan.preserved_fds.size());
  const int high = 3 + count + 64;
  // Move every source (and the report socket) out of the target range first.
  int moved_report = fcntl(*report_fd, F_DUPFD_CLOEXEC, high);
  if (moved_report < 0) return Fail(Step::kFds, errno, "dup", "report socket");
  *report_fd = moved_report;
  int staged[256];
  if (count > 256) return Fail(Step::kFds, EMFILE, "preserve", "fds");
  for (int i = 0; i < count; ++i) {
    staged[i] = fcntl(plan.preserved_fds[i], F_DUPFD_CLOEXEC, high);
    if (staged[i] < 0) return Fail(Step::kFds, errno, "dup", "preserved fd");
  }
  for (int i = 0; i < count; ++i) {
    if (dup2(staged[i], 3 + i) < 0) return Fail(Step::kFds, errno, "dup2", "preserved fd");
  }
  if (syscall(SYS_close_range, 3 + count, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    return Fail(Step::kFds, errno, "close_range", "inherited fds");
  }
  return Success();
}

}  // namespace snaprun::sandbox
