#include "orchestrator/harvest/harvest.h"

#include <sys/stat.h>

#include "orchestrator/harvest/admit.h"
#include "orchestrator/harvest/outputs_limits.h"
#include "orchestrator/snapshot/stat_cache.h"
#include "orchestrator/snapshot/walker.h"
#include "orchestrator/store/fs_at.h"
#include "sandbox/base/atomic_file.h"

namespace snaprun::orchestrator {
namespace {

std::string BareDigest(const std::string& digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
}

Result<void> WriteOutputsManifest(const ObjectStore& store, const Manifest& manifest) {
  std::string path = OutputsManifestPath(store, manifest.digest);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return Ok();  // same digest, same content
  SNAPRUN_TRY(MakeDirectories(store.home() + "/outputs", 0755));
  return WriteFileAtomic(path, ManifestToJson(manifest), 0444);
}

Result<uid_t> SandboxUid(int root_fd, const std::string& dir, const HarvestOptions& options) {
  if (options.sandbox_uid >= 0) return static_cast<uid_t>(options.sandbox_uid);
  struct stat st;
  if (::fstat(root_fd, &st) != 0) return Error::FromErrno("stat", dir);
  return st.st_uid;
}

Result<HashOutcome> StoreFiles(int root_fd, const std::string& dir, WalkResult& walk,
                               const ObjectStore& store, const HarvestLimits& limits,
                               const HarvestOptions& options, const AdmitFile& admit) {
  StatCache no_cache = StatCache::Load("");  // outputs are new by nature: always read
  HashOutcome hashed =
      SNAPRUN_TRY(HashFiles(root_fd, dir, walk.entries, store, no_cache,
                            HashOptions{options.threads, options.progress, admit}));
  // Files may have grown between the walk and the read: check what was actually read.
  if (auto within = CheckOutputLimits(dir, walk.entries, limits); !within) {
    for (const PendingObject& object : hashed.pending) store.Discard(object);
    return std::move(within).error();
  }
  return hashed;
}

}  // namespace

std::string OutputsManifestPath(const ObjectStore& store, const std::string& digest) {
  return store.home() + "/outputs/" + BareDigest(digest) + ".json";
}

Result<Manifest> LoadOutputsManifest(const ObjectStore& store, const std::string& digest_arg) {
  std::string digest = BareDigest(digest_arg);
  if (!IsSha256Hex(digest)) {
    return Error(ErrorCode::kInvalidInput, "not an outputs digest: " + digest_arg);
  }
  std::string path = OutputsManifestPath(store, digest);
  auto text = ReadFile(path, size_t{1} << 30);
  if (!text) {
    if (text.error().code() != ErrorCode::kNotFound) return std::move(text).error();
    return Error(ErrorCode::kNotFound, "no outputs manifest " + digest + " (" + path + ")");
  }
  Manifest manifest = SNAPRUN_TRY(ManifestFromJson(*text, path));
  if (manifest.digest != digest) {
    return Error(ErrorCode::kCorrupt, path + " holds outputs " + manifest.digest);
  }
  return manifest;
}

Result<OutputsResult> HarvestOutputs(const std::string& dir_arg, const ObjectStore& store,
                                     const HarvestLimits& limits, const HarvestOptions& options) {
  std::string dir = dir_arg;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::string context = "while harvesting " + dir;
  UniqueFd root = SNAPRUN_TRY_CTX(OpenDirectory(dir), context);
  uid_t uid = SNAPRUN_TRY_CTX(SandboxUid(root.get(), dir, options), context);
  AdmitFile admit = SandboxFileRule(uid);
  WalkOptions walk_options;
  walk_options.read_ignore_files = false;
  walk_options.admit = admit;
  WalkResult walk = SNAPRUN_TRY_CTX(WalkTree(root.get(), dir, walk_options), context);
  SNAPRUN_TRY(CheckOutputLimits(dir, walk.entries, limits));
  HashOutcome hashed =
      SNAPRUN_TRY_CTX(StoreFiles(root.get(), dir, walk, store, limits, options, admit), context);
  // The manifest goes last: it exists only once every object it names is durable.
  SNAPRUN_TRY_CTX(store.Commit(hashed.pending), context);
  OutputsResult result;
  for (const PendingObject& object : hashed.pending) result.stored_bytes += object.size;
  result.manifest = BuildManifest(std::move(walk.entries));
  SNAPRUN_TRY_CTX(WriteOutputsManifest(store, result.manifest), context);
  result.digest = result.manifest.digest;
  result.files = result.manifest.files;
  result.bytes = result.manifest.bytes;
  result.notes = std::move(walk.warnings);
  return result;
}

}  // namespace snaprun::orchestrator
