#include "tests/support/host_facts.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace snaprun::testing {

std::optional<std::string> MissingI386Abi() {
#if defined(__x86_64__)
  pid_t pid = fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid == 0) {
    long rc = 20;  // __NR_getpid on i386
    asm volatile("int $0x80" : "+a"(rc) : : "memory");
    _exit(rc == getpid() ? 0 : 1);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return std::string("waitpid: ") + std::strerror(errno);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
  if (WIFSIGNALED(status)) {
    return std::string("int 0x80 getpid without a filter: killed by SIG") +
           sigabbrev_np(WTERMSIG(status));
  }
  return std::string("int 0x80 getpid without a filter did not return the pid");
#else
  return std::string("not an x86_64 host");
#endif
}

std::string HostFactSkip(const std::string& key, const std::string& detail) {
  return "host fact " + key + ": " + detail;
}

std::string RootOnlySkip(const std::string& why) { return "root only: " + why; }

std::string RootlessOnlySkip(const std::string& why) { return "rootless only: " + why; }

}  // namespace snaprun::testing
