#include "orchestrator/run/run_config.h"

#include <sys/resource.h>

#include <algorithm>
#include <map>

namespace snaprun::orchestrator {
namespace {

using sandbox::Mount;
using sandbox::MountType;

// Root callers: the sandbox's ids live at kRootRunIdBase on the host. The snapshot and
// the workspace over it are idmapped (AddWorkspaceMounts), so the code's files are the
// sandbox root's to change in its scratch layer. The read-only root and the host's /usr
// and /etc entries are not (setup creates mount points in the root, which an idmapped
// mount refuses to host root): their files show as unmapped, nobody, to the command.
// outputs/ and logs/ are owned by the sandbox's root on the host (CreateRunDir), so
// what a run writes is never host root's.
void MapRootCallerIds(sandbox::Config& config) {
  sandbox::IdMapping range{0, kRootRunIdBase, kRootRunIdCount};
  config.uid_mappings = {range};
  config.gid_mappings = {range};
  config.user_namespace_scope = sandbox::UserNamespaceScope::kCommandOnly;
}

Mount Bind(std::string source, std::string destination, bool read_only) {
  Mount m;
  m.type = MountType::kBind;
  m.source = std::move(source);
  m.destination = std::move(destination);
  m.read_only = read_only;
  return m;
}

// The host image: the skeleton, the host's /usr (on a merged-usr system, Debian 12,
// /bin, /lib, /lib64 and /sbin are links into it, which the skeleton reproduces), and
// of /etc only the allow-listed entries and this run's stubs. The host's hosts table
// and resolver configuration come in only with the host's network.
void AddImageMounts(const RunSpec& spec, const RunConfigInput& input, sandbox::Config& config) {
  if (!input.image.host) {
    config.rootfs = input.image.rootfs;
    return;
  }
  config.rootfs = input.host_skeleton;
  config.mounts.push_back(Bind("/usr", "/usr", true));
  bool host_network = spec.network == NetworkMode::kHost;
  for (const std::string& entry : input.host_etc.entries) {
    if ((entry == "hosts" || entry == "resolv.conf") && !host_network) continue;
    config.mounts.push_back(Bind("/etc/" + entry, "/etc/" + entry, true));
  }
  for (const char* stub : {"passwd", "group", "hosts"}) {
    if (std::string(stub) == "hosts" && host_network) continue;
    config.mounts.push_back(
        Bind(input.host_etc.stubs_dir + "/" + stub, std::string("/etc/") + stub, true));
  }
}

// /workspace is the snapshot with a writable layer that dies with the sandbox; the
// runtime copies the snapshot to the tmpfs where the kernel refuses the overlay.
void AddWorkspaceMounts(const RunSpec& spec, const RunConfigInput& input,
                        sandbox::Config& config) {
  const std::string& at = input.variation.workspace;
  Mount snapshot = Bind(input.snapshot_tree, "/snapshot", true);
  snapshot.idmap = input.root_caller;  // MapRootCallerIds
  config.mounts.push_back(snapshot);
  Mount workspace;
  workspace.type = MountType::kOverlay;
  workspace.idmap = input.root_caller;
  workspace.destination = at;
  workspace.overlay_lower = {input.snapshot_tree};
  workspace.size_bytes = spec.resources.scratch_bytes.value_or(kDefaultScratchBytes);
  workspace.overlay_fallback = sandbox::OverlayFallback::kCopyToTmpfs;
  workspace.reverse_entry_order = input.variation.reverse_dir_order;
  config.mounts.push_back(workspace);
  // After the overlay: these binds land on top of it, so writes reach the host.
  config.mounts.push_back(Bind(input.dirs.outputs, at + "/" + spec.outputs, false));
  config.mounts.push_back(Bind(input.dirs.logs, at + "/" + spec.logs, false));
  Mount tmp;
  tmp.type = MountType::kTmpfs;
  tmp.destination = "/tmp";
  tmp.size_bytes = spec.resources.tmp_bytes.value_or(kDefaultTmpBytes);
  tmp.mode = 01777;
  config.mounts.push_back(tmp);
}

std::vector<std::string> BuildEnvironment(const RunSpec& spec, const RunConfigInput& input) {
  std::map<std::string, std::string> env = {
      {"HOME", "/tmp"},
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"LANG", "C.UTF-8"},
  };
  for (const std::string& entry : input.image.config.env) {
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  // A variation never overrides what the spec pins (variation.h).
  for (const auto& [key, value] : input.variation.env) {
    if (spec.env.count(key) == 0) env[key] = value;
  }
  for (const auto& [key, value] : spec.env) env[key] = value;
  // Last, so a spec cannot make a run lie about its own identity or directories.
  const RunVariation& variation = input.variation;
  env["SNAPRUN_RUN_ID"] =
      variation.visible_run_id.empty() ? input.run_id : variation.visible_run_id;
  env["SNAPRUN_OUTPUTS"] = variation.workspace + "/" + spec.outputs;
  env["SNAPRUN_LOGS"] = variation.workspace + "/" + spec.logs;
  std::vector<std::string> out;
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  if (variation.reverse_env) std::reverse(out.begin(), out.end());
  return out;
}

// Memory and pids go to Resources (the runtime enforces them by cgroup where it can,
// else RLIMIT_AS / RLIMIT_NPROC, and says which); nofile is an rlimit. CPUs are not
// passed as cpu.max: the runtime refuses that without a writable cgroup (rootless here),
// so CPU time is capped at cpus × timeout instead, and the record says so.
void AddLimits(const RunSpec& spec, sandbox::Config& config, std::vector<std::string>& notes) {
  const ResourceRequest& r = spec.resources;
  uint64_t nofile = r.nofile.value_or(kDefaultNofile);
  config.process.rlimits.push_back({RLIMIT_NOFILE, nofile, nofile});
  if (r.memory_bytes) config.resources.memory_max_bytes = *r.memory_bytes;
  // The runtime puts memory and pids in a cgroup where the caller may write one; for a
  // root caller without one it refuses pids (RLIMIT_NPROC does not bind host root).
  if (r.pids) config.resources.pids_max = static_cast<int64_t>(*r.pids);
  config.timeout = r.timeout;
  if (!r.cpus) return;
  if (!r.timeout) {
    notes.push_back("cpus: not enforced (no cgroup cpu.max and no timeout to bound CPU time)");
    return;
  }
  auto seconds = static_cast<uint64_t>(*r.cpus * static_cast<double>(r.timeout->count()) / 1000.0);
  seconds = std::max<uint64_t>(seconds, 1);
  config.process.rlimits.push_back({RLIMIT_CPU, seconds, seconds + 1});
  notes.push_back("cpus: RLIMIT_CPU=" + std::to_string(seconds) + "s (cpus x timeout)");
}

}  // namespace

std::string SandboxHostname(const RunConfigInput& input) {
  const RunVariation& variation = input.variation;
  return variation.hostname.empty() ? "snaprun-" + input.run_id.substr(0, 8) : variation.hostname;
}

Result<RunConfig> BuildRunConfig(const RunSpec& spec, const RunConfigInput& input) {
  if (!spec.datastores.empty()) {
    return Error(ErrorCode::kPolicyDenied,
                 "datastore '" + spec.datastores.front().name +
                     "' needs an operator policy granting it (/etc/snaprun/policy.yaml), and "
                     "policies are not supported by this build yet");
  }
  if (spec.command.empty()) return Error(ErrorCode::kInvalidInput, "the spec has no command");
  RunConfig out;
  sandbox::Config& config = out.config;
  config.rootfs_read_only = true;
  AddImageMounts(spec, input, config);
  AddWorkspaceMounts(spec, input, config);
  config.process.args = spec.command;
  config.process.env = BuildEnvironment(spec, input);
  const RunVariation& variation = input.variation;
  config.process.cwd = variation.workspace;
  config.hostname = SandboxHostname(input);
  config.process.umask = variation.umask;
  config.cpu_affinity = variation.cpus;
  config.time_offsets = variation.clock;
  config.network = spec.network == NetworkMode::kHost ? sandbox::Network::kHost
                                                      : sandbox::Network::kNone;
  config.seccomp = input.seccomp;
  config.masked_paths = sandbox::DefaultMaskedPaths();
  config.readonly_paths = sandbox::DefaultReadonlyPaths();
  AddLimits(spec, config, out.notes);
  if (input.root_caller) MapRootCallerIds(config);
  if (auto valid = config.Validate(); !valid) {
    return std::move(valid).error().Wrap("building the sandbox for " + spec.spec_path);
  }
  return out;
}

}  // namespace snaprun::orchestrator
