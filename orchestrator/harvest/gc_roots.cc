#include "orchestrator/harvest/gc_roots.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "orchestrator/harvest/harvest.h"
#include "orchestrator/snapshot/snapshot.h"

namespace snaprun::orchestrator {
namespace {

constexpr size_t kPage = 1000;

// Digests named DIGEST.json in DIR; a missing DIR has none.
std::vector<std::string> JsonDigests(const std::string& dir) {
  std::vector<std::string> digests;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return digests;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() == 69 && name.compare(64, 5, ".json") == 0 && IsSha256Hex(name.substr(0, 64))) {
      digests.push_back(name.substr(0, 64));
    }
  }
  ::closedir(d);
  return digests;
}

void AddFiles(const Manifest& manifest, LiveSet& live) {
  for (const TreeEntry& e : manifest.entries) {
    if (e.type == EntryType::kFile) live.objects.insert(e.digest);
  }
}

void AddRoot(const Result<Manifest>& manifest, LiveSet& live) {
  if (manifest) return AddFiles(*manifest, live);
  live.warnings.push_back(manifest.error().message() + "; keeping every object");
  live.complete = false;
}

}  // namespace

std::string BareHex(const std::string& digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
}

bool OlderThan(const std::string& path, std::chrono::seconds grace) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return true;
  return st.st_mtime + grace.count() <= ::time(nullptr) &&
         st.st_ctime + grace.count() <= ::time(nullptr);
}

Result<RunReferences> CollectRunReferences(HistoryStore& history) {
  RunReferences refs;
  ListQuery query;
  query.limit = kPage;
  for (;;) {
    std::vector<RunRecord> page = SNAPRUN_TRY(history.List(query));
    for (const RunRecord& run : page) {
      if (!run.outputs_digest.empty()) refs.outputs.insert(BareHex(run.outputs_digest));
      if (!run.snapshot_digest.empty()) refs.snapshots.insert(BareHex(run.snapshot_digest));
      if (!run.image_digest.empty()) refs.images.insert(BareHex(run.image_digest));
    }
    if (page.size() < kPage) return refs;
    query.before_id = page.back().id;
  }
}

Result<LiveSet> CollectLiveObjects(const ObjectStore& store, const RunReferences& runs,
                                   std::chrono::seconds grace) {
  LiveSet live;
  for (const std::string& digest : JsonDigests(store.home() + "/snapshots")) {
    AddRoot(LoadManifest(store, digest), live);
  }
  for (const std::string& digest : JsonDigests(store.home() + "/outputs")) {
    bool referenced = runs.outputs.count(digest) > 0;
    if (!referenced && OlderThan(OutputsManifestPath(store, digest), grace)) {
      live.stale_manifests.push_back(digest);
      continue;
    }
    live.outputs_manifests.insert(digest);
    AddRoot(LoadOutputsManifest(store, digest), live);
  }
  for (const std::string& digest : runs.outputs) {
    if (live.outputs_manifests.count(digest) == 0) {
      live.warnings.push_back("run outputs " + digest + " have no manifest in " + store.home() +
                              "/outputs");
    }
  }
  return live;
}

}  // namespace snaprun::orchestrator
