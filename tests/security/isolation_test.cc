// What the sandbox can see of the host: fds, processes, the network.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>

#include "tests/security/sandbox_runner.h"
#include "tests/security/snaprun_runner.h"

namespace snaprun::security {
namespace {

// The launcher opens fd 7 on the host's / before starting the runtime.
TEST(Fds, OnlyStdioIsInherited) {
  SandboxSpec spec = Attack({"fds"});
  spec.launcher = {"sh", "-c", "exec 7</ && exec \"$@\"", "sh"};
  SNAPRUN_RUN_PROBE(run, spec);
  EXPECT_EQ(run.line->result, "blocked") << run.Explain();
}

TEST(Pids, HostProcessesInvisible) { SNAPRUN_EXPECT_BLOCKED(Attack({"pids"})); }

// A listening TCP socket on ADDRESS:port (port chosen by the kernel).
struct Listener {
  int fd = -1;
  int port = 0;
  explicit Listener(in_addr_t address) {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = address;
    socklen_t len = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd >= 0) close(fd);
  }
};

std::optional<std::string> HostAddress() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if (ntohl(in->sin_addr.s_addr) >> 24 == 127) continue;
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    found = text;
  }
  freeifaddrs(list);
  return found;
}

TEST(Network, HostLoopbackUnreachable) {
  Listener listener(htonl(INADDR_LOOPBACK));
  ASSERT_GT(listener.port, 0);
  SNAPRUN_EXPECT_BLOCKED(Attack({"net-connect", "127.0.0.1", std::to_string(listener.port)}));
}

TEST(Network, HostAddressUnreachable) {
  std::optional<std::string> address = HostAddress();
  if (!address) GTEST_SKIP() << "the host has no non-loopback IPv4 address";
  Listener listener(htonl(INADDR_ANY));
  ASSERT_GT(listener.port, 0);
  SNAPRUN_EXPECT_BLOCKED(Attack({"net-connect", *address, std::to_string(listener.port)}));
}

// Abstract unix sockets (D-Bus, X11, containerd shims) belong to the network
// namespace: one listening on the host must be unreachable.
TEST(Network, HostAbstractUnixSocketUnreachable) {
  std::string name = "@snaprun-security-" + std::to_string(getpid());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data() + 1, name.size() - 1);
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
  ASSERT_EQ(listen(fd, 4), 0);
  // Rootless runs come from another uid; abstract sockets have no permission check.
  SNAPRUN_EXPECT_BLOCKED(Attack({"unix-connect", name}));
  close(fd);
}

// The same three through `snaprun run` (network: none, the default).
void ExpectBlockedThroughSnaprun(std::vector<std::string> probe_args) {
  SnaprunAttack attack;
  attack.probe_args = std::move(probe_args);
  std::string why;
  std::optional<ProbeRun> run = RunProbeThroughSnaprun(attack, &why);
  if (!run) GTEST_SKIP() << why;
  ASSERT_TRUE(run->line.has_value()) << run->Explain();
  EXPECT_EQ(run->line->result, "blocked") << run->Explain();
}

TEST(SnaprunRunNetwork, HostLoopbackUnreachable) {
  Listener listener(htonl(INADDR_LOOPBACK));
  ASSERT_GT(listener.port, 0);
  ExpectBlockedThroughSnaprun({"net-connect", "127.0.0.1", std::to_string(listener.port)});
}

TEST(SnaprunRunNetwork, HostAddressUnreachable) {
  std::optional<std::string> address = HostAddress();
  ASSERT_TRUE(address) << "the host has no non-loopback IPv4 address";
  Listener listener(htonl(INADDR_ANY));
  ASSERT_GT(listener.port, 0);
  ExpectBlockedThroughSnaprun({"net-connect", *address, std::to_string(listener.port)});
}

TEST(SnaprunRunNetwork, HostAbstractUnixSocketUnreachable) {
  std::string name = "@snaprun-security-run-" + std::to_string(getpid());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data() + 1, name.size() - 1);
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
  ASSERT_EQ(listen(fd, 4), 0);
  ExpectBlockedThroughSnaprun({"unix-connect", name});
  close(fd);
}

}  // namespace
}  // namespace snaprun::security
