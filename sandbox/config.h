// sandbox::Config: everything the runtime needs to start one sandboxed process,
// as plain data. It knows nothing of specs, snapshots or history. Validate()
// rejects configs the runtime cannot honour; it never fixes them up silently.
// Defaults are the safe choice: every namespace on, no network, no capabilities,
// no_new_privileges, read-only root.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sandbox/base/error.h"

namespace snaprun::sandbox {

// Which namespaces to create. Network is chosen separately (Network::kHost
// means "no net namespace") because sharing the host network is the dangerous
// choice and is spelled out.
struct NamespaceSet {
  bool user = true;
  bool mount = true;
  bool pid = true;
  bool uts = true;
  bool ipc = true;
  bool cgroup = true;
};

enum class Network {
  kNone,  // own network namespace with only loopback, brought up
  kHost,  // the host's network namespace (no isolation)
  kJoined,  // an existing one, named by linux.namespaces[].path (joined_namespaces.h)
};

// An existing namespace the sandbox enters instead of creating one of that kind.
struct JoinedNamespace {
  int clone_flag = 0;  // CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS or CLONE_NEWCGROUP
  std::string path;    // e.g. /var/run/netns/NAME or /proc/PID/ns/net
};

// One line of /proc/PID/{uid,gid}_map.
struct IdMapping {
  uint32_t inside = 0;
  uint32_t outside = 0;
  uint32_t count = 1;
};

enum class MountType {
  kBind,     // source: host path (file or directory)
  kTmpfs,    // size_bytes and mode apply
  kOverlay,  // lower: overlay_lower (read-only); upper+work on a tmpfs of size_bytes
  kProc,     // a fresh proc of the sandbox's pid namespace
  kDevpts,   // newinstance, ptmxmode=0666
  kMqueue,
  kSysfs,    // read-only sysfs (only meaningful with a net namespace)
  kCgroup,   // cgroup2 as the sandbox's cgroup namespace sees it (OCI "cgroup")
};

// What to do when the kernel refuses a rootless overlay mount.
enum class OverlayFallback {
  kFail,          // report the error
  kCopyToTmpfs,   // copy the lower tree into a tmpfs of size_bytes (recorded in the result)
};

struct Mount {
  MountType type = MountType::kBind;
  std::string source;       // kBind: host path
  std::string destination;  // absolute path inside the sandbox
  bool read_only = false;
  bool nosuid = true;
  bool nodev = true;
  bool noexec = false;
  bool recursive = true;    // kBind: rbind
  uint64_t size_bytes = 0;  // kTmpfs / kOverlay upper: 0 = kernel default
  uint32_t mode = 0755;     // kTmpfs root mode
  std::vector<std::string> overlay_lower;  // kOverlay: host paths, topmost first
  OverlayFallback overlay_fallback = OverlayFallback::kCopyToTmpfs;
  // kOverlay: mount no overlay; copy the lowers into the scratch tmpfs so that every
  // directory lists its entries in the reverse of the lower's order (a reproducibility
  // variation: code that depends on readdir order shows it). Costs a copy in memory.
  bool reverse_entry_order = false;
  // kBind, and kOverlay's lowers: file owners shown through the user namespace's maps
  // (an idmapped mount), so host uid 0's files are the sandbox's root's. Needs
  // UserNamespaceScope::kCommandOnly.
  bool idmap = false;
  // OCI mounts may name options this struct has no field for; the adapter
  // refuses unknown ones rather than dropping them.
};

// setrlimit(2) resource with soft and hard values (RLIM_INFINITY allowed).
struct Rlimit {
  int resource = 0;  // RLIMIT_*
  uint64_t soft = 0;
  uint64_t hard = 0;
};

// Capability numbers (CAP_*), one list per set as in the OCI process.capabilities.
// All empty by default: the command runs with no capability at all.
struct CapabilitySets {
  std::vector<int> bounding;
  std::vector<int> effective;
  std::vector<int> permitted;
  std::vector<int> inheritable;
  std::vector<int> ambient;
};

// OCI linux.seccomp, already parsed (see seccomp_profile.h for the JSON adapter).
struct SeccompArg {
  unsigned index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  std::string op;  // SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ, …
};
struct SeccompRule {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS, …
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;
};
struct SeccompProfile {
  std::string default_action = "SCMP_ACT_ALLOW";
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;  // SCMP_ARCH_*; the native one is always added
  std::vector<std::string> flags;          // SECCOMP_FILTER_FLAG_*
  std::vector<SeccompRule> syscalls;
};

// Resource limits enforced through cgroups where the caller may write one,
// otherwise through rlimits (the result says which).
struct Resources {
  std::optional<uint64_t> memory_max_bytes;
  std::optional<uint64_t> memory_swap_max_bytes;
  // OCI memory.reservation: a soft floor the kernel protects under pressure (v2
  // memory.low, v1 memory.soft_limit_in_bytes); only a cgroup can hold it.
  std::optional<uint64_t> memory_low_bytes;
  std::optional<int64_t> pids_max;
  std::optional<uint64_t> cpu_quota_us;
  std::optional<uint64_t> cpu_period_us;
  std::optional<uint64_t> cpu_shares;
  std::string cpuset_cpus;
};

struct Process {
  std::vector<std::string> args;  // args[0] is resolved with PATH from env inside
  std::vector<std::string> env;   // exactly the environment the command sees
  std::string cwd = "/";
  uint32_t uid = 0;  // inside the user namespace
  uint32_t gid = 0;
  std::vector<uint32_t> additional_gids;
  CapabilitySets capabilities;
  bool no_new_privileges = true;
  std::optional<mode_t> umask;
  std::vector<Rlimit> rlimits;
  bool terminal = false;
};

// Where the command's stdio goes. An fd of -1 means /dev/null; paths are
// opened by the supervisor (O_CLOEXEC, then dup2 in the child).
struct Stdio {
  int stdin_fd = -1;
  int stdout_fd = 1;
  int stderr_fd = 2;
};

// Offsets of the sandbox's CLOCK_MONOTONIC and CLOCK_BOOTTIME from the host's, applied
// through a time namespace (OCI linux.timeOffsets). CLOCK_REALTIME cannot be offset.
struct TimeOffsets {
  int64_t monotonic_seconds = 0;
  int64_t boottime_seconds = 0;
};

// One OCI hook: run on the host side (or joined to the container's namespaces, by
// kind) with the container's state JSON on stdin and exactly ENV as environment.
struct Hook {
  std::string path;               // absolute
  std::vector<std::string> args;  // argv, args[0] included; empty: {path}
  std::vector<std::string> env;
  std::optional<int> timeout_seconds;  // > 0; unset: no limit
};

// OCI "hooks", by the lifecycle point they run at (see hooks.h).
struct Hooks {
  std::vector<Hook> prestart;  // deprecated; runs just before create_runtime
  std::vector<Hook> create_runtime;
  std::vector<Hook> create_container;
  std::vector<Hook> start_container;
  std::vector<Hook> poststart;
  std::vector<Hook> poststop;
};

// One OCI linux.sysctl entry, already checked to be namespaced and traversal-free.
struct Sysctl {
  std::string key;  // "net.ipv4.ip_forward"
  std::string value;
};

// OCI linux.devices: a node to add to the sandbox's /dev. mknod where the kernel allows
// it (root without a user namespace); otherwise the host's node at the same path is
// bind-mounted, and must then be the same device.
struct DeviceNode {
  std::string path;  // "/dev/fuse": below /dev
  char type = 'c';   // 'c' or 'b' (and 'u' = 'c'); 'p' a FIFO
  uint32_t major = 0;
  uint32_t minor = 0;
  uint32_t file_mode = 0666;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
};

// One OCI linux.resources.devices rule (type 'a' all, 'c', 'b'; nullopt: any number).
struct DeviceRule {
  bool allow = false;
  char type = 'a';
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::string access = "rwm";
};

// Where the user namespace (namespaces.user, with uid_mappings/gid_mappings) sits.
// kSandbox (OCI): the sandbox's other namespaces are created inside it, init included.
// kCommandOnly, for root callers: host root assembles the sandbox in namespaces the
// host's root owns, and only the command enters the user namespace, just before it
// takes its ids. Its capabilities there then reach no namespace it lives in, and no
// host path needs to be reachable by the mapped ids (SNAPRUN_HOME stays 0700).
enum class UserNamespaceScope { kSandbox, kCommandOnly };

struct Config {
  std::string rootfs;  // host path to the root filesystem
  bool rootfs_read_only = true;
  Process process;
  std::string hostname = "sandbox";
  std::string domainname;
  NamespaceSet namespaces;
  Network network = Network::kNone;
  std::vector<JoinedNamespace> joined_namespaces;
  // Empty: map the caller's uid/gid to process.uid/gid (rootless single-id map).
  std::vector<IdMapping> uid_mappings;
  std::vector<IdMapping> gid_mappings;
  UserNamespaceScope user_namespace_scope = UserNamespaceScope::kSandbox;
  std::vector<Mount> mounts;  // applied in order, after the root is assembled
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::optional<SeccompProfile> seccomp;
  Resources resources;
  Stdio stdio;
  // Set: the command runs in a time namespace of its own with these clock offsets.
  std::optional<TimeOffsets> time_offsets;
  // The CPUs the command may run on (sched_setaffinity, what nproc counts); empty: the
  // caller's. A CPU outside the caller's own set is refused when the sandbox starts.
  std::vector<unsigned> cpu_affinity;
  std::optional<std::chrono::milliseconds> timeout;  // wall clock
  std::chrono::milliseconds kill_grace{2000};        // SIGTERM → SIGKILL
  // Extra host fds passed through as 3, 4, … (OCI --preserve-fds); all others are closed.
  std::vector<int> preserved_fds;
  Hooks hooks;
  std::vector<Sysctl> sysctls;  // written through the sandbox's /proc/sys after its mounts
  std::vector<DeviceNode> devices;       // added to /dev after the default nodes
  std::vector<DeviceRule> device_rules;  // checked: allow only what /dev holds
  // OCI annotations (informational; handed to hooks in the state JSON).
  std::vector<std::pair<std::string, std::string>> annotations;
  // MS_MOVE + chroot instead of pivot_root (runc --no-pivot: roots on ramfs).
  bool no_pivot = false;
  // Join a fresh anonymous session keyring (runc's default; --no-new-keyring clears it).
  bool new_session_keyring = true;

  Result<void> Validate() const;
};

// The paths every sandbox masks and makes read-only unless the config says otherwise.
std::vector<std::string> DefaultMaskedPaths();
std::vector<std::string> DefaultReadonlyPaths();

}  // namespace snaprun::sandbox
