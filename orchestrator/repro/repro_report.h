// How a reproducibility check is shown: a terminal report (each later run against the
// control: how it ended, then every differing output with its diff; identical files only
// counted) and the same as JSON for CI.
#pragma once

#include <string>

#include "orchestrator/repro/repro.h"

namespace snaprun::orchestrator {

std::string RenderReproText(const ReproReport& report, bool colour);
// {"repro": ID, "reproducible": bool, "snapshot": …, "variations": […],
//  "runs": [{"index", "id", "state", "status", "outputs", "variation"}],
//  "comparisons": [{"run": N, "same_end": bool, "outputs": {compare JSON}}]}
std::string ReproToJson(const ReproReport& report);

}  // namespace snaprun::orchestrator
