// Loading a run spec: read the file, apply --set overrides, decode and validate into
// a RunSpec. Every refusal is one kInvalidInput Error at FILE:LINE:COL (or naming the
// override) that says what was expected; nothing is defaulted silently past a mistake.
#pragma once

#include <string>
#include <vector>

#include "orchestrator/spec/run_spec.h"
#include "orchestrator/spec/spec_node.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// Decodes ROOT; relative paths resolve against SPEC_PATH's directory.
Result<RunSpec> DecodeRunSpec(const SpecNode& root, const std::string& spec_path);

// Reads PATH, applies OVERRIDES ("key.path=value", in order) and decodes.
Result<RunSpec> LoadRunSpec(const std::string& path,
                            const std::vector<std::string>& overrides = {});

}  // namespace snaprun::orchestrator
