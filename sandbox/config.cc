#include "sandbox/config.h"

#include <sched.h>

#include <string_view>
#include <vector>

#include "sandbox/device_nodes.h"
#include "sandbox/sysctl.h"

namespace snaprun::sandbox {
namespace {

Error Invalid(const std::string& what) { return Error(ErrorCode::kInvalidInput, what); }

// An in-sandbox path must be absolute and free of ".." so the plan can resolve it
// inside the root without ever looking at the host.
bool IsCleanAbsolute(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (path.substr(pos, next - pos) == "..") return false;
    pos = next + 1;
  }
  return true;
}

Result<void> ValidateMount(const Mount& mount, size_t index) {
  std::string where = "mounts[" + std::to_string(index) + "]";
  if (!IsCleanAbsolute(mount.destination)) {
    return Invalid(where + ".destination: must be an absolute path without \"..\": \"" +
                   mount.destination + "\"");
  }
  if (mount.destination == "/") return Invalid(where + ".destination: cannot mount over /");
  if (mount.type == MountType::kBind && (mount.source.empty() || mount.source[0] != '/')) {
    return Invalid(where + ".source: a bind source must be an absolute host path");
  }
  if (mount.reverse_entry_order && mount.type != MountType::kOverlay) {
    return Invalid(where + ": a reversed entry order needs an overlay mount");
  }
  if (mount.type == MountType::kOverlay && mount.overlay_lower.empty()) {
    return Invalid(where + ": an overlay needs at least one lower directory");
  }
  for (const auto& lower : mount.overlay_lower) {
    if (lower.empty() || lower[0] != '/' || lower.find_first_of(",:") != std::string::npos) {
      return Invalid(where + ".lower: \"" + lower + "\" must be absolute without ',' or ':'");
    }
  }
  return Ok();
}

Result<void> ValidateIdMappings(const std::vector<IdMapping>& maps, const char* name) {
  if (maps.size() > 340) return Invalid(std::string(name) + ": at most 340 lines");
  for (const auto& m : maps) {
    if (m.count == 0) return Invalid(std::string(name) + ": a mapping with count 0");
  }
  return Ok();
}

// The kernel keeps a namespace's clocks within [0, KTIME_MAX / 2]; a century either way
// is far inside that and far beyond any useful offset.
Result<void> ValidateTimeOffsets(const std::optional<TimeOffsets>& offsets) {
  constexpr int64_t kMaxOffsetSeconds = int64_t{100} * 366 * 24 * 3600;
  if (!offsets) return Ok();
  for (int64_t s : {offsets->monotonic_seconds, offsets->boottime_seconds}) {
    if (s > kMaxOffsetSeconds || s < -kMaxOffsetSeconds) {
      return Invalid("linux.timeOffsets: an offset beyond a century");
    }
  }
  return Ok();
}

Result<void> ValidateCpuAffinity(const std::vector<unsigned>& cpus) {
  std::vector<bool> seen(CPU_SETSIZE, false);
  for (unsigned cpu : cpus) {
    if (cpu >= CPU_SETSIZE) {
      return Invalid("cpu affinity: CPU " + std::to_string(cpu) + " is beyond CPU_SETSIZE");
    }
    if (seen[cpu]) return Invalid("cpu affinity: CPU " + std::to_string(cpu) + " is listed twice");
    seen[cpu] = true;
  }
  return Ok();
}

Result<void> ValidateHookList(const std::vector<Hook>& hooks, const char* kind) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    std::string at = std::string("hooks.") + kind + "[" + std::to_string(i) + "]";
    if (hooks[i].path.empty() || hooks[i].path[0] != '/') {
      return Invalid(at + ".path: must be an absolute path");
    }
    if (hooks[i].timeout_seconds && *hooks[i].timeout_seconds <= 0) {
      return Invalid(at + ".timeout: must be more than zero seconds");
    }
  }
  return Ok();
}

Result<void> ValidateHooks(const Hooks& h) {
  SNAPRUN_TRY(ValidateHookList(h.prestart, "prestart"));
  SNAPRUN_TRY(ValidateHookList(h.create_runtime, "createRuntime"));
  SNAPRUN_TRY(ValidateHookList(h.create_container, "createContainer"));
  SNAPRUN_TRY(ValidateHookList(h.start_container, "startContainer"));
  SNAPRUN_TRY(ValidateHookList(h.poststart, "poststart"));
  SNAPRUN_TRY(ValidateHookList(h.poststop, "poststop"));
  return Ok();
}

Result<void> ValidateUserNamespaceScope(const Config& c) {
  bool idmapped = false;
  for (const auto& m : c.mounts) idmapped = idmapped || m.idmap;
  if (c.user_namespace_scope == UserNamespaceScope::kSandbox) {
    if (idmapped) return Invalid("mounts: idmapped mounts need a command-only user namespace");
    return Ok();
  }
  if (!c.namespaces.user || c.uid_mappings.empty() || c.gid_mappings.empty()) {
    return Invalid("a command-only user namespace needs linux.uidMappings and gidMappings");
  }
  bool hooks = !c.hooks.prestart.empty() || !c.hooks.create_runtime.empty() ||
               !c.hooks.create_container.empty() || !c.hooks.start_container.empty();
  if (hooks || !c.joined_namespaces.empty()) {
    return Invalid("a command-only user namespace cannot be combined with hooks or joined "
                   "namespaces (they would act as host root)");
  }
  return Ok();
}

}  // namespace

Result<void> Config::Validate() const {
  if (rootfs.empty() || rootfs[0] != '/') return Invalid("root.path: must be an absolute path");
  if (process.args.empty()) return Invalid("process.args: must name a command");
  if (!IsCleanAbsolute(process.cwd)) return Invalid("process.cwd: must be an absolute path");
  // pivot_root needs a mount namespace of our own; without one the host's root would move.
  if (!namespaces.mount) return Invalid("linux.namespaces: a mount namespace is required");
  if (!namespaces.uts && (!hostname.empty() || !domainname.empty())) {
    return Invalid("hostname: setting it requires a uts namespace");
  }
  for (size_t i = 0; i < mounts.size(); ++i) SNAPRUN_TRY(ValidateMount(mounts[i], i));
  for (const auto& p : masked_paths) {
    if (!IsCleanAbsolute(p)) return Invalid("linux.maskedPaths: bad path \"" + p + "\"");
  }
  for (const auto& p : readonly_paths) {
    if (!IsCleanAbsolute(p)) return Invalid("linux.readonlyPaths: bad path \"" + p + "\"");
  }
  SNAPRUN_TRY(ValidateIdMappings(uid_mappings, "linux.uidMappings"));
  SNAPRUN_TRY(ValidateIdMappings(gid_mappings, "linux.gidMappings"));
  if (!namespaces.user && (!uid_mappings.empty() || !gid_mappings.empty())) {
    return Invalid("linux.uidMappings: id mappings need a user namespace");
  }
  SNAPRUN_TRY(ValidateUserNamespaceScope(*this));
  if (timeout && timeout->count() <= 0) return Invalid("timeout: must be positive");
  SNAPRUN_TRY(ValidateTimeOffsets(time_offsets));
  SNAPRUN_TRY(ValidateCpuAffinity(cpu_affinity));
  for (int fd : preserved_fds) {
    if (fd < 0) return Invalid("preserved fds: negative fd");
  }
  SNAPRUN_TRY(ValidateHooks(hooks));
  for (const auto& sysctl : sysctls) SNAPRUN_TRY(ValidateSysctl(sysctl, *this));
  SNAPRUN_TRY(CheckDeviceRules(*this));
  return Ok();
}

// The same lists runc and podman mask: kernel interfaces that leak host state or
// let a process poke the host (sysrq, kcore, timer lists, firmware).
std::vector<std::string> DefaultMaskedPaths() {
  return {"/proc/acpi",         "/proc/asound",       "/proc/interrupts", "/proc/kcore",
          "/proc/keys",         "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
          "/proc/sched_debug",  "/proc/scsi",         "/sys/firmware",    "/sys/devices/virtual/powercap"};
}

std::vector<std::string> DefaultReadonlyPaths() {
  return {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
}

}  // namespace snaprun::sandbox
