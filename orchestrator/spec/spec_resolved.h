// Reading a resolved spec back: the JSON RunSpecToJson wrote (kept in the history and in
// run bundles) into a RunSpec, with --set overrides applied and validated exactly like a
// run.yaml. The round trip is exact: RunSpecToJson(RunSpecFromJson(J)) == J for any J it
// wrote. The code directory is taken as recorded and cannot be overridden: a run of a
// resolved spec uses a stored snapshot, not the directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/spec/run_spec.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// LABEL names the text in errors (e.g. "bundle.json spec").
Result<RunSpec> RunSpecFromJson(std::string_view json, const std::string& label,
                                const std::vector<std::string>& overrides = {});

}  // namespace snaprun::orchestrator
