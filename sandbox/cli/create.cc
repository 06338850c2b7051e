// `create ID --bundle DIR [--pid-file F]`: sets the container up completely and leaves
// it waiting before the command; returns once it is created. A forked monitor in its
// own session stays behind as the container's supervisor (see monitor.h); it answers
// on a pipe with "ok PID" once setup is done, or with the error that stopped it.
#include <fcntl.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "sandbox/base/atomic_file.h"
#include "sandbox/cli/cli_log.h"
#include "sandbox/cli/commands.h"
#include "sandbox/cli/container_state.h"
#include "sandbox/cli/monitor.h"
#include "sandbox/cli/runtime_flags.h"
#include "sandbox/cli/terminal.h"
#include "sandbox/oci_config.h"

namespace snaprun::sandbox::cli {
namespace {

struct CreateOptions {
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  RuntimeFlags flags;
  std::string console_socket;
};

std::string Annotations(const std::string& bundle) {
  auto text = ReadFile(bundle + "/config.json", 16 << 20);
  if (!text) return "{}";
  try {
    auto object = Poco::JSON::Parser().parse(*text).extract<Poco::JSON::Object::Ptr>();
    auto annotations = object->getObject("annotations");
    if (!annotations) return "{}";
    std::ostringstream out;
    annotations->stringify(out);
    return out.str();
  } catch (const Poco::Exception&) {
    return "{}";
  }
}

// The monitor's answer: its whole output up to EOF.
std::string ReadAnswer(int fd) {
  std::string answer;
  char buffer[512];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return answer;
    answer.append(buffer, static_cast<size_t>(n));
  }
}

Result<pid_t> Create(const GlobalOptions& global, const CreateOptions& options) {
  std::error_code ec;
  std::string bundle = std::filesystem::absolute(options.bundle, ec).lexically_normal();
  if (!bundle.empty() && bundle.back() == '/') bundle.pop_back();
  std::string root = StateRoot(global);
  UniqueFd lock = SNAPRUN_TRY(CreateContainerDir(root, options.id));
  MonitorArgs args;
  args.dir = ContainerDir(root, options.id);
  args.record.id = options.id;
  args.record.bundle = bundle;
  args.record.status = "creating";
  args.record.created = NowRfc3339();
  args.record.annotations_json = Annotations(bundle);
  args.log_file = global.log_file;
  auto config = LoadOciBundle(bundle);
  if (!config) {
    (void)RemoveContainerDir(root, options.id);
    return std::move(config).error();
  }
  if (auto applied = ApplyRuntimeFlags(options.flags, *config); !applied) {
    (void)RemoveContainerDir(root, options.id);
    return std::move(applied).error();
  }
  args.config = std::move(*config);
  if (auto checked = CheckConsoleSocket(args.config, options.console_socket, false); !checked) {
    (void)RemoveContainerDir(root, options.id);
    return std::move(checked).error();
  }
  args.console_socket = std::filesystem::absolute(options.console_socket, ec);
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) return Error::FromErrno("pipe2", "monitor answer");
  pid_t monitor = fork();
  if (monitor < 0) return Error::FromErrno("fork", "container monitor");
  if (monitor == 0) {
    close(ready[0]);
    lock.Reset();  // the lock stays with the create process until it has an answer
    setsid();
    args.ready_fd = ready[1];
    RunMonitor(std::move(args));
  }
  close(ready[1]);
  std::string answer = ReadAnswer(ready[0]);
  close(ready[0]);
  if (answer.rfind("ok ", 0) != 0) {
    (void)RemoveContainerDir(root, options.id);
    if (answer.rfind("error ", 0) == 0) return Error(ErrorCode::kSystem, answer.substr(6));
    return Error(ErrorCode::kSystem, "the monitor of " + options.id + " died during create");
  }
  pid_t pid = std::stoi(answer.substr(3));
  if (!options.pid_file.empty()) {
    SNAPRUN_TRY(WriteFileAtomic(options.pid_file, std::to_string(pid)));
  }
  return pid;
}

}  // namespace

void RegisterCreate(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto options = std::make_shared<CreateOptions>();
  auto* cmd = app.add_subcommand("create", "create a container, waiting before its command");
  cmd->add_option("--bundle,-b", options->bundle, "bundle directory holding config.json");
  cmd->add_option("--pid-file", options->pid_file, "write the container's init pid here");
  AddRuntimeFlags(cmd, options->flags);
  cmd->add_option("--console-socket", options->console_socket,
                  "unix socket that receives the pty master when process.terminal is true");
  cmd->add_option("id", options->id, "container id")->required();
  cmd->callback([&global, options, exit_code] {
    auto created = Create(global, *options);
    *exit_code = ReportError(created) ? 0 : 1;
  });
}

}  // namespace snaprun::sandbox::cli
