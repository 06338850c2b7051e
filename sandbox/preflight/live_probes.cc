#include "sandbox/preflight/live_probes.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>

namespace snaprun::sandbox::preflight {
namespace {

// Runs FN in a forked child; its exit status is the errno it reports (0 = ok).
template <typename Fn>
int InChild(Fn fn) {
  pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) _exit(fn());
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return errno;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return EINTR;  // killed: report as interrupted rather than success
}

bool WriteString(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == static_cast<ssize_t>(strlen(text));
}

// Maps the caller to root in the new user namespace, as the runtime does.
int EnterUserAndMountNamespace() {
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return errno;
  char map[64];
  if (!WriteString("/proc/self/setgroups", "deny")) return errno;
  snprintf(map, sizeof map, "0 %u 1", static_cast<unsigned>(uid));
  if (!WriteString("/proc/self/uid_map", map)) return errno;
  snprintf(map, sizeof map, "0 %u 1", static_cast<unsigned>(gid));
  if (!WriteString("/proc/self/gid_map", map)) return errno;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
  return 0;
}

}  // namespace

int ProbeUserNamespace() {
  return InChild([] { return unshare(CLONE_NEWUSER) == 0 ? 0 : errno; });
}

int ProbeRootlessOverlay(const char* scratch) {
  return InChild([scratch] {
    if (int err = EnterUserAndMountNamespace(); err != 0) return err;
    if (mount("tmpfs", scratch, "tmpfs", 0, "size=1m") != 0) return errno;
    char lower[512], upper[512], work[512], merged[512], options[2200];
    snprintf(lower, sizeof lower, "%s/l", scratch);
    snprintf(upper, sizeof upper, "%s/u", scratch);
    snprintf(work, sizeof work, "%s/w", scratch);
    snprintf(merged, sizeof merged, "%s/m", scratch);
    for (const char* dir : {lower, upper, work, merged}) {
      if (mkdir(dir, 0755) != 0) return errno;
    }
    snprintf(options, sizeof options, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
    return mount("overlay", merged, "overlay", 0, options) == 0 ? 0 : errno;
  });
}

int ProbeSeccomp() {
  // PR_GET_SECCOMP fails with EINVAL when the kernel lacks CONFIG_SECCOMP.
  return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 ? 0 : errno;
}

}  // namespace snaprun::sandbox::preflight
