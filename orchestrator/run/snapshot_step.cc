#include "orchestrator/run/snapshot_step.h"

#include <unistd.h>

#include <cstdio>

#include "orchestrator/snapshot/limits.h"
#include "orchestrator/snapshot/materialize.h"
#include "orchestrator/snapshot/snapshot.h"

namespace snaprun::orchestrator {
namespace {

// One line, redrawn in place: "snapshot  45% 12/27 files 3.1 MB".
void PrintProgress(const HashProgress& p) {
  int percent = p.bytes_total ? static_cast<int>(100 * p.bytes_done / p.bytes_total) : 100;
  std::fprintf(stderr, "\rsnapshot %3d%% %llu/%llu files %s   ", percent,
               static_cast<unsigned long long>(p.files_done),
               static_cast<unsigned long long>(p.files_total), FormatApproximateSize(p.bytes_done).c_str());
}

}  // namespace

Result<SnapshotTaken> SnapshotForRun(const SnapshotRequest& request, const ObjectStore& store) {
  SnapshotLimits limits = SNAPRUN_TRY(ApplyLimitEnvironment(SnapshotLimits{}));
  if (request.max_bytes) limits.max_bytes = *request.max_bytes;
  if (request.max_files) limits.max_files = *request.max_files;
  SnapshotOptions options;
  bool drew = false;
  if (request.progress) {
    options.progress = [&drew](const HashProgress& p) {
      drew = true;
      PrintProgress(p);
    };
  }
  auto taken = TakeSnapshot(request.code_dir, limits, store, options);
  if (drew) std::fputs("\r\033[K", stderr);
  if (!taken) return std::move(taken).error();
  SnapshotTaken out;
  // Recorded like image digests; the store and the tree are named by the bare hex.
  out.digest = taken->digest.rfind("sha256:", 0) == 0 ? taken->digest : "sha256:" + taken->digest;
  out.files = taken->manifest.files;
  out.bytes = taken->manifest.bytes;
  out.tree = SNAPRUN_TRY_CTX(MaterializeSnapshot(store, taken->digest), "materializing the snapshot");
  return out;
}

Result<SnapshotTaken> StoredSnapshotForRun(const std::string& digest, const ObjectStore& store) {
  std::string hex = digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
  Manifest manifest = SNAPRUN_TRY_CTX(LoadManifest(store, hex), "loading snapshot " + digest);
  SnapshotTaken out;
  out.digest = "sha256:" + hex;
  out.files = manifest.files;
  out.bytes = manifest.bytes;
  out.tree = SNAPRUN_TRY_CTX(MaterializeSnapshot(store, hex), "materializing the snapshot");
  return out;
}

}  // namespace snaprun::orchestrator
