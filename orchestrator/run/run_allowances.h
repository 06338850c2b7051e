// Spec fields that weaken the sandbox, refused unless the user allowed them for
// this one run on the command line. Policies (policy.yaml) will take this place
// for an operator; until then the default is the strict one.
#pragma once

#include "orchestrator/spec/run_spec.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct RunAllowances {
  bool host_network = false;  // `network: host` (--allow-host-network)
};

// kPolicyDenied naming the spec file, the field and the flag that allows it.
Result<void> CheckAllowed(const RunSpec& spec, const RunAllowances& allowed);

}  // namespace snaprun::orchestrator
