// What garbage collection must keep: the digests the history's runs name, and every object
// named by a root manifest (outputs manifests the runs name or too young to judge, and
// every snapshot manifest). A root that cannot be read is reported, and then no object is
// judged unreferenced at all: not knowing a root's objects must never delete them.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "orchestrator/history/history_store.h"
#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct RunReferences {
  std::set<std::string> outputs, snapshots, images;  // bare hex digests
};

struct LiveSet {
  std::set<std::string> objects;
  std::set<std::string> outputs_manifests;   // to keep
  std::vector<std::string> stale_manifests;  // outputs manifests to remove
  std::vector<std::string> warnings;
  bool complete = true;  // false: some root was unreadable, keep every object
};

// "sha256:HEX" or "HEX" -> "HEX".
std::string BareHex(const std::string& digest);
// True when PATH was last modified before NOW - GRACE (a missing path counts as old).
bool OlderThan(const std::string& path, std::chrono::seconds grace);

Result<RunReferences> CollectRunReferences(HistoryStore& history);
Result<LiveSet> CollectLiveObjects(const ObjectStore& store, const RunReferences& runs,
                                   std::chrono::seconds grace);

}  // namespace snaprun::orchestrator
