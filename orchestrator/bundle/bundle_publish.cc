#include "orchestrator/bundle/bundle_publish.h"

#include <sys/stat.h>

#include "orchestrator/bundle/image_archive.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/snapshot/snapshot.h"
#include "orchestrator/store/fs_at.h"
#include "sandbox/base/atomic_file.h"

namespace snaprun::orchestrator {
namespace {

std::string Hex(const std::string& digest) {
  return digest.starts_with("sha256:") ? digest.substr(7) : digest;
}

Result<void> PublishManifest(const std::string& dir, const std::string& path,
                             const std::string& text) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return Ok();  // same digest, same content
  SNAPRUN_TRY(MakeDirectories(dir, 0755));
  return WriteFileAtomic(path, text, 0444);
}

}  // namespace

Result<void> PublishBundle(VerifiedBundle& bundle, const std::string& path, const std::string& home,
                     const ObjectStore& store) {
  const RunRecord& run = bundle.info.run;
  SNAPRUN_TRY(bundle.Commit());
  if (!bundle.image_tar.empty()) {
    SNAPRUN_TRY_CTX(ImportImageRootfsTar(home + "/images", bundle.image_tar, run.image_digest),
                    "bundle " + path + ": entry image/rootfs.tar");
  }
  SNAPRUN_TRY(PublishManifest(home + "/snapshots", ManifestPath(store, Hex(run.snapshot_digest)),
                              bundle.snapshot_manifest));
  if (!run.outputs_digest.empty()) {
    SNAPRUN_TRY(PublishManifest(home + "/outputs", OutputsManifestPath(store, run.outputs_digest),
                                bundle.outputs_manifest));
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
