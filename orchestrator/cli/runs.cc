// The history verbs: `snaprun ls [--state S] [--name N] [--repro ID] [--limit N] [--json]` (newest
// first), `snaprun show RUN [--json]`, `snaprun cancel RUN`, `snaprun rm RUN`.
// RUN is an id, a unique prefix of one, or `last`.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/run_history.h"
#include "orchestrator/home/home.h"
#include "orchestrator/run/lost_runs.h"
#include "orchestrator/run/record_view.h"
#include "orchestrator/run/run_dir.h"
#include "sandbox/base/atomic_file.h"
#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator::cli {
namespace {

struct ListOptions {
  std::string state;
  std::string name;
  std::string repro;
  size_t limit = 20;
  bool json = false;
};

int List(const ListOptions& options) {
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  ListQuery query;
  query.limit = options.limit;
  query.name = options.name;
  query.repro_id = options.repro;
  if (!options.state.empty()) {
    query.state = ParseRunState(options.state);
    if (!query.state) {
      return ReportError(Error(ErrorCode::kInvalidInput, "unknown state '" + options.state + "'"));
    }
  }
  auto runs = (*history)->List(query);
  if (!runs) return ReportError(runs.error());
  std::string out = options.json ? "[" : RecordTableHeader() + "\n";
  for (size_t i = 0; i < runs->size(); ++i) {
    if (options.json) out += (i ? "," : "") + RecordJson((*runs)[i], false);
    if (!options.json) out += RecordTableRow((*runs)[i]) + "\n";
  }
  if (options.json) out += "]\n";
  std::fputs(out.c_str(), stdout);
  return 0;
}

// "error:     …\n" from a run's result.json, or "" when it holds none.
std::string RecordedError(const std::string& result_json) {
  auto text = ReadFile(result_json);
  if (!text) return "";
  try {
    auto object = Poco::JSON::Parser().parse(*text).extract<Poco::JSON::Object::Ptr>();
    if (object->has("error")) return "error:     " + object->getValue<std::string>("error") + "\n";
  } catch (const Poco::Exception&) {
    return "error:     (result.json unreadable: " + result_json + ")\n";
  }
  return "";
}

int Show(const std::string& reference, bool json) {
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  auto run = FindRun(**history, reference);
  if (!run) return ReportError(run.error());
  std::string text = json ? RecordJson(*run, true) + "\n" : RecordText(*run);
  // Why a run failed before its command ran lives in its result.json, not the history row.
  RunDir dir = RunDirFor(SnaprunHomePath(), run->id);
  if (!json) text += RecordedError(dir.result());
  std::fputs(text.c_str(), stdout);
  return 0;
}

// How long a canceled run's supervisor has to end the run itself.
constexpr int kCancelGraceMs = 15000;

// Whether the process behind PIDFD exited within TIMEOUT_MS (a pidfd reads as
// readable once its process has exited).
bool WaitForExit(int pidfd, int timeout_ms) {
  pollfd ready = {pidfd, POLLIN, 0};
  return RetryOnEintr([&] { return ::poll(&ready, 1, timeout_ms); }) == 1;
}

// The state the history holds once the supervisor is gone. A command that ignores
// SIGTERM outlives the grace: SIGKILL the supervisor, which takes the sandbox with it
// (PDEATHSIG), and record the run canceled rather than leave it to the lost-run sweep.
int ReportCanceled(HistoryStore& history, const RunRecord& run, int pidfd) {
  bool killed = false;
  if (!WaitForExit(pidfd, kCancelGraceMs)) {
    ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
    WaitForExit(pidfd, -1);
    killed = true;
  }
  auto now = history.Get(run.id);
  if (now && IsTerminal(now->state)) {
    std::printf("%s %s\n", run.id.c_str(), RunStateName(now->state));
    return 0;
  }
  if (auto updated = history.Update(run.id, StateChange(RunState::kCanceled)); !updated) {
    return ReportError(updated.error());
  }
  std::printf("%s canceled%s\n", run.id.c_str(), killed ? " (killed after the grace period)" : "");
  return 0;
}

// The supervisor of a live RUN, pinned by a pidfd; an error when the run has ended.
Result<UniqueFd> LiveSupervisor(const RunRecord& run) {
  if (IsTerminal(run.state)) {
    return Error(ErrorCode::kInvalidInput, "run " + run.id + " already ended " +
                                               RunStateName(run.state));
  }
  if (!run.supervisor_pid || !run.supervisor_start_time) {
    return Error(ErrorCode::kNotFound, "run " + run.id + " has no recorded supervisor");
  }
  auto pidfd = OpenSupervisor(*run.supervisor_pid, *run.supervisor_start_time);
  if (!pidfd) return std::move(pidfd).error().Wrap("run " + run.id);
  return pidfd;
}

// Signals the supervisor through its pidfd, which ends the run `canceled`; waits for it.
int Cancel(const std::string& reference) {
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  auto run = FindRun(**history, reference);
  if (!run) return ReportError(run.error());
  auto pidfd = LiveSupervisor(*run);
  if (!pidfd) return ReportError(pidfd.error());
  RunDir dir = RunDirFor(SnaprunHomePath(), run->id);
  if (auto marked = WriteFileAtomic(dir.cancel_marker(), "", 0644); !marked) {
    return ReportError(marked.error());
  }
  if (::syscall(SYS_pidfd_send_signal, pidfd->get(), SIGTERM, nullptr, 0) != 0) {
    return ReportError(Error::FromErrno("pidfd_send_signal SIGTERM", "supervisor of run " + run->id));
  }
  return ReportCanceled(**history, *run, pidfd->get());
}

// Only a finished run is removed: a live one's supervisor still writes its directory.
int Remove(const std::string& reference) {
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  auto run = FindRun(**history, reference);
  if (!run) return ReportError(run.error());
  if (!IsTerminal(run->state)) {
    return ReportError(Error(ErrorCode::kInvalidInput,
                             "run " + run->id + " is " + RunStateName(run->state) +
                                 ": cancel it first (snaprun cancel " + run->id + ")"));
  }
  if (auto removed = (*history)->Remove(run->id); !removed) return ReportError(removed.error());
  std::error_code ec;
  std::filesystem::remove_all(RunDirFor(SnaprunHomePath(), run->id).root, ec);
  if (ec) {
    return ReportError(Error(ErrorCode::kSystem, "remove run directory: " + ec.message()));
  }
  std::printf("%s removed\n", run->id.c_str());
  return 0;
}

}  // namespace

void AddRunsCommands(CLI::App& app, int* exit_code) {
  auto list = std::make_shared<ListOptions>();
  auto* ls = app.add_subcommand("ls", "list runs, newest first");
  ls->add_option("--state", list->state, "only runs in this state");
  ls->add_option("--name", list->name, "only runs with this name");
  ls->add_option("--repro", list->repro, "only the runs of this reproducibility check");
  ls->add_option("--limit,-n", list->limit, "at most this many runs (default 20)");
  ls->add_flag("--json", list->json, "JSON array");
  ls->callback([list, exit_code] { *exit_code = List(*list); });

  auto run = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* show = app.add_subcommand("show", "everything recorded about a run");
  show->add_option("run", *run, "id, unique prefix, or last")->required();
  show->add_flag("--json", *json, "JSON");
  show->callback([run, json, exit_code] { *exit_code = Show(*run, *json); });

  auto* cancel = app.add_subcommand("cancel", "stop a live run (it ends canceled)");
  cancel->add_option("run", *run, "id, unique prefix, or last")->required();
  cancel->callback([run, exit_code] { *exit_code = Cancel(*run); });

  auto* rm = app.add_subcommand("rm", "remove a finished run and its directory");
  rm->add_option("run", *run, "id, unique prefix, or last")->required();
  rm->callback([run, exit_code] { *exit_code = Remove(*run); });
}

}  // namespace snaprun::orchestrator::cli
