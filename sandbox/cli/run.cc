// `run --bundle DIR [--result FILE] [--timeout MS] ID`: runs the bundle's command to
// completion and exits with its status (128+signal when a signal ended it). The
// command's stdout/stderr are ours unless --stdout/--stderr name files.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>

#include <filesystem>

#include "sandbox/cli/commands.h"
#include "sandbox/cli/runtime_flags.h"
#include "sandbox/cli/terminal.h"
#include "sandbox/console.h"
#include "sandbox/oci_config.h"
#include "sandbox/supervisor.h"

namespace snaprun::sandbox::cli {
namespace {

struct RunOptions {
  std::string bundle = ".";
  std::string id;
  std::string result_file;
  int64_t timeout_ms = 0;
  std::string stdout_file;
  std::string stderr_file;
  RuntimeFlags flags;
  std::string console_socket;
};

// Opens PATH for the command's output (created, appended); -1 with a message on failure.
int OpenOutput(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) perror(("snaprun-sandbox: " + path).c_str());
  return fd;
}

void WriteResult(const std::string& path, const std::string& json) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::trunc);
  out << json << "\n";
}

// With a terminal the pty master goes to the console socket, or is relayed to our own
// stdio, once setup is done; without one this is RunSandbox.
Result<RunResult> RunToCompletion(const Config& config, const std::string& console_socket,
                                  const HookContext& hooks) {
  if (!config.process.terminal) return RunSandbox(config, hooks);
  std::optional<TerminalRelay> relay;  // outlives the wait: it drains the container's output
  return RunSandbox(config, hooks, [&](SandboxProcess& process) -> Result<void> {
    if (console_socket.empty()) {
      relay.emplace(std::move(process.terminal));
      return Ok();
    }
    SNAPRUN_TRY_CTX(HandOverTerminal(console_socket, std::move(process.terminal)), "the terminal");
    return Ok();
  });
}

int Run(const RunOptions& options) {
  auto config = LoadOciBundle(options.bundle);
  if (!config) {
    Complain(config.error().ToString());
    WriteResult(options.result_file, ErrorResultJson(config.error().ToString()));
    return 125;
  }
  if (auto applied = ApplyRuntimeFlags(options.flags, *config); !applied) {
    Complain(applied.error().ToString());
    WriteResult(options.result_file, ErrorResultJson(applied.error().ToString()));
    return 125;
  }
  if (options.timeout_ms > 0) config->timeout = std::chrono::milliseconds(options.timeout_ms);
  if (!options.stdout_file.empty() && (config->stdio.stdout_fd = OpenOutput(options.stdout_file)) < 0) {
    return 125;
  }
  if (!options.stderr_file.empty() && (config->stdio.stderr_fd = OpenOutput(options.stderr_file)) < 0) {
    return 125;
  }
  std::error_code ec;
  HookContext hooks{options.id,
                    std::filesystem::absolute(options.bundle, ec).lexically_normal().string(), {},
                    Warn};
  while (hooks.bundle.size() > 1 && hooks.bundle.back() == '/') hooks.bundle.pop_back();
  if (auto checked = CheckConsoleSocket(*config, options.console_socket, true); !checked) {
    Complain(checked.error().ToString());
    return 125;
  }
  auto result = RunToCompletion(*config, options.console_socket, hooks);
  if (!result) {
    Complain(result.error().ToString());
    WriteResult(options.result_file, ErrorResultJson(result.error().ToString()));
    return 125;
  }
  WriteResult(options.result_file, RunResultToJson(*result));
  return result->ShellStatus();
}

}  // namespace

void RegisterRun(CLI::App& app, const GlobalOptions&, int* exit_code) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "run a container to completion");
  cmd->add_option("--bundle,-b", options->bundle, "bundle directory holding config.json");
  cmd->add_option("--result", options->result_file, "write the run result as JSON here");
  cmd->add_option("--timeout", options->timeout_ms, "wall-clock limit in milliseconds");
  cmd->add_option("--stdout", options->stdout_file, "append the command's stdout to this file");
  cmd->add_option("--stderr", options->stderr_file, "append the command's stderr to this file");
  AddRuntimeFlags(cmd, options->flags);
  cmd->add_option("--console-socket", options->console_socket,
                  "unix socket that receives the pty master when process.terminal is true");
  cmd->add_option("id", options->id, "container id")->required();
  cmd->callback([options, exit_code] { *exit_code = Run(*options); });
}

}  // namespace snaprun::sandbox::cli
