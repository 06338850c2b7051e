#include "orchestrator/run/run_allowances.h"

namespace snaprun::orchestrator {

Result<void> CheckAllowed(const RunSpec& spec, const RunAllowances& allowed) {
  if (spec.network == NetworkMode::kHost && !allowed.host_network) {
    std::string where = spec.spec_path.empty() ? "the run's spec" : spec.spec_path;
    return Error(ErrorCode::kPolicyDenied,
                 where + ": network: host gives the command the host's network (every "
                         "interface, and services listening on localhost); allow it for "
                         "this run with --allow-host-network");
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
