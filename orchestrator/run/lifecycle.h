// The run lifecycle: queued → preparing (snapshot, image, sandbox config) → running
// (supervisor pid and start time recorded) → harvesting → completed | failed |
// canceled | timed_out. Every failure before running ends the run `failed` with one
// error line in its events; a command that exits non-zero ends `failed` too, with its
// exit code. The process that calls SuperviseRun is the run's supervisor: it must
// outlive the sandbox (PDEATHSIG ties the sandbox to it) and own no other threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "orchestrator/history/history_store.h"
#include "orchestrator/run/outputs_harvester.h"
#include "orchestrator/run/run_allowances.h"
#include "orchestrator/run/run_dir.h"
#include "orchestrator/run/variation.h"
#include "orchestrator/spec/run_spec.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// A run of stored content (`snaprun run --from BUNDLE`): the snapshot is given by digest
// instead of snapshotting spec.code_dir, which need not exist on this machine, and IMAGE
// (when set) is resolved instead of spec.image, to pin the image by its digest.
struct StoredInputs {
  std::string snapshot_digest;  // "sha256:HEX"; its manifest and objects are in the store
  std::string image;            // an image reference; empty: spec.image
};

// A run recorded as queued: its spec resolved and written to its directory.
struct QueuedRun {
  std::string id;
  std::string home;
  RunDir dir;
  RunSpec spec;
  RunVariation variation;              // an ordinary run: the defaults
  std::optional<StoredInputs> stored;  // unset: snapshot spec.code_dir
};

// A run's place in a reproducibility check: run INDEX (1 is the control) of REPRO_ID,
// varying SET from the second run on.
struct ReproMember {
  std::string repro_id;
  int index = 1;
  VariationSet set;
  std::vector<unsigned> allowed_cpus;
};

// Where a run of an already resolved spec comes from, for QueueSpec.
struct RunOrigin {
  std::optional<StoredInputs> stored;
  std::optional<GitProvenance> git;  // unset: read from spec.code_dir
  std::string queued_detail;         // the queued event's detail; empty: the spec path
  std::optional<ReproMember> repro;  // set for the runs of `snaprun repro`
  RunAllowances allowed;             // weakening fields the command line allowed
};

struct SuperviseOptions {
  bool echo = true;      // copy the command's stdout/stderr to ours as it runs
  bool progress = false; // progress lines for long steps (a terminal is attached)
  OutputsHarvester harvest;  // empty: outputs stay in the run directory only
};

// Loads the spec (with OVERRIDES) and records the run as queued. A bad spec, or one
// with a weakening field ALLOWED does not cover, fails here, before anything is recorded.
Result<QueuedRun> QueueRun(const std::string& spec_file, const std::vector<std::string>& overrides,
                           const std::string& home, HistoryStore& history,
                           const RunAllowances& allowed);

// Records a run of SPEC (already loaded, overrides applied) as queued, once
// CheckAllowed passes it.
Result<QueuedRun> QueueSpec(RunSpec spec, const RunOrigin& origin, const std::string& home,
                            HistoryStore& history);

// How a run ended. STATUS is what a shell reports: the command's exit code or 128+signal;
// ERROR is set (and STATUS meaningless) when an error ended it before or after the command.
struct RunEnd {
  RunState state = RunState::kFailed;
  int status = 0;
  std::optional<Error> error;
};

// Runs RUN to its end (recording every state), as its supervisor.
RunEnd SuperviseRun(const QueuedRun& run, HistoryStore& history, const SuperviseOptions& options);

}  // namespace snaprun::orchestrator
