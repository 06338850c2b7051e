#include "sandbox/cli/runtime_flags.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace snaprun::sandbox::cli {
namespace {

// LISTEN_FDS when LISTEN_PID is this process (sd_listen_fds' rule); 0 otherwise.
int ListenFds() {
  const char* fds = getenv("LISTEN_FDS");
  const char* pid = getenv("LISTEN_PID");
  if (fds == nullptr || pid == nullptr) return 0;
  char* end = nullptr;
  long owner = strtol(pid, &end, 10);
  if (*end != '\0' || owner != getpid()) return 0;
  long count = strtol(fds, &end, 10);
  return *end == '\0' && count > 0 && count < 1024 ? static_cast<int>(count) : 0;
}

void SetEnv(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  std::erase_if(env, [&](const std::string& e) { return e.rfind(name + "=", 0) == 0; });
  env.push_back(name + "=" + value);
}

}  // namespace

void AddRuntimeFlags(CLI::App* cmd, RuntimeFlags& flags) {
  cmd->add_option("--preserve-fds", flags.preserve_fds,
                  "pass fds 3 … 3+N-1 through to the command (after any LISTEN_FDS)")
      ->check(CLI::Range(0, 1000));
  cmd->add_flag("--no-pivot", flags.no_pivot,
                "move the root onto / and chroot instead of pivot_root (ramfs roots)");
  cmd->add_flag("--no-new-keyring", flags.no_new_keyring,
                "keep the caller's session keyring instead of a new anonymous one");
}

Result<void> ApplyRuntimeFlags(const RuntimeFlags& flags, Config& config) {
  config.no_pivot = flags.no_pivot;
  config.new_session_keyring = !flags.no_new_keyring;
  int listen = ListenFds();
  int total = listen + flags.preserve_fds;
  config.preserved_fds.clear();
  for (int fd = 3; fd < 3 + total; ++fd) {
    if (fcntl(fd, F_GETFD) < 0) {
      return Error(ErrorCode::kInvalidInput,
                   (fd < 3 + listen ? "LISTEN_FDS" : "--preserve-fds") + std::string(": fd ") +
                       std::to_string(fd) + " is not open");
    }
    config.preserved_fds.push_back(fd);
  }
  if (listen > 0) {
    SetEnv(config.process.env, "LISTEN_FDS", std::to_string(listen));
    SetEnv(config.process.env, "LISTEN_PID", "1");
  }
  return Ok();
}

}  // namespace snaprun::sandbox::cli
