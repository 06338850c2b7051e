#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace snaprun::testing {
namespace {

void ThrowErrno(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

// Pumps STDIN_DATA into in_fd while draining out_fd and err_fd, until both close.
void Pump(int in_fd, int out_fd, int err_fd, const std::string& stdin_data, CommandResult& result) {
  size_t written = 0;
  if (stdin_data.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("poll");
    }
    char buf[65536];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        (i == 0 ? out_fd : err_fd) = -1;
      }
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      ssize_t n = write(in_fd, stdin_data.data() + written, stdin_data.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == stdin_data.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_data) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) ThrowErrno("pipe2");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) ThrowErrno("fork");
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    syscall(SYS_close_range, 3U, ~0U, 0U);
    signal(SIGPIPE, SIG_DFL);
    execvp(args[0], args.data());
    dprintf(2, "exec %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  CommandResult result;
  Pump(in[1], out[0], err[0], stdin_data, result);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::optional<TestUser> UnprivilegedUser() {
  if (getuid() != 0) {
    passwd* pw = getpwuid(getuid());
    return TestUser{getuid(), getgid(), pw ? pw->pw_name : std::to_string(getuid())};
  }
  const char* name = std::getenv("SNAPRUN_TEST_USER");
  if (name == nullptr) name = "snaprun-test";
  passwd* pw = getpwnam(name);
  if (pw == nullptr) return std::nullopt;
  return TestUser{pw->pw_uid, pw->pw_gid, name};
}

std::vector<std::string> AsUser(const TestUser& user, std::vector<std::string> argv) {
  if (getuid() == user.uid) return argv;
  std::vector<std::string> wrapped = {"setpriv",
                                      "--reuid=" + std::to_string(user.uid),
                                      "--regid=" + std::to_string(user.gid),
                                      "--clear-groups",
                                      "--inh-caps=-all",
                                      "--bounding-set=-all",
                                      "--reset-env",
                                      "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

TempDir::TempDir() {
  char templ[] = "/tmp/snaprun-test-XXXXXX";
  if (mkdtemp(templ) == nullptr) ThrowErrno("mkdtemp");
  path_ = templ;
  chmod(path_.c_str(), 0755);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Rootless runs may leave read-only directories; make them writable first.
  RunCommand({"chmod", "-R", "u+rwX", path_});
  std::filesystem::remove_all(path_, ec);
}

void TempDir::ChownTo(const TestUser& user) const {
  if (getuid() != 0) return;
  RunCommand({"chown", "-R", std::to_string(user.uid) + ":" + std::to_string(user.gid), path_});
}

std::string BinaryPath(const std::string& name) { return std::string(SNAPRUN_BIN_DIR) + "/" + name; }
std::string SourcePath(const std::string& relative) {
  return std::string(SNAPRUN_SOURCE_DIR) + "/" + relative;
}

}  // namespace snaprun::testing
