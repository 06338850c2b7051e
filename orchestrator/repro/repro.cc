#include "orchestrator/repro/repro.h"

#include <cstdio>

#include "orchestrator/harvest/harvest.h"
#include "orchestrator/history/run_id.h"
#include "orchestrator/run/cancel.h"
#include "orchestrator/spec/spec_loader.h"
#include "orchestrator/store/object_store.h"

namespace snaprun::orchestrator {
namespace {

Error Canceled(const std::string& repro_id) {
  return Error(ErrorCode::kSystem, "reproducibility check " + repro_id + " canceled");
}

Result<ReproRun> RunOne(const ReproRequest& request, const RunSpec& spec, const RunOrigin& origin,
                        const std::string& home, HistoryStore& history,
                        const SuperviseOptions& supervise) {
  const ReproMember& member = *origin.repro;
  QueuedRun queued = SNAPRUN_TRY(QueueSpec(spec, origin, home, history));
  std::fprintf(stderr, "snaprun: repro %s: run %d of %d: %s\n", member.repro_id.c_str(),
               member.index, request.runs, queued.id.c_str());
  RunEnd end = SuperviseRun(queued, history, supervise);
  if (end.error) {
    return std::move(*end.error)
        .Wrap("run " + std::to_string(member.index) + " (" + queued.id + ")");
  }
  RunRecord record = SNAPRUN_TRY(history.Get(queued.id));
  ReproRun run;
  run.index = member.index;
  run.id = queued.id;
  run.state = end.state;
  run.status = end.status;
  run.outputs_digest = record.outputs_digest;
  run.variation_json = record.variation_json;
  // A command that ran leaves a manifest, even of an empty outputs/; none means the
  // harvest failed, and comparing nothing with something would hide that.
  if (run.outputs_digest.empty() && record.TimeOf(RunState::kRunning)) {
    return Error(
        ErrorCode::kSystem,
        "run " + queued.id + " left no outputs manifest (see `snaprun show " + queued.id + "`)");
  }
  return run;
}

Result<TreeComparison> CompareOutputs(const ObjectStore& store, const ReproRun& control,
                                      const ReproRun& other, const CompareOptions& options) {
  Manifest a = SNAPRUN_TRY(LoadOutputsManifest(store, control.outputs_digest));
  Manifest b = SNAPRUN_TRY(LoadOutputsManifest(store, other.outputs_digest));
  return CompareTrees(a, b, store, options);
}

}  // namespace

bool ReproReport::Reproducible() const {
  for (const ReproComparison& c : comparisons) {
    if (!c.same_end || !c.outputs.Same()) return false;
  }
  return true;
}

Result<ReproReport> RunRepro(const ReproRequest& request, const std::string& home,
                             HistoryStore& history, const SuperviseOptions& supervise) {
  if (request.runs < 2) {
    return Error(ErrorCode::kInvalidInput, "--runs: a reproducibility check needs at least 2 runs");
  }
  // Loaded once: editing the spec during the check cannot make its runs differ.
  RunSpec spec = SNAPRUN_TRY(LoadRunSpec(request.spec_file, request.overrides));
  ReproReport report;
  report.repro_id = NewRunId();
  report.variations = request.variations;
  RunOrigin origin;
  origin.allowed = request.allowed;
  origin.repro = ReproMember{report.repro_id, 1, request.variations, AllowedCpus()};
  for (int index = 1; index <= request.runs; ++index) {
    if (CancelRequested()) return Canceled(report.repro_id);
    origin.repro->index = index;
    ReproRun run = SNAPRUN_TRY(RunOne(request, spec, origin, home, history, supervise));
    if (run.state == RunState::kCanceled) return Canceled(report.repro_id);
    if (index == 1) {
      RunRecord control = SNAPRUN_TRY(history.Get(run.id));
      if (control.snapshot_digest.empty()) {
        return Error(ErrorCode::kSystem,
                     "the control run " + run.id + " ended before its snapshot was taken");
      }
      // Later runs mount the control's snapshot, on its image pinned by digest (the host
      // image is the host's own and has no stored copy to pin).
      report.snapshot_digest = control.snapshot_digest;
      origin.stored = StoredInputs{control.snapshot_digest,
                                   spec.image == "host" ? "" : control.image_digest};
    }
    report.runs.push_back(std::move(run));
  }
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(home));
  const ReproRun& control = report.runs.front();
  for (size_t i = 1; i < report.runs.size(); ++i) {
    const ReproRun& other = report.runs[i];
    ReproComparison comparison;
    comparison.index = other.index;
    comparison.same_end = other.state == control.state && other.status == control.status;
    if (!control.outputs_digest.empty() && !other.outputs_digest.empty()) {
      comparison.outputs = SNAPRUN_TRY(CompareOutputs(store, control, other, request.compare));
    }
    report.comparisons.push_back(std::move(comparison));
  }
  return report;
}

}  // namespace snaprun::orchestrator
