#include "sandbox/capabilities.h"

#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <fstream>

namespace snaprun::sandbox {
namespace {

constexpr int kMaxCapabilityBits = 64;  // the plan's masks are 64-bit

Result<int> ReadLastCap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = -1;
  if (!(in >> last) || last < 0 || last >= kMaxCapabilityBits) {
    return Error(ErrorCode::kSystem, "read /proc/sys/kernel/cap_last_cap: no valid number");
  }
  return last;
}

Result<uint64_t> MaskOf(const std::vector<int>& caps, std::string_view set, int last_cap) {
  uint64_t mask = 0;
  for (int cap : caps) {
    if (cap < 0 || cap > last_cap) {
      return Error(ErrorCode::kInvalidInput,
                   std::string(set) + " capability " + std::to_string(cap) +
                       " is not known to this kernel (cap_last_cap is " +
                       std::to_string(last_cap) + ")");
    }
    mask |= uint64_t{1} << cap;
  }
  return mask;
}

// Names the lowest capability in MASK, for "CAP_X is … but not …" messages.
std::string FirstName(uint64_t mask) {
  for (int cap = 0; cap < kMaxCapabilityBits; ++cap) {
    if (mask & (uint64_t{1} << cap)) return CapabilityName(cap);
  }
  return "?";
}

Result<void> RequireSubset(uint64_t inner, std::string_view inner_name, uint64_t outer,
                           std::string_view outer_name, std::string_view why) {
  uint64_t extra = inner & ~outer;
  if (extra == 0) return Ok();
  return Error(ErrorCode::kInvalidInput, FirstName(extra) + " is in the " +
                                             std::string(inner_name) + " set but not in the " +
                                             std::string(outer_name) + " set (" +
                                             std::string(why) + ")");
}

bool Has(uint64_t mask, int cap) { return (mask >> cap) & 1; }

// Dropping a capability that is already gone needs no CAP_SETPCAP; checking first
// lets a process that lost CAP_SETPCAP (e.g. after setuid) still succeed when the
// bounding set is already as small as the plan wants.
int DropBounding(const CapabilityPlan& plan, int* failed_cap) {
  for (int cap = 0; cap <= plan.last_cap; ++cap) {
    if (Has(plan.bounding, cap)) continue;
    int present = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (present == 0) continue;
    if (present < 0 || prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      *failed_cap = cap;
      return errno;
    }
  }
  return 0;
}

// After a setuid() under PR_SET_KEEPCAPS the effective set is empty while permitted
// is kept; PR_CAPBSET_DROP needs CAP_SETPCAP effective, so re-raise from permitted.
int RaiseEffectiveFromPermitted() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capget, &header, data) != 0) return errno;
  bool changed = false;
  for (auto& word : data) {
    changed = changed || word.effective != word.permitted;
    word.effective = word.permitted;
  }
  if (!changed) return 0;
  return syscall(SYS_capset, &header, data) == 0 ? 0 : errno;
}

// libcap's cap_set_proc allocates (cap_t); the raw v3 capset does not.
int SetProcessCaps(const CapabilityPlan& plan) {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  for (int word = 0; word < _LINUX_CAPABILITY_U32S_3; ++word) {
    data[word].effective = static_cast<uint32_t>(plan.effective >> (32 * word));
    data[word].permitted = static_cast<uint32_t>(plan.permitted >> (32 * word));
    data[word].inheritable = static_cast<uint32_t>(plan.inheritable >> (32 * word));
  }
  return syscall(SYS_capset, &header, data) == 0 ? 0 : errno;
}

// Ambient raises need the cap in permitted and inheritable, hence after capset.
// Kernels before 4.3 have no ambient set (EINVAL): fine only when none is asked for.
int SetAmbient(const CapabilityPlan& plan, int* failed_cap) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    if (errno == EINVAL && plan.ambient == 0) return 0;
    return errno;
  }
  for (int cap = 0; cap <= plan.last_cap; ++cap) {
    if (!Has(plan.ambient, cap)) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
      *failed_cap = cap;
      return errno;
    }
  }
  return 0;
}

}  // namespace

Result<int> CapabilityFromName(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // cap_from_name also takes bare numbers and "all"; OCI names are always CAP_*.
  cap_value_t value = 0;
  if (upper.rfind("CAP_", 0) != 0 || cap_from_name(upper.c_str(), &value) != 0 || value < 0) {
    return Error(ErrorCode::kInvalidInput, "unknown capability \"" + std::string(name) + "\"");
  }
  return static_cast<int>(value);
}

std::string CapabilityName(int cap) {
  char* raw = cap_to_name(static_cast<cap_value_t>(cap));
  if (raw == nullptr) return std::to_string(cap);
  std::string name(raw);
  cap_free(raw);
  // libcap spells unnamed numbers as digits; named ones in lower case.
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return name;
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::vector<std::string> KnownCapabilityNames() {
  std::vector<std::string> names;
  for (int cap = 0; cap < kMaxCapabilityBits; ++cap) {
    std::string name = CapabilityName(cap);
    if (name.rfind("CAP_", 0) == 0 && CapabilityFromName(name).has_value()) names.push_back(name);
  }
  return names;
}

Result<CapabilityPlan> PlanCapabilities(const CapabilitySets& sets) {
  CapabilityPlan plan;
  plan.last_cap = SNAPRUN_TRY(ReadLastCap());
  plan.bounding = SNAPRUN_TRY(MaskOf(sets.bounding, "bounding", plan.last_cap));
  plan.effective = SNAPRUN_TRY(MaskOf(sets.effective, "effective", plan.last_cap));
  plan.permitted = SNAPRUN_TRY(MaskOf(sets.permitted, "permitted", plan.last_cap));
  plan.inheritable = SNAPRUN_TRY(MaskOf(sets.inheritable, "inheritable", plan.last_cap));
  plan.ambient = SNAPRUN_TRY(MaskOf(sets.ambient, "ambient", plan.last_cap));
  SNAPRUN_TRY(RequireSubset(plan.effective, "effective", plan.permitted, "permitted",
                            "capset refuses an effective cap that is not permitted"));
  SNAPRUN_TRY(RequireSubset(plan.permitted, "permitted", plan.bounding, "bounding",
                            "it would be lost at execve"));
  SNAPRUN_TRY(RequireSubset(plan.inheritable, "inheritable", plan.bounding, "bounding",
                            "capset refuses it once the bounding set is dropped"));
  SNAPRUN_TRY(RequireSubset(plan.ambient, "ambient", plan.permitted, "permitted",
                            "the kernel only raises ambient caps that are permitted"));
  SNAPRUN_TRY(RequireSubset(plan.ambient, "ambient", plan.inheritable, "inheritable",
                            "the kernel only raises ambient caps that are inheritable"));
  return plan;
}

int ApplyCapabilities(const CapabilityPlan& plan, int* failed_cap) {
  *failed_cap = -1;
  if (int err = RaiseEffectiveFromPermitted(); err != 0) return err;
  // Bounding first: PR_CAPBSET_DROP needs CAP_SETPCAP, which capset may remove.
  if (int err = DropBounding(plan, failed_cap); err != 0) return err;
  if (int err = SetProcessCaps(plan); err != 0) return err;
  return SetAmbient(plan, failed_cap);
}

}  // namespace snaprun::sandbox
