// `spec [--rootless]`: writes a starter config.json into the current directory.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "sandbox/base/atomic_file.h"
#include "sandbox/cli/commands.h"
#include "sandbox/oci_config.h"

namespace snaprun::sandbox::cli {

void RegisterSpec(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("spec", "write a starter config.json");
  auto rootless = std::make_shared<bool>(false);
  cmd->add_flag("--rootless", *rootless, "map the caller's uid/gid to root inside");
  cmd->callback([=] {
    std::string json = StarterOciJson(*rootless);
    int fd = open("config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      perror("snaprun-sandbox spec: config.json");
      *exit_code = 1;
      return;
    }
    bool ok = write(fd, json.data(), json.size()) == static_cast<ssize_t>(json.size());
    close(fd);
    *exit_code = ok ? 0 : 1;
  });
}

}  // namespace snaprun::sandbox::cli
