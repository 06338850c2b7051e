// Making a verified bundle's content visible in this SNAPRUN_HOME: objects, then the image,
// then the manifests (a manifest appears only after every object it names is durable).
// Kept apart from bundle_import.cc: snapshot.h and the run lifecycle each name a
// SnapshotLimits.
#pragma once

#include <string>

#include "orchestrator/bundle/bundle_reader.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

Result<void> PublishBundle(VerifiedBundle& bundle, const std::string& path,
                           const std::string& home, const ObjectStore& store);

}  // namespace snaprun::orchestrator
