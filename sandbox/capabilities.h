// Capabilities: computed in the parent (names → numbers → a libcap state), applied
// in the child after the ids are set. Order in the child: bounding set drop, then
// effective/permitted/inheritable through capset, then ambient (ambient raises
// require the cap in both permitted and inheritable, so it must come last).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox {

// "CAP_NET_BIND_SERVICE" → 10; kInvalidInput for an unknown name.
Result<int> CapabilityFromName(std::string_view name);
std::string CapabilityName(int cap);
// Every name CapabilityFromName accepts (libcap's table), in number order.
std::vector<std::string> KnownCapabilityNames();

// Everything the child needs, precomputed: no allocation happens in ApplyCapabilities.
struct CapabilityPlan {
  // 64-bit masks indexed by capability number.
  uint64_t bounding = 0;
  uint64_t effective = 0;
  uint64_t permitted = 0;
  uint64_t inheritable = 0;
  uint64_t ambient = 0;
  int last_cap = 0;  // /proc/sys/kernel/cap_last_cap, read in the parent
};

// Validates the sets (effective ⊆ permitted, ambient ⊆ permitted ∩ inheritable, …).
Result<CapabilityPlan> PlanCapabilities(const CapabilitySets& sets);

// Child side, async-signal-safe. Needs CAP_SETPCAP in the permitted set on entry
// (after a uid change, set PR_SET_KEEPCAPS before it) unless the bounding set is
// already no larger than the plan's. Returns 0 or an errno; *failed_cap names the cap
// (or -1) so the parent can report "drop bounding CAP_X: Operation not permitted".
int ApplyCapabilities(const CapabilityPlan& plan, int* failed_cap);

}  // namespace snaprun::sandbox
