#include "orchestrator/harvest/gc.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images/store.h"
#include "orchestrator/harvest/gc_roots.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/snapshot/materialize.h"
#include "orchestrator/store/fs_at.h"
#include "orchestrator/store/store_lock.h"

namespace snaprun::orchestrator {
namespace {

std::vector<std::string> ListNames(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  return names;
}

Result<void> Unlink(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Error::FromErrno("remove", path);
  return Ok();
}

Result<void> SweepObjects(const ObjectStore& store, const LiveSet& live, const GcOptions& options,
                          GcReport& report) {
  std::string root = store.home() + "/objects/sha256";
  for (const std::string& fan : ListNames(root)) {
    for (const std::string& rest : ListNames(root + "/" + fan)) {
      std::string digest = fan + rest;
      std::string path = root + "/" + fan + "/" + rest;
      struct stat st;
      if (live.objects.count(digest) > 0 || !OlderThan(path, options.grace) ||
          ::lstat(path.c_str(), &st) != 0) {
        ++report.kept_objects;
        continue;
      }
      ++report.objects;
      report.object_bytes += static_cast<uint64_t>(st.st_blocks) * 512;
      if (!options.dry_run) SNAPRUN_TRY(Unlink(path));
    }
  }
  return Ok();
}

Result<void> SweepTemp(const ObjectStore& store, const GcOptions& options, GcReport& report) {
  std::string dir = store.home() + "/objects/tmp";
  for (const std::string& name : ListNames(dir)) {
    if (!OlderThan(dir + "/" + name, options.grace)) continue;
    ++report.temp_files;
    if (!options.dry_run) SNAPRUN_TRY(Unlink(dir + "/" + name));
  }
  return Ok();
}

Result<void> SweepManifests(const ObjectStore& store, const LiveSet& live, const GcOptions& options,
                            GcReport& report) {
  for (const std::string& digest : live.stale_manifests) {
    ++report.manifests;
    if (!options.dry_run) SNAPRUN_TRY(Unlink(OutputsManifestPath(store, digest)));
  }
  return Ok();
}

// A materialized tree is a cache: rebuilt from its manifest when a run needs it again.
Result<void> SweepTrees(const ObjectStore& store, const RunReferences& runs,
                        const GcOptions& options, GcReport& report) {
  std::string dir = store.home() + "/trees";
  for (const std::string& name : ListNames(dir)) {
    if (runs.snapshots.count(name) > 0 || !OlderThan(dir + "/" + name, options.grace)) continue;
    ++report.trees;
    if (!options.dry_run) SNAPRUN_TRY(RemoveTreeAt(AT_FDCWD, dir + "/" + name));
  }
  return Ok();
}

Result<void> SweepImages(const std::string& home, const RunReferences& runs,
                         const GcOptions& options, GcReport& report) {
  images::Store images(home + "/images");
  auto records = images.List();
  if (!records) {
    if (records.error().code() == ErrorCode::kNotFound) return Ok();
    return std::move(records).error();
  }
  for (const images::ImageRecord& record : *records) {
    std::string hex = BareHex(record.digest);
    if (runs.images.count(hex) > 0 || !OlderThan(images.ImageDir(record.digest), options.grace)) {
      continue;
    }
    report.images.push_back(record.digest);
    if (!options.dry_run) SNAPRUN_TRY(images.Remove(record.digest));
  }
  return Ok();
}

}  // namespace

Result<GcReport> CollectGarbage(const std::string& home, HistoryStore& history,
                                const GcOptions& options) {
  const std::string context = "while collecting garbage in " + home;
  ScopedLock lock = SNAPRUN_TRY_CTX(LockStoreExclusive(home), context);
  ObjectStore store = SNAPRUN_TRY_CTX(ObjectStore::Open(home), context);
  RunReferences runs = SNAPRUN_TRY_CTX(CollectRunReferences(history), context);
  LiveSet live = SNAPRUN_TRY_CTX(CollectLiveObjects(store, runs, options.grace), context);
  GcReport report;
  report.warnings = live.warnings;
  SNAPRUN_TRY_CTX(SweepManifests(store, live, options, report), context);
  if (live.complete) SNAPRUN_TRY_CTX(SweepObjects(store, live, options, report), context);
  SNAPRUN_TRY_CTX(SweepTemp(store, options, report), context);
  SNAPRUN_TRY_CTX(SweepTrees(store, runs, options, report), context);
  SNAPRUN_TRY_CTX(SweepImages(home, runs, options, report), context);
  return report;
}

}  // namespace snaprun::orchestrator
