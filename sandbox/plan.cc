#include "sandbox/plan.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <algorithm>

#include "sandbox/clocks_and_cpus.h"
#include "sandbox/idmapped_mounts.h"
#include "sandbox/sysctl.h"
#include "sandbox/userns.h"

namespace snaprun::sandbox {
namespace {

std::string Relative(const std::string& absolute) {
  size_t start = absolute.find_first_not_of('/');
  return start == std::string::npos ? std::string() : absolute.substr(start);
}

const char* FsType(MountType type) {
  switch (type) {
    case MountType::kBind: return "";
    case MountType::kTmpfs: return "tmpfs";
    case MountType::kOverlay: return "overlay";
    case MountType::kProc: return "proc";
    case MountType::kDevpts: return "devpts";
    case MountType::kMqueue: return "mqueue";
    case MountType::kSysfs: return "sysfs";
    case MountType::kCgroup: return "cgroup2";
  }
  return "";
}

MountOp PlanOverlay(const Mount& mount, const std::string& rootfs, MountOp op) {
  op.host_target = rootfs + mount.destination;
  op.scratch_data = TmpfsData(mount.size_bytes, 0755);
  std::string lower;
  for (size_t i = 0; i < mount.overlay_lower.size(); ++i) {
    // Idmapped lowers are attached inside the scratch tmpfs first (MountOverlay).
    char name[32];
    IdmappedLowerName(i, name, sizeof name);
    std::string dir = mount.idmap ? op.host_target + "/" + name : mount.overlay_lower[i];
    lower += (lower.empty() ? "" : ":") + dir;
  }
  op.data = "lowerdir=" + lower + ",upperdir=" + op.host_target + "/upper,workdir=" +
            op.host_target + "/work";
  // Copy order is bottom layer first so upper layers overwrite.
  op.overlay_lower.assign(mount.overlay_lower.rbegin(), mount.overlay_lower.rend());
  // Host root mounts an idmapped overlay: a refusal is an error, not a rootless quirk.
  op.overlay_copy_fallback =
      mount.overlay_fallback == OverlayFallback::kCopyToTmpfs && !mount.idmap;
  op.copy_reversed = mount.reverse_entry_order;
  return op;
}

void PlanMounts(const Config& config, ChildPlan& plan) {
  for (const auto& mount : config.mounts) {
    MountOp op;
    op.type = mount.type;
    op.source = mount.source;
    op.target = Relative(mount.destination);
    op.fstype = FsType(mount.type);
    op.flags = MountFlags(mount);
    op.remount_flags = BindRemountFlags(mount);
    op.idmap = mount.idmap;
    if (mount.type == MountType::kTmpfs) op.data = TmpfsData(mount.size_bytes, mount.mode);
    if (mount.type == MountType::kDevpts) op.data = "newinstance,ptmxmode=0666,mode=0620";
    if (mount.type == MountType::kOverlay) op = PlanOverlay(mount, config.rootfs, std::move(op));
    plan.mounts.push_back(std::move(op));
  }
}

void PlanCommand(const Config& config, ChildPlan& plan) {
  plan.argv_storage = config.process.args;
  plan.env_storage = config.process.env;
  for (auto& arg : plan.argv_storage) plan.argv.push_back(arg.data());
  plan.argv.push_back(nullptr);
  plan.search_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (auto& env : plan.env_storage) {
    plan.envp.push_back(env.data());
    if (env.rfind("PATH=", 0) == 0) plan.search_path = env.substr(5);
  }
  plan.envp.push_back(nullptr);
  plan.cwd = config.process.cwd;
  plan.uid = config.process.uid;
  plan.gid = config.process.gid;
  plan.additional_gids = config.process.additional_gids;
  plan.umask = config.process.umask ? static_cast<int>(*config.process.umask) : -1;
  plan.preserved_fds = config.preserved_fds;
  plan.terminal = config.process.terminal;
  plan.no_new_privileges = config.process.no_new_privileges;
}

bool HasRlimit(const std::vector<Rlimit>& limits, int resource) {
  for (const auto& l : limits) {
    if (l.resource == resource) return true;
  }
  return false;
}

// With a cgroup the supervisor enforces config.resources there. Without one, memory
// and pids fall back to rlimits, which are per process (RLIMIT_AS) or per user
// (RLIMIT_NPROC): weaker, and said so in the result.
Result<void> PlanLimits(const Config& config, const Caller& caller, ChildPlan& plan) {
  const Resources& r = config.resources;
  plan.rlimits = config.process.rlimits;
  if (caller.resources_in_cgroup) {
    for (const auto& l : plan.rlimits) {
      plan.limits.push_back(RlimitName(l.resource) + "=" + std::to_string(l.soft) + "/" +
                            std::to_string(l.hard) + " (rlimit)");
    }
    if (config.timeout) {
      plan.limits.push_back("wall=" + std::to_string(config.timeout->count()) + "ms (supervisor)");
    }
    return Ok();
  }
  if (r.cpu_quota_us || r.cpu_period_us || r.cpu_shares || !r.cpuset_cpus.empty() ||
      r.memory_swap_max_bytes || r.memory_low_bytes) {
    return Error(ErrorCode::kUnsupported,
                 "linux.resources: cpu, cpuset, swap and memory reservation limits need a "
                 "cgroup this user may write (see `snaprun-sandbox check`)");
  }
  for (const auto& l : plan.rlimits) {
    plan.limits.push_back(RlimitName(l.resource) + "=" + std::to_string(l.soft) + "/" +
                          std::to_string(l.hard) + " (rlimit)");
  }
  if (r.memory_max_bytes && !HasRlimit(plan.rlimits, RLIMIT_AS)) {
    plan.rlimits.push_back({RLIMIT_AS, *r.memory_max_bytes, *r.memory_max_bytes});
    plan.limits.push_back("memory.max=" + std::to_string(*r.memory_max_bytes) +
                          " (rlimit RLIMIT_AS per process: no cgroup)");
  }
  if (r.pids_max && *r.pids_max > 0 && !HasRlimit(plan.rlimits, RLIMIT_NPROC)) {
    auto n = static_cast<uint64_t>(*r.pids_max);
    plan.rlimits.push_back({RLIMIT_NPROC, n, n});
    plan.limits.push_back("pids.max=" + std::to_string(n) +
                          " (rlimit RLIMIT_NPROC per user: no cgroup)");
  }
  if (config.timeout) {
    plan.limits.push_back("wall=" + std::to_string(config.timeout->count()) + "ms (supervisor)");
  }
  return Ok();
}

void PlanNamespaces(const Config& config, const Caller& caller, ChildPlan& plan) {
  const NamespaceSet& ns = config.namespaces;
  plan.new_user_ns = ns.user;
  plan.new_pid_ns = ns.pid;
  plan.new_uts_ns = ns.uts;
  plan.new_net_ns = config.network == Network::kNone;
  plan.clone_flags = (ns.user ? CLONE_NEWUSER : 0) | (ns.mount ? CLONE_NEWNS : 0) |
                     (ns.pid ? CLONE_NEWPID : 0) | (ns.uts ? CLONE_NEWUTS : 0) |
                     (ns.ipc ? CLONE_NEWIPC : 0) | (ns.cgroup ? CLONE_NEWCGROUP : 0) |
                     (plan.new_net_ns ? CLONE_NEWNET : 0);
  plan.set_groups = caller.uid == 0;
  if (!ns.user) return;
  auto uids = DefaultUidMappings(config, caller.uid);
  auto gids = DefaultGidMappings(config, caller.gid);
  plan.uid_map = IdMapText(uids);
  plan.gid_map = IdMapText(gids);
  if (config.user_namespace_scope == UserNamespaceScope::kCommandOnly) {
    // Host root writes these maps itself (setgroups stays "allow") into a namespace
    // made before clone; the clone creates every other namespace, owned by the host.
    plan.new_user_ns = false;
    plan.clone_flags &= ~static_cast<uint64_t>(CLONE_NEWUSER);
    plan.command_user_ns.enabled = true;
    plan.command_user_ns.root_uid = uids.front().outside;
    plan.command_user_ns.root_gid = gids.front().outside;
    plan.command_user_ns.id_count = std::min(uids.front().count, gids.front().count);
    plan.deny_setgroups = false;  // the command sets its groups (root caller)
    return;
  }
  auto maps_zero = [](const std::vector<IdMapping>& maps) {
    for (const auto& m : maps) {
      if (m.inside == 0) return true;
    }
    return false;
  };
  plan.become_root_inside = maps_zero(uids) && maps_zero(gids);
  plan.use_newuidmap = NeedsIdMapHelper(uids, caller.uid) || NeedsIdMapHelper(gids, caller.gid);
  // setgroups stays allowed only where it can be useful and safe: root, or the
  // helpers (which decide themselves); rootless direct maps require "deny".
  plan.set_groups = caller.uid == 0 || plan.use_newuidmap;
  plan.deny_setgroups = !plan.set_groups;
}

// The command-only namespace is host root's tool: its maps must start at 0 inside (the
// owners idmapped mounts and setup use) and cover the command's own ids.
Result<void> CheckCommandUserNamespace(const Config& config, const Caller& caller,
                                       const ChildPlan& plan) {
  const CommandUserNamespace& ns = plan.command_user_ns;
  if (!ns.enabled) return Ok();
  if (caller.uid != 0) {
    return Error(ErrorCode::kUnsupported, "a command-only user namespace needs a root caller");
  }
  if (config.uid_mappings.front().inside != 0 || config.gid_mappings.front().inside != 0) {
    return Error(ErrorCode::kInvalidInput,
                 "a command-only user namespace's first mapping must start at 0 inside");
  }
  if (config.process.uid >= ns.id_count || config.process.gid >= ns.id_count) {
    return Error(ErrorCode::kInvalidInput,
                 "process.user: the command's ids must fall in the first mapping");
  }
  return Ok();
}

// Supplementary groups are set exactly as configured or the sandbox is refused: dropped
// groups would run the command with other access than its config says.
Result<void> CheckAdditionalGids(const Config& config, const Caller& caller,
                                 const ChildPlan& plan) {
  const auto& gids = config.process.additional_gids;
  if (gids.empty()) return Ok();
  if (!plan.set_groups) {
    return Error(ErrorCode::kUnsupported,
                 "process.user.additionalGids: a rootless sandbox with a single-id gid map "
                 "cannot set supplementary groups; give linux.gidMappings that cover them "
                 "(written by newgidmap from /etc/subgid ranges)");
  }
  if (!config.namespaces.user) return Ok();
  auto maps = DefaultGidMappings(config, caller.gid);
  for (uint32_t gid : gids) {
    bool mapped = false;
    for (const auto& m : maps) mapped = mapped || (gid >= m.inside && gid - m.inside < m.count);
    if (!mapped) {
      return Error(ErrorCode::kInvalidInput, "process.user.additionalGids: gid " +
                                                 std::to_string(gid) +
                                                 " is not in linux.gidMappings");
    }
  }
  return Ok();
}

// The host uid the command will run as: process.uid through the uid map.
std::optional<uint32_t> CommandHostUid(const Config& config, const Caller& caller) {
  if (!config.namespaces.user) return config.process.uid;
  for (const auto& m : DefaultUidMappings(config, caller.uid)) {
    if (config.process.uid >= m.inside && config.process.uid - m.inside < m.count) {
      return m.outside + (config.process.uid - m.inside);
    }
  }
  return std::nullopt;
}

// RLIMIT_NPROC does not bind host root (the kernel exempts it): refuse rather than
// promise a pids limit nothing enforces.
Result<void> CheckPidsLimitEnforceable(const Config& config, const Caller& caller) {
  if (caller.resources_in_cgroup) return Ok();
  if (!config.resources.pids_max || CommandHostUid(config, caller) != 0u) return Ok();
  return Error(ErrorCode::kUnsupported,
               "linux.resources.pids.limit: the command would run as host root, which "
               "RLIMIT_NPROC does not bind; it needs a writable pids cgroup or "
               "uidMappings onto an unprivileged host uid");
}

}  // namespace

unsigned long MountFlags(const Mount& mount) {
  unsigned long flags = 0;
  if (mount.type == MountType::kBind) {
    return MS_BIND | (mount.recursive ? MS_REC : 0);
  }
  if (mount.nosuid) flags |= MS_NOSUID;
  if (mount.nodev) flags |= MS_NODEV;
  if (mount.noexec) flags |= MS_NOEXEC;
  if (mount.read_only) flags |= MS_RDONLY;
  return flags;
}

// A bind mount ignores every flag but MS_BIND|MS_REC on creation: ro, nosuid, nodev
// and noexec only take effect through a second, remount call.
unsigned long BindRemountFlags(const Mount& mount) {
  if (mount.type != MountType::kBind) return 0;
  unsigned long flags = MS_REMOUNT | MS_BIND;
  if (mount.read_only) flags |= MS_RDONLY;
  if (mount.nosuid) flags |= MS_NOSUID;
  if (mount.nodev) flags |= MS_NODEV;
  if (mount.noexec) flags |= MS_NOEXEC;
  return flags == (MS_REMOUNT | MS_BIND) ? 0 : flags;
}

std::string TmpfsData(uint64_t size_bytes, uint32_t mode) {
  char octal[16];
  snprintf(octal, sizeof octal, "%o", mode & 07777);
  std::string data = std::string("mode=") + octal;
  if (size_bytes > 0) data += ",size=" + std::to_string(size_bytes);
  return data;
}

std::string RlimitName(int resource) {
  switch (resource) {
    case RLIMIT_AS: return "RLIMIT_AS";
    case RLIMIT_CORE: return "RLIMIT_CORE";
    case RLIMIT_CPU: return "RLIMIT_CPU";
    case RLIMIT_DATA: return "RLIMIT_DATA";
    case RLIMIT_FSIZE: return "RLIMIT_FSIZE";
    case RLIMIT_LOCKS: return "RLIMIT_LOCKS";
    case RLIMIT_MEMLOCK: return "RLIMIT_MEMLOCK";
    case RLIMIT_MSGQUEUE: return "RLIMIT_MSGQUEUE";
    case RLIMIT_NICE: return "RLIMIT_NICE";
    case RLIMIT_NOFILE: return "RLIMIT_NOFILE";
    case RLIMIT_NPROC: return "RLIMIT_NPROC";
    case RLIMIT_RSS: return "RLIMIT_RSS";
    case RLIMIT_RTPRIO: return "RLIMIT_RTPRIO";
    case RLIMIT_RTTIME: return "RLIMIT_RTTIME";
    case RLIMIT_SIGPENDING: return "RLIMIT_SIGPENDING";
    case RLIMIT_STACK: return "RLIMIT_STACK";
    default: return "RLIMIT_" + std::to_string(resource);
  }
}

Result<void> BuildPlan(const Config& config, const Caller& caller, ChildPlan& plan) {
  SNAPRUN_TRY(config.Validate());
  plan.rootfs = config.rootfs;
  while (plan.rootfs.size() > 1 && plan.rootfs.back() == '/') plan.rootfs.pop_back();
  plan.rootfs_read_only = config.rootfs_read_only;
  PlanNamespaces(config, caller, plan);
  SNAPRUN_TRY(CheckCommandUserNamespace(config, caller, plan));
  plan.mount_proc = config.namespaces.pid;
  PlanMounts(config, plan);
  plan.masked_paths = config.masked_paths;
  plan.readonly_paths = config.readonly_paths;
  plan.hostname = config.hostname;
  for (const auto& sysctl : config.sysctls) {
    plan.sysctl_paths.push_back(SysctlRelativePath(sysctl.key));
    plan.sysctl_values.push_back(sysctl.value);
  }
  plan.container_hooks =
      !config.hooks.create_container.empty() || !config.hooks.start_container.empty();
  plan.no_pivot = config.no_pivot;
  plan.new_session_keyring = config.new_session_keyring;
  plan.devices = SNAPRUN_TRY(PlanDevices(config, config.namespaces.user));
  plan.domainname = config.domainname;
  if (config.time_offsets) plan.time_offsets = TimeOffsetsText(*config.time_offsets);
  if (!config.cpu_affinity.empty()) plan.cpu_affinity = CpuSetOf(config.cpu_affinity);
  PlanCommand(config, plan);
  SNAPRUN_TRY(CheckAdditionalGids(config, caller, plan));
  SNAPRUN_TRY(CheckPidsLimitEnforceable(config, caller));
  SNAPRUN_TRY(PlanLimits(config, caller, plan));
  plan.capabilities = SNAPRUN_TRY_CTX(PlanCapabilities(config.process.capabilities),
                                      "process.capabilities");
  if (config.seccomp) {
    plan.seccomp = SNAPRUN_TRY_CTX(CompileSeccomp(*config.seccomp), "linux.seccomp");
  }
  plan.init_privileges = SNAPRUN_TRY_CTX(PlanInitPrivileges(), "init's filter");
  return Ok();
}

}  // namespace snaprun::sandbox
