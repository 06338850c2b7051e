// Resource attacks (processes, memory, CPU) and network reachability. Each has a
// ceiling so that a sandbox without the limit fails the test instead of the host.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "tests/probes/probe.h"

namespace snaprun::probe {
namespace {

long ArgOr(const Args& args, size_t i, long fallback) {
  return args.size() > i ? std::atol(args[i].c_str()) : fallback;
}

double Seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

volatile sig_atomic_t g_xcpu = 0;

// Children block on a pipe whose write end only the parent keeps, so closing it
// releases them all at once.
void ReleaseAndReap(int release_fd, long children) {
  close(release_fd);
  for (long i = 0; i < children; ++i) wait(nullptr);
}

// Touches MB megabytes in 1 MB steps, reporting each step on FD; exit 3 when mmap fails.
[[noreturn]] void Hog(long mb, int fd) {
  for (long i = 0; i < mb; ++i) {
    void* p = mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) _exit(3);
    std::memset(p, 1, 1 << 20);
    char step = 1;
    (void)!write(fd, &step, 1);
  }
  _exit(0);
}

}  // namespace

Report Forkbomb(const Args& args) {
  long max = ArgOr(args, 0, 2000);
  int gate[2];
  if (pipe(gate) != 0) return {Outcome::kError, errno, "pipe"};
  long children = 0;
  int err = 0;
  while (children < max) {
    pid_t pid = fork();
    if (pid < 0) {
      err = errno;
      break;
    }
    if (pid == 0) {
      close(gate[1]);
      char c;
      (void)!read(gate[0], &c, 1);
      _exit(0);
    }
    ++children;
  }
  close(gate[0]);
  ReleaseAndReap(gate[1], children);
  std::string what = "forked " + std::to_string(children) + " processes";
  if (err == EAGAIN || err == ENOMEM) return {Outcome::kBlocked, err, Describe(what + ", then fork", err)};
  if (err != 0) return {Outcome::kError, err, Describe(what + ", then fork", err)};
  return {Outcome::kEscaped, 0, what + " (the ceiling) without hitting a limit"};
}

// MB megabytes in total, split over PROCS processes: a per-process limit (RLIMIT_AS)
// stops one hog but not several, a per-sandbox one (cgroup memory.max) stops both.
Report Memhog(const Args& args) {
  long mb = ArgOr(args, 0, 4096);
  long procs = std::max(1L, ArgOr(args, 1, 1));
  int progress[2];
  if (pipe(progress) != 0) return {Outcome::kError, errno, "pipe"};
  for (long i = 0; i < procs; ++i) {
    if (fork() == 0) {
      close(progress[0]);
      Hog(mb / procs, progress[1]);
    }
  }
  close(progress[1]);
  long touched = 0;
  char buf[256];
  for (ssize_t n; (n = read(progress[0], buf, sizeof buf)) > 0;) touched += n;
  close(progress[0]);
  std::string how;
  for (int status = 0; wait(&status) > 0;) {
    if (WIFSIGNALED(status)) how = ", a hog was killed by signal " + std::to_string(WTERMSIG(status));
    else if (WEXITSTATUS(status) == 3 && how.empty()) how = ", mmap failed";
  }
  std::string what = "touched " + std::to_string(touched) + " of " + std::to_string(mb) +
                     " MB in " + std::to_string(procs) + " processes";
  if (touched < mb / procs * procs) return {Outcome::kBlocked, 0, what + how};
  return {Outcome::kEscaped, 0, what + " without hitting a limit"};
}

Report CpuSpin(const Args& args) {
  long seconds = ArgOr(args, 0, 5);
  signal(SIGXCPU, [](int) { g_xcpu = 1; });
  double start = Seconds(CLOCK_MONOTONIC);
  while (!g_xcpu && Seconds(CLOCK_MONOTONIC) - start < static_cast<double>(seconds)) {
  }
  std::string cpu = std::to_string(Seconds(CLOCK_PROCESS_CPUTIME_ID)) + " s of CPU";
  if (g_xcpu) return {Outcome::kBlocked, 0, "SIGXCPU after " + cpu};
  return {Outcome::kEscaped, 0, "spun " + std::to_string(seconds) + " s wall, " + cpu};
}

Report NetConnect(const Args& args) {
  if (args.size() < 2) return {Outcome::kError, 0, "usage: net-connect IP PORT"};
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  uint16_t port = htons(static_cast<uint16_t>(std::atoi(args[1].c_str())));
  if (inet_pton(AF_INET, args[0].c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = port;
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, args[0].c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = port;
    len = sizeof *v6;
  } else {
    return {Outcome::kError, 0, "not a numeric address: " + args[0]};
  }
  std::string what = "connect to " + args[0] + " port " + args[1];
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int socket_err = errno;
  if (fd < 0) return Judge(-1, socket_err, "socket");
  int err = 0;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) err = errno;
  if (err == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    socklen_t err_len = sizeof err;
    if (poll(&p, 1, 3000) == 1) getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
    else err = ETIMEDOUT;
  }
  close(fd);
  if (err == 0) return {Outcome::kEscaped, 0, Describe(what, 0)};
  bool unreachable = err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH ||
                     err == ETIMEDOUT || err == EPERM || err == EACCES;
  return {unreachable ? Outcome::kBlocked : Outcome::kError, err, Describe(what, err)};
}

Report UnixConnect(const Args& args) {
  if (args.empty()) return {Outcome::kError, 0, "usage: unix-connect @ABSTRACT|PATH"};
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (args[0].size() >= sizeof addr.sun_path) return {Outcome::kError, 0, "name too long"};
  std::memcpy(addr.sun_path, args[0].data(), args[0].size());
  if (args[0][0] == '@') addr.sun_path[0] = '\0';  // the abstract namespace
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + args[0].size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int socket_err = errno;
  if (fd < 0) return Judge(-1, socket_err, "socket(AF_UNIX)");
  long rc = connect(fd, reinterpret_cast<sockaddr*>(&addr), len);
  int err = errno;
  close(fd);
  if (rc == 0) return {Outcome::kEscaped, 0, "connect to unix socket " + args[0] + ": succeeded"};
  bool unreachable = err == ECONNREFUSED || err == ENOENT || err == EACCES || err == EPERM;
  return {unreachable ? Outcome::kBlocked : Outcome::kError, err,
          Describe("connect to unix socket " + args[0], err)};
}

}  // namespace snaprun::probe
