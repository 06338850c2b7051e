// ChildPlan: everything the child needs after clone(), computed in the parent from a
// validated Config. The child only reads it (c_str(), indexing): no allocation, no
// formatting, no lookups after clone. Paths inside the sandbox are kept relative to
// the new root ("proc", "workspace/logs") so they can be resolved with RESOLVE_IN_ROOT.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/capabilities.h"
#include "sandbox/init_privileges.h"
#include "sandbox/config.h"
#include "sandbox/device_nodes.h"
#include "sandbox/seccomp.h"

namespace snaprun::sandbox {

struct MountOp {
  MountType type = MountType::kBind;
  std::string source;   // kBind: host path; kOverlay: unused
  std::string target;   // relative to the new root, no leading '/'
  std::string fstype;   // "tmpfs", "proc", "overlay", …
  unsigned long flags = 0;           // first mount(2)
  unsigned long remount_flags = 0;   // bind remount (ro/nosuid/nodev/noexec); 0 = none
  std::string data;                  // fs options: "size=…,mode=…", overlay dirs
  // kOverlay: the tmpfs holding upper/ and work/ is mounted at the target first;
  // scratch_data are its options and host_target is rootfs+target (the overlay
  // options name the upper dir through it; the child checks it is that tmpfs).
  std::string scratch_data;
  std::string host_target;
  std::vector<std::string> overlay_lower;  // for the copy fallback, bottom layer first
  bool overlay_copy_fallback = false;
  bool copy_reversed = false;  // kOverlay: the reversed-order copy instead of an overlay
  // kBind: an idmapped clone of the source is attached; kOverlay: each lower is attached
  // idmapped at <target>/.lowerN in the scratch tmpfs, and the overlay stacks those.
  bool idmap = false;
};

// The command-only user namespace (UserNamespaceScope::kCommandOnly). The supervisor
// creates it before clone and the child inherits its fd; the child's own setup runs as
// host root. root_uid/root_gid are the host ids of uid/gid 0 inside: the owners of what
// setup creates for the command (the overlay's upper, the pty), and the shift the
// reversed copy applies to the owners it copies.
struct CommandUserNamespace {
  bool enabled = false;
  int fd = -1;  // set by the supervisor; in the child, moved next to the report socket
  uid_t root_uid = 0;
  gid_t root_gid = 0;
  uint32_t id_count = 0;  // how many ids from 0 inside map contiguously onto root_uid/gid
};

struct ChildPlan {
  std::string rootfs;
  bool rootfs_read_only = true;
  uint64_t clone_flags = 0;  // CLONE_NEW*
  bool new_user_ns = false;
  bool new_pid_ns = false;
  bool new_net_ns = false;
  bool new_uts_ns = false;

  // Parent half of the user namespace.
  std::string uid_map;  // "inside outside count\n" lines
  std::string gid_map;
  bool deny_setgroups = true;
  // The child calls setgroups(additional_gids) — which also clears groups inherited
  // from the caller — where the kernel lets it: root callers, and maps written by
  // newgidmap (which allows setgroups itself).
  bool set_groups = false;
  bool use_newuidmap = false;  // ranges beyond the caller's own id: needs the setuid helpers
  // Inside uid/gid 0 is mapped: the child switches to it after GO, so files it
  // creates during setup have a mapped owner even when the caller's id is not mapped.
  bool become_root_inside = false;
  CommandUserNamespace command_user_ns;

  std::vector<MountOp> mounts;  // after /proc and /dev, in config order
  bool mount_proc = true;
  bool wait_for_start = false;  // after setup, block until the supervisor's START
  std::vector<std::string> masked_paths;    // absolute, applied after pivot_root
  std::vector<std::string> readonly_paths;

  std::string hostname;
  std::string domainname;
  // linux.sysctl: paths relative to /proc/sys ("net/ipv4/ip_forward") and their values.
  std::vector<std::string> sysctl_paths;
  std::vector<std::string> sysctl_values;
  bool container_hooks = false;      // stop for createContainer/startContainer hooks
  bool no_pivot = false;             // MS_MOVE + chroot instead of pivot_root
  bool new_session_keyring = true;
  std::vector<DeviceOp> devices;     // linux.devices, added to /dev
  std::string time_offsets;                // timens_offsets text; empty: the host's clocks
  std::optional<cpu_set_t> cpu_affinity;   // unset: the caller's

  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;  // NULL-terminated, points into argv_storage
  std::vector<char*> envp;
  std::string search_path;  // PATH from the command's env, for a bare args[0]
  std::string cwd;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additional_gids;
  int umask = -1;  // -1: inherit
  std::vector<Rlimit> rlimits;
  std::vector<int> preserved_fds;  // become 3, 4, … in the command
  // process.terminal: init opens a pty in the container, hands its master to the
  // supervisor and makes the slave the command's controlling terminal and stdio.
  bool terminal = false;

  CapabilityPlan capabilities;
  bool no_new_privileges = true;
  std::optional<SeccompProgram> seccomp;
  InitPrivileges init_privileges;  // what pid 1 keeps once the command is forked

  // Human-readable: which limits are enforced and how ("RLIMIT_AS=… (rlimit)").
  std::vector<std::string> limits;

  ChildPlan() = default;
  ChildPlan(const ChildPlan&) = delete;  // argv/envp point into the storage
  ChildPlan& operator=(const ChildPlan&) = delete;
};

// Who runs the supervisor: decides the default id maps.
struct Caller {
  uid_t uid = 0;
  gid_t gid = 0;
  // The supervisor made a cgroup that enforces config.resources, so they need no
  // rlimit stand-ins (and no refusal where rlimits cannot bind).
  bool resources_in_cgroup = false;
};

// Pure: Config → plan (no syscalls besides reading cap_last_cap through PlanCapabilities).
Result<void> BuildPlan(const Config& config, const Caller& caller, ChildPlan& plan);

// Pure helpers, exposed for tests.
unsigned long MountFlags(const Mount& mount);        // first mount(2)
unsigned long BindRemountFlags(const Mount& mount);  // 0 when no remount is needed
std::string TmpfsData(uint64_t size_bytes, uint32_t mode);
std::string RlimitName(int resource);

}  // namespace snaprun::sandbox
