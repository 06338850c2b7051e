// The nested sections of a run spec (env, resources, datastores, snapshot) and the
// name rules shared with the top level. Internal to the spec library.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/spec/run_spec.h"
#include "orchestrator/spec/spec_node.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// 1..MAX_LENGTH characters of [A-Za-z0-9._-].
bool IsSimpleName(std::string_view text, size_t max_length);
// host | NAME[:TAG] | sha256:HEX64 | NAME@sha256:HEX64, NAME as in OCI references.
bool IsImageReference(std::string_view text);
// [A-Za-z_][A-Za-z0-9_]*, at most 255 characters.
bool IsEnvName(std::string_view text);

Result<std::map<std::string, std::string>> DecodeEnv(const SpecNode& node);
Result<ResourceRequest> DecodeResources(const SpecNode& node);
Result<std::vector<DatastoreRequest>> DecodeDatastores(const SpecNode& node);
Result<SnapshotLimits> DecodeSnapshot(const SpecNode& node);

}  // namespace snaprun::orchestrator
