#include "orchestrator/history/git_provenance.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "sandbox/base/unique_fd.h"

extern char** environ;

namespace snaprun::orchestrator {
namespace {

constexpr size_t kMaxOutput = 1 << 20;  // `git status` of a huge dirty tree: enough to know

// Runs `git -C DIR ARGS…` with stdin and stderr on /dev/null; its stdout, or nullopt
// when git is missing or exits non-zero.
std::optional<std::string> RunGit(const std::string& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir});
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return std::nullopt;
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int spawn_error = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.Reset();
  if (spawn_error != 0) return std::nullopt;
  std::string out;
  char buffer[8192];
  for (ssize_t n; (n = read(read_end.get(), buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (out.size() < kMaxOutput) out.append(buffer, static_cast<size_t>(n));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Whether git could see a repository from DIR: a .git (a directory, or a file in
// worktrees and submodules) in DIR or above, or GIT_DIR set. Only presence is checked,
// nothing is parsed; it spares a run outside any repository a git process, which costs
// more than the rest of its bookkeeping.
bool MayBeInsideRepository(const std::string& dir) {
  if (std::getenv("GIT_DIR") != nullptr) return true;
  std::error_code ignored;
  for (std::filesystem::path p = dir; !p.empty(); p = p.parent_path()) {
    if (std::filesystem::exists(p / ".git", ignored)) return true;
    if (p == p.parent_path()) break;
  }
  return false;
}

void ReadStatusHeaders(const std::string& status, GitProvenance& git) {
  std::istringstream lines(status);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# ", 0) != 0) {
      git.dirty = true;
    } else if (line.rfind("# branch.oid ", 0) == 0) {
      std::string oid = line.substr(13);
      if (oid != "(initial)") git.commit = oid;
    } else if (line.rfind("# branch.head ", 0) == 0) {
      std::string head = line.substr(14);
      if (head != "(detached)") git.branch = head;
    }
  }
}

}  // namespace

std::optional<GitProvenance> ReadGitProvenance(const std::string& dir) {
  if (!MayBeInsideRepository(dir)) return std::nullopt;
  // One process for commit, branch and dirtiness; it fails outside a work tree.
  // --no-optional-locks: reading status must not write the index behind a user's back.
  std::optional<std::string> status = RunGit(
      dir,
      {"--no-optional-locks", "status", "--porcelain=v2", "--branch", "--untracked-files=normal"});
  if (!status) return std::nullopt;
  GitProvenance git;
  ReadStatusHeaders(*status, git);
  git.remote_url = Trim(RunGit(dir, {"config", "--get", "remote.origin.url"}).value_or(""));
  return git;
}

std::optional<uint64_t> ReadProcessStartTime(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: skip to the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  for (int index = 3; fields >> field; ++index) {
    if (index == 22) return std::stoull(field);
  }
  return std::nullopt;
}

}  // namespace snaprun::orchestrator
