// `snaprun run FILE [--detach] [--set k=v]…`: records the run, prints its id on stderr
// (stdout stays the command's), streams the command's output as it runs and exits with
// the command's exit code (128+signal when a signal ended it). With --detach the run is
// handed to a supervisor in its own session (double fork + setsid) and the id is printed
// on stdout at once.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "orchestrator/bundle/bundle_import.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/run_history.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/home/home.h"
#include "orchestrator/run/lifecycle.h"

namespace snaprun::orchestrator::cli {
namespace {

struct RunOptions {
  std::string file;
  std::vector<std::string> sets;
  std::string from;  // a bundle (snaprun export) instead of FILE
  bool detach = false;
  RunAllowances allowed;
};

int ReportEnd(const RunEnd& end) {
  if (end.error) return ReportError(*end.error);
  return end.status;
}

// The detached supervisor: no terminal, its own session, stdio on /dev/null; what it
// has to say goes into the run's events and result.json.
[[noreturn]] void BecomeDetachedSupervisor(const QueuedRun& run) {
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd : {0, 1, 2}) ::dup2(null_fd, fd);
  auto history = SqliteHistoryStore::OpenInHome();
  if (!history) _exit(70);
  SuperviseOptions options;
  options.echo = false;
  options.harvest = OutputsHarvesterForRuns();
  RunEnd end = SuperviseRun(run, **history, options);
  _exit(end.error ? 70 : 0);
}

int Detach(const QueuedRun& run) {
  std::fflush(nullptr);
  pid_t child = ::fork();
  if (child < 0) return ReportError(Error::FromErrno("fork", "detached supervisor"));
  if (child == 0) {
    ::setsid();
    pid_t grandchild = ::fork();
    if (grandchild != 0) _exit(grandchild < 0 ? 70 : 0);
    BecomeDetachedSupervisor(run);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return ReportError(Error(ErrorCode::kSystem, "could not start the detached supervisor"));
  }
  std::printf("%s\n", run.id.c_str());
  return 0;
}

int Run(const RunOptions& options) {
  auto home = EnsureSnaprunHome();
  if (!home) return ReportError(home.error());
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  if (options.file.empty() == options.from.empty()) {
    return ReportError(Error(ErrorCode::kInvalidInput, "give a spec file or --from BUNDLE"));
  }
  auto run = options.from.empty()
                 ? QueueRun(options.file, options.sets, *home, **history, options.allowed)
                 : QueueBundledRun(options.from, options.sets, *home, **history, options.allowed);
  if (!run) return ReportError(run.error());
  if (options.detach) {
    history->reset();  // the supervisor opens its own connection after the fork
    return Detach(*run);
  }
  std::fprintf(stderr, "snaprun: run %s\n", run->id.c_str());
  SuperviseOptions supervise;
  supervise.echo = true;
  supervise.progress = ::isatty(STDERR_FILENO) == 1;
  supervise.harvest = OutputsHarvesterForRuns();
  return ReportEnd(SuperviseRun(*run, **history, supervise));
}

}  // namespace

// The file count cap is the harvest's default; the size cap comes from the run.
OutputsHarvester OutputsHarvesterForRuns() {
  return [](const std::string& outputs_dir, ObjectStore& store,
            uint64_t max_bytes) -> Result<HarvestSummary> {
    HarvestLimits limits;
    limits.max_bytes = max_bytes;
    OutputsResult result = SNAPRUN_TRY(HarvestOutputs(outputs_dir, store, limits));
    return HarvestSummary{"sha256:" + result.digest, result.files, result.bytes, result.notes};
  };
}

void AddRunCommand(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "run a spec in a sandbox and record it in the history");
  cmd->add_option("file", options->file, "the run spec (run.yaml)");
  cmd->add_option("--from", options->from, "run the snapshot and spec of a bundle (snaprun export)");
  cmd->add_flag("--detach,-d", options->detach, "return at once with the run id");
  cmd->add_option("--set", options->sets, "override a spec value: key.path=VALUE (repeatable)");
  cmd->add_flag("--allow-host-network", options->allowed.host_network,
                "let a spec with `network: host` share the host's network");
  cmd->callback([options, exit_code] { *exit_code = Run(*options); });
}

}  // namespace snaprun::orchestrator::cli
