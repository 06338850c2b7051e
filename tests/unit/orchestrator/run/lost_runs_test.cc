// A run's supervisor is pinned by pid and start time: a pid the kernel has given
// to another process must not be signalled in the run's name.
#include "orchestrator/run/lost_runs.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "orchestrator/history/git_provenance.h"

namespace snaprun::orchestrator {
namespace {

// A child that waits to be killed; reaped by the destructor.
class Child {
 public:
  Child() : pid_(fork()) {
    if (pid_ == 0) {
      pause();
      _exit(0);
    }
  }
  ~Child() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST(OpenSupervisor, PinsTheProcessThatStartedAtTheRecordedTime) {
  Child child;
  ASSERT_GT(child.pid(), 0);
  std::optional<uint64_t> started = ReadProcessStartTime(child.pid());
  ASSERT_TRUE(started);
  auto pidfd = OpenSupervisor(child.pid(), *started);
  ASSERT_TRUE(pidfd) << pidfd.error().message();
  pollfd exited = {pidfd->get(), POLLIN, 0};
  EXPECT_EQ(::poll(&exited, 1, 0), 0);  // alive: not yet readable
  ::kill(child.pid(), SIGTERM);
  EXPECT_EQ(::poll(&exited, 1, -1), 1);  // the pidfd reports the exit
}

TEST(OpenSupervisor, APidNowNamingAnotherProcessIsNotFound) {
  Child child;
  std::optional<uint64_t> started = ReadProcessStartTime(child.pid());
  ASSERT_TRUE(started);
  // The same pid with another start time is what a reused pid looks like.
  auto pidfd = OpenSupervisor(child.pid(), *started + 1);
  ASSERT_FALSE(pidfd);
  EXPECT_EQ(pidfd.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(pidfd.error().message().find("another process"), std::string::npos)
      << pidfd.error().message();
}

TEST(OpenSupervisor, AnExitedPidIsNotFound) {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
  auto pidfd = OpenSupervisor(pid, 1);
  ASSERT_FALSE(pidfd);
  EXPECT_EQ(pidfd.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace snaprun::orchestrator
