#include "orchestrator/run/prepare.h"

#include <unistd.h>

#include "images/store.h"
#include "orchestrator/run/host_skeleton.h"
#include "orchestrator/run/seccomp_path.h"
#include "orchestrator/run/snapshot_step.h"
#include "orchestrator/store/object_store.h"

namespace snaprun::orchestrator {

Result<PreparedSandbox> PrepareSandbox(const QueuedRun& run, bool progress) {
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(run.home));
  SnapshotRequest request{run.spec.code_dir, run.spec.snapshot.max_size_bytes,
                          run.spec.snapshot.max_files, progress};
  SnapshotTaken snapshot =
      SNAPRUN_TRY(run.stored ? StoredSnapshotForRun(run.stored->snapshot_digest, store)
                             : SnapshotForRun(request, store));
  RunConfigInput input;
  input.run_id = run.id;
  input.variation = run.variation;
  input.snapshot_tree = snapshot.tree;
  const std::string& image =
      run.stored && !run.stored->image.empty() ? run.stored->image : run.spec.image;
  input.image = SNAPRUN_TRY_CTX(images::ResolveImage(run.home + "/images", image),
                                "resolving image " + image);
  if (input.image.host) {
    input.host_skeleton = SNAPRUN_TRY(EnsureHostSkeleton(run.home));
    input.host_etc = SNAPRUN_TRY(WriteHostEtc(run.dir.root + "/host-etc", SandboxHostname(input)));
  }
  input.dirs = RunDirs{run.dir.outputs(), run.dir.logs()};
  input.root_caller = ::geteuid() == 0;
  input.seccomp =
      SNAPRUN_TRY_CTX(LoadSeccompProfile(run.spec.seccomp), "loading the seccomp profile");
  PreparedSandbox prepared;
  prepared.run_config = SNAPRUN_TRY(BuildRunConfig(run.spec, input));
  for (const std::string& note : run.variation.notes) prepared.run_config.notes.push_back(note);
  prepared.snapshot_digest = snapshot.digest;
  prepared.image_digest = input.image.digest;
  return prepared;
}

}  // namespace snaprun::orchestrator
