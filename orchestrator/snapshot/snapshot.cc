#include "orchestrator/snapshot/snapshot.h"

#include <sys/stat.h>

#include <chrono>

#include "orchestrator/store/fs_at.h"
#include "sandbox/base/atomic_file.h"

namespace snaprun::orchestrator {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int64_t WallNanos() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

Result<void> WriteManifest(const ObjectStore& store, const Manifest& manifest) {
  std::string path = ManifestPath(store, manifest.digest);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return Ok();  // same digest, same content
  SNAPRUN_TRY(MakeDirectories(store.home() + "/snapshots", 0755));
  return WriteFileAtomic(path, ManifestToJson(manifest), 0444);
}

Result<void> UpdateStatCache(StatCache& cache, const std::vector<TreeEntry>& entries,
                             int64_t started_ns) {
  for (const TreeEntry& e : entries) {
    if (e.type == EntryType::kFile) cache.Record(e, started_ns);
  }
  return cache.Save();
}

}  // namespace

std::string ManifestPath(const ObjectStore& store, const std::string& digest) {
  return store.home() + "/snapshots/" + digest + ".json";
}

Result<Manifest> LoadManifest(const ObjectStore& store, const std::string& digest) {
  if (!IsSha256Hex(digest)) {
    return Error(ErrorCode::kInvalidInput, "not a snapshot digest: " + digest);
  }
  std::string path = ManifestPath(store, digest);
  auto text = ReadFile(path);
  if (!text) {
    if (text.error().code() == ErrorCode::kNotFound) {
      return Error(ErrorCode::kNotFound, "no snapshot " + digest + " (" + path + ")");
    }
    return std::move(text).error();
  }
  Manifest manifest = SNAPRUN_TRY(ManifestFromJson(*text, path));
  if (manifest.digest != digest) {
    return Error(ErrorCode::kCorrupt, path + " holds snapshot " + manifest.digest);
  }
  return manifest;
}

Result<SnapshotResult> TakeSnapshot(const std::string& dir_arg, const SnapshotLimits& limits,
                                    const ObjectStore& store, const SnapshotOptions& options) {
  std::string dir = dir_arg;  // as the user wrote it, minus trailing slashes, for messages
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  const std::string context = "while taking a snapshot of " + dir;
  auto start = Clock::now();
  int64_t started_ns = options.wall_clock_ns ? options.wall_clock_ns() : WallNanos();
  UniqueFd root = SNAPRUN_TRY_CTX(OpenDirectory(dir), context);
  WalkResult walk = SNAPRUN_TRY_CTX(
      WalkTree(root.get(), dir, WalkOptions{options.measure_excluded, true, {}}), context);
  SnapshotResult result;
  result.timings.walk_seconds = SecondsSince(start);
  SNAPRUN_TRY(CheckLimits(dir, walk.entries, limits));

  start = Clock::now();
  std::string cache_path = store.home() + "/cache/stat-cache";
  SNAPRUN_TRY_CTX(MakeDirectories(store.home() + "/cache", 0700), context);
  StatCache cache = options.use_stat_cache ? StatCache::Load(cache_path) : StatCache::Load("");
  HashOutcome hashed =
      SNAPRUN_TRY_CTX(HashFiles(root.get(), dir, walk.entries, store, cache,
                                HashOptions{options.threads, options.progress, {}}),
                      context);
  result.timings.hash_seconds = SecondsSince(start);
  // Files may have grown between the walk and the read: check what is actually stored.
  if (auto within = CheckLimits(dir, walk.entries, limits); !within) {
    for (const PendingObject& object : hashed.pending) store.Discard(object);
    return std::move(within).error();
  }

  start = Clock::now();
  SNAPRUN_TRY_CTX(store.Commit(hashed.pending), context);
  result.manifest = BuildManifest(std::move(walk.entries));
  SNAPRUN_TRY_CTX(WriteManifest(store, result.manifest), context);
  if (options.use_stat_cache) {
    SNAPRUN_TRY_CTX(UpdateStatCache(cache, result.manifest.entries, started_ns), context);
  }
  result.timings.commit_seconds = SecondsSince(start);
  result.digest = result.manifest.digest;
  result.excluded = std::move(walk.excluded);
  result.warnings = std::move(walk.warnings);
  result.cached_files = hashed.cached_files;
  result.hashed_bytes = hashed.hashed_bytes;
  return result;
}

}  // namespace snaprun::orchestrator
