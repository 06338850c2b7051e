// The resolved spec as text: JSON (stored with each run in the history, printed by
// `spec check --json`) and YAML (for people). Both use the spec's own key names; sizes
// are whole bytes, the timeout a canonical duration ("1h30m"), paths absolute, and
// unset optional fields are left out.
#pragma once

#include <string>

#include "orchestrator/spec/run_spec.h"

namespace snaprun::orchestrator {

std::string RunSpecToJson(const RunSpec& spec, bool pretty = false);
std::string RunSpecToYaml(const RunSpec& spec);

}  // namespace snaprun::orchestrator
