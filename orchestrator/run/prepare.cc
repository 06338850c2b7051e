#include "orchestrator/run/prepare.h"

#include "images/store.h"
#include "orchestrator/run/host_skeleton.h"
#include "orchestrator/run/seccomp_path.h"
#include "orchestrator/run/snapshot_step.h"
#include "orchestrator/snapshot/materialize.h"
#include "orchestrator/store/object_store.h"

namespace snaprun::orchestrator {

Result<PreparedSandbox> PrepareSandbox(const QueuedRun& run, bool progress) {
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(run.home));
  SnapshotTaken snapshot;
  if (run.preset_snapshot.empty()) {
    SnapshotRequest request{run.spec.code_dir, run.spec.snapshot.max_size_bytes,
                            run.spec.snapshot.max_files, progress};
    snapshot = SNAPRUN_TRY(SnapshotForRun(request, store));
  } else {
    // Recorded with its "sha256:" prefix; the store names trees by the bare hex.
    std::string hex = run.preset_snapshot.substr(run.preset_snapshot.rfind(':') + 1);
    snapshot.digest = "sha256:" + hex;
    snapshot.tree = SNAPRUN_TRY_CTX(MaterializeSnapshot(store, hex),
                                    "materializing snapshot " + snapshot.digest);
  }
  RunConfigInput input;
  input.run_id = run.id;
  input.variation = run.variation;
  input.snapshot_tree = snapshot.tree;
  input.image = SNAPRUN_TRY_CTX(images::ResolveImage(run.home + "/images", run.spec.image),
                                "resolving image " + run.spec.image);
  if (input.image.host) input.host_skeleton = SNAPRUN_TRY(EnsureHostSkeleton(run.home));
  input.dirs = RunDirs{run.dir.outputs(), run.dir.logs()};
  input.seccomp = SNAPRUN_TRY_CTX(LoadDefaultSeccompProfile(), "loading the seccomp profile");
  PreparedSandbox prepared;
  prepared.run_config = SNAPRUN_TRY(BuildRunConfig(run.spec, input));
  for (const std::string& note : run.variation.notes) prepared.run_config.notes.push_back(note);
  prepared.snapshot_digest = snapshot.digest;
  prepared.image_digest = input.image.digest;
  return prepared;
}

}  // namespace snaprun::orchestrator
