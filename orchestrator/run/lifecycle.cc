#include "orchestrator/run/lifecycle.h"

#include <pwd.h>
#include <unistd.h>

#include "orchestrator/history/git_provenance.h"
#include "orchestrator/history/run_id.h"
#include "orchestrator/run/cancel.h"
#include "orchestrator/run/prepare.h"
#include "orchestrator/run/run_report.h"
#include "orchestrator/run/sandbox_session.h"
#include "orchestrator/spec/spec_loader.h"
#include "orchestrator/store/store_lock.h"
#include "orchestrator/spec/spec_output.h"
#include "sandbox/base/atomic_file.h"

namespace snaprun::orchestrator {
namespace {

std::string CurrentUser() {
  if (passwd* pw = ::getpwuid(::getuid()); pw != nullptr) return pw->pw_name;
  return std::to_string(::getuid());
}

std::string HostName() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

// One state change, in the history and the events file.
Result<void> Enter(const QueuedRun& run, HistoryStore& history, const RunUpdate& update,
                   const std::string& detail = "") {
  SNAPRUN_TRY(history.Update(run.id, update));
  if (update.state) (void)AppendEvent(run.dir, RunStateName(*update.state), detail);
  return Ok();
}

RunEnd Finish(const QueuedRun& run, HistoryStore& history, RunReport& report, RunUpdate update,
              std::optional<Error> error) {
  report.state = *update.state;
  if (error) report.error = error->ToString();
  (void)WriteFileAtomic(run.dir.result(), ReportJson(report), 0644);
  auto entered = Enter(run, history, update, report.error);
  RunEnd end;
  end.state = report.state;
  end.status = report.result ? report.result->ShellStatus() : 0;
  end.error = std::move(error);
  if (!entered && !end.error) end.error = std::move(entered).error();
  return end;
}

RunEnd Fail(const QueuedRun& run, HistoryStore& history, RunReport& report, Error error) {
  return Finish(run, history, report, StateChange(RunState::kFailed), std::move(error));
}

// What the run may write while it runs: its spec's sizes, else the defaults.
SessionBudgets BudgetsFor(const QueuedRun& run) {
  const ResourceRequest& r = run.spec.resources;
  SessionBudgets out;
  out.budgets.push_back({"outputs/", {run.dir.outputs()},
                         r.outputs_bytes.value_or(kDefaultOutputsBytes), kMaxOutputsFiles});
  out.budgets.push_back({"logs/ and console.log", {run.dir.logs(), run.dir.console()},
                         r.logs_bytes.value_or(kDefaultLogsBytes), kMaxLogsFiles});
  out.free_space_path = run.home;
  return out;
}

RunState FinalState(const QueuedRun& run, const SessionOutcome& outcome) {
  if (outcome.stopped_for) return RunState::kFailed;
  if (outcome.canceled || ::access(run.dir.cancel_marker().c_str(), F_OK) == 0) {
    return RunState::kCanceled;
  }
  if (outcome.result.timed_out) return RunState::kTimedOut;
  return outcome.result.ShellStatus() == 0 ? RunState::kCompleted : RunState::kFailed;
}

// The outputs budget plus what a run writes in one check interval and more: a run
// stopped for its budget still has everything it wrote harvested.
uint64_t HarvestCap(const QueuedRun& run) {
  return run.spec.resources.outputs_bytes.value_or(kDefaultOutputsBytes) + kHarvestHeadroomBytes;
}

void Harvest(const QueuedRun& run, const SuperviseOptions& options, RunReport& report) {
  if (!options.harvest) {
    report.notes.push_back("outputs kept in the run directory only (no harvest in this build)");
    return;
  }
  auto store = ObjectStore::Open(run.home);
  auto summary = store ? options.harvest(run.dir.outputs(), *store, HarvestCap(run))
                       : Result<HarvestSummary>(std::move(store).error());
  if (summary) {
    report.outputs = *summary;
  } else {
    report.notes.push_back("harvest failed: " + summary.error().ToString());
  }
}

RunEnd AfterCommand(const QueuedRun& run, HistoryStore& history, const SuperviseOptions& options,
                    RunReport& report, const SessionOutcome& outcome) {
  report.result = outcome.result;
  report.canceled = outcome.canceled;
  (void)Enter(run, history, StateChange(RunState::kHarvesting));
  // Held until the final update names the outputs manifest (see store_lock.h).
  auto lock = LockStoreShared(run.home);
  if (!lock) report.notes.push_back("store lock: " + lock.error().ToString());
  Harvest(run, options, report);
  RunUpdate update = StateChange(FinalState(run, outcome));
  if (outcome.result.exit_code) update.exit_code = *outcome.result.exit_code;
  if (outcome.result.signal) update.signal = outcome.result.signal;
  update.usage = UsageOf(outcome.result);
  update.isolation_json = IsolationJson(outcome.result, report.notes);
  if (report.outputs) update.outputs_digest = report.outputs->outputs_digest;
  std::optional<Error> stopped;
  if (outcome.stopped_for) {
    stopped = Error(ErrorCode::kLimitExceeded,
                    *outcome.stopped_for + "; the run was stopped (raise resources.outputs_size "
                                           "or resources.logs_size in the spec)");
  }
  return Finish(run, history, report, update, std::move(stopped));
}

}  // namespace

Result<QueuedRun> QueueRun(const std::string& spec_file, const std::vector<std::string>& overrides,
                           const std::string& home, HistoryStore& history,
                           const RunAllowances& allowed) {
  RunSpec spec = SNAPRUN_TRY(LoadRunSpec(spec_file, overrides));
  RunOrigin origin;
  origin.allowed = allowed;
  return QueueSpec(std::move(spec), origin, home, history);
}

Result<QueuedRun> QueueSpec(RunSpec spec, const RunOrigin& origin, const std::string& home,
                            HistoryStore& history) {
  SNAPRUN_TRY(CheckAllowed(spec, origin.allowed));
  QueuedRun run;
  run.spec = std::move(spec);
  run.stored = origin.stored;
  run.id = NewRunId();
  if (const std::optional<ReproMember>& repro = origin.repro) {
    run.variation = repro->index == 1 ? ControlVariation(repro->repro_id)
                                      : VariedRun(repro->repro_id, run.id, repro->index,
                                                  repro->set, repro->allowed_cpus);
  }
  run.home = home;
  run.dir = SNAPRUN_TRY(CreateRunDir(home, run.id));
  SNAPRUN_TRY(WriteFileAtomic(run.dir.spec(), RunSpecToYaml(run.spec), 0644));
  RunRecord record;
  record.id = run.id;
  record.name = run.spec.name;
  record.user = CurrentUser();
  record.host = HostName();
  record.spec_json = RunSpecToJson(run.spec);
  record.git = origin.git ? origin.git : ReadGitProvenance(run.spec.code_dir);
  if (origin.repro) {
    record.repro_id = origin.repro->repro_id;
    record.variation_json = VariationJson(run.variation, origin.repro->index);
  }
  SNAPRUN_TRY(history.Create(record));
  (void)AppendEvent(run.dir, "queued",
                    origin.queued_detail.empty() ? run.spec.spec_path : origin.queued_detail);
  return run;
}

RunEnd SuperviseRun(const QueuedRun& run, HistoryStore& history, const SuperviseOptions& options) {
  InstallCancelHandlers();
  RunReport report;
  report.id = run.id;
  RunUpdate preparing = StateChange(RunState::kPreparing);
  preparing.supervisor_pid = ::getpid();
  preparing.supervisor_start_time = ReadProcessStartTime(::getpid());
  if (auto entered = Enter(run, history, preparing); !entered) {
    return Fail(run, history, report, std::move(entered).error());
  }
  // gc must not collect the snapshot before the history names it. Released before the
  // sandbox starts: its init would otherwise inherit the lock for the whole run.
  auto lock = LockStoreShared(run.home);
  if (!lock) return Fail(run, history, report, std::move(lock).error());
  auto prepared = PrepareSandbox(run, options.progress);
  if (!prepared) return Fail(run, history, report, std::move(prepared).error());
  report.snapshot_digest = prepared->snapshot_digest;
  report.image_digest = prepared->image_digest;
  report.notes = prepared->run_config.notes;
  RunUpdate digests;
  digests.snapshot_digest = report.snapshot_digest;
  digests.image_digest = report.image_digest;
  if (auto named = history.Update(run.id, digests); !named) {
    return Fail(run, history, report, std::move(named).error());
  }
  lock->Release();
  if (CancelRequested()) {
    return Finish(run, history, report, StateChange(RunState::kCanceled), std::nullopt);
  }
  RunUpdate running = StateChange(RunState::kRunning);
  auto outcome = RunSandboxSession(prepared->run_config.config, run.dir.console(), options.echo,
                                   BudgetsFor(run), [&] { return Enter(run, history, running); });
  if (!outcome) return Fail(run, history, report, std::move(outcome).error());
  return AfterCommand(run, history, options, report, *outcome);
}

}  // namespace snaprun::orchestrator
