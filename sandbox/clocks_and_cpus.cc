#include "sandbox/clocks_and_cpus.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace snaprun::sandbox {

std::string TimeOffsetsText(const TimeOffsets& offsets) {
  return "monotonic " + std::to_string(offsets.monotonic_seconds) + " 0\nboottime " +
         std::to_string(offsets.boottime_seconds) + " 0\n";
}

cpu_set_t CpuSetOf(const std::vector<unsigned>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned cpu : cpus) CPU_SET(cpu, &set);
  return set;
}

ChildError EnterTimeNamespace(const std::string& offsets_text) {
  if (unshare(CLONE_NEWTIME) != 0) return Fail(Step::kTimeNamespace, errno, "unshare", "time");
  int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Fail(Step::kTimeNamespace, errno, "open", "/proc/self/timens_offsets");
  ssize_t n = write(fd, offsets_text.data(), offsets_text.size());
  int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(offsets_text.size())) {
    return Fail(Step::kTimeNamespace, n < 0 ? err : EIO, "write", "/proc/self/timens_offsets");
  }
  return Success();
}

ChildError ApplyCpuAffinity(const cpu_set_t& cpus) {
  if (sched_setaffinity(0, sizeof cpus, &cpus) != 0) {
    return Fail(Step::kCpuAffinity, errno, "sched_setaffinity", "the configured CPUs");
  }
  return Success();
}

}  // namespace snaprun::sandbox
