// Test support: run a command, capture its output, and run it as the
// unprivileged test user when the tests run as root (rootless is tested rootless).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace snaprun::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs ARGV (PATH lookup), feeding STDIN_DATA, capturing stdout and stderr.
// Closes every fd above 2 in the child, so tests never leak their own fds in.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data = "");

struct TestUser {
  uid_t uid;
  gid_t gid;
  std::string name;
};

// The unprivileged user rootless tests run as: the caller itself when not root,
// otherwise SNAPRUN_TEST_USER (default snaprun-test, made by scripts/test-user.sh).
// nullopt when running as root and the user does not exist.
std::optional<TestUser> UnprivilegedUser();

// Prefixes ARGV with setpriv so it runs as USER with no supplementary groups
// and no capabilities; unchanged when the caller is USER already.
std::vector<std::string> AsUser(const TestUser& user, std::vector<std::string> argv);

// A fresh directory under /tmp, world-traversable so the test user can use it;
// removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Hands the directory to USER (chown -R), for outputs a rootless run writes.
  void ChownTo(const TestUser& user) const;

 private:
  std::string path_;
};

// Absolute path of a built binary: build/bin/NAME.
std::string BinaryPath(const std::string& name);
// Absolute path inside the source tree.
std::string SourcePath(const std::string& relative);

}  // namespace snaprun::testing
