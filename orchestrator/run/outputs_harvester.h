// How the lifecycle hands a finished run's outputs/ to the harvest stage: a function,
// so the lifecycle does not depend on how outputs are walked and stored.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct HarvestSummary {
  std::string outputs_digest;  // the outputs manifest's digest
  uint64_t files = 0;
  uint64_t bytes = 0;
  std::vector<std::string> notes;  // entries skipped and why
};

// MAX_BYTES: the most the harvest takes in (write_budget.h says how it is chosen).
using OutputsHarvester = std::function<Result<HarvestSummary>(
    const std::string& outputs_dir, ObjectStore& store, uint64_t max_bytes)>;

}  // namespace snaprun::orchestrator
