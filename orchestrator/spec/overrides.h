// --set overrides: "dotted.key=VALUE" replaces (or adds) one value in the document
// before it is decoded, so an override is validated exactly like the file. VALUE is
// YAML (a scalar, or a flow list/mapping such as [python3, x.py]); an empty VALUE is
// the empty string. Nodes from an override carry the position "--set KEY=VALUE", so
// any later error names the override rather than a line of the file.
#pragma once

#include <string>

#include "orchestrator/spec/spec_node.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// Keys address mappings only; to change a list, set the whole list.
Result<void> ApplyOverride(SpecNode& root, const std::string& assignment);

}  // namespace snaprun::orchestrator
