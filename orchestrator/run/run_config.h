// RunSpec + snapshot tree + resolved image + run dirs → sandbox::Config, as a pure
// function (no I/O): the whole "inside a sandbox" layout of DESIGN.md in one place.
// Invariants: nothing from the host environment or /home reaches the sandbox; the root,
// /snapshot and the image's host binds are read-only; only outputs/ and logs/ are rw.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "images/store.h"
#include "orchestrator/run/host_etc.h"
#include "orchestrator/run/variation.h"
#include "orchestrator/spec/run_spec.h"
#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::orchestrator {

// Defaults when the spec (and, later, the operator policy) says nothing.
inline constexpr uint64_t kDefaultScratchBytes = uint64_t{1} << 30;  // /workspace upper
inline constexpr uint64_t kDefaultTmpBytes = uint64_t{256} << 20;    // /tmp tmpfs
inline constexpr uint64_t kDefaultNofile = 1024;

// Host directories of one run (see run_dir.h).
struct RunDirs {
  std::string outputs;  // bound rw at /workspace/<spec.outputs>
  std::string logs;     // bound rw at /workspace/<spec.logs>
};

// Root's runs: uid/gid 0..65535 of the sandbox are host ids 0x70000000.. (above the
// range systemd-nspawn picks from, and far from useradd's /etc/subuid blocks, which
// start at 100000). The sandbox never holds host uid 0.
inline constexpr uint32_t kRootRunIdBase = 0x70000000;
inline constexpr uint32_t kRootRunIdCount = 65536;

struct RunConfigInput {
  std::string run_id;
  std::string snapshot_tree;  // MaterializeSnapshot's path
  images::ResolvedImage image;
  // The host image's rootfs: an empty skeleton with mount points and merged-usr links
  // (host_skeleton.h). Unused for stored images.
  std::string host_skeleton;
  HostEtc host_etc;  // the host image's /etc (host_etc.h); unused for stored images
  RunDirs dirs;
  std::optional<sandbox::SeccompProfile> seccomp;
  RunVariation variation;  // an ordinary run: the defaults
  // The caller is root: the command runs in a user namespace of its own mapped onto
  // kRootRunIdBase, and the snapshot and workspace are idmapped so its code is its own.
  bool root_caller = false;
};

// Notes on how each limit is enforced, recorded with the run.
struct RunConfig {
  sandbox::Config config;
  std::vector<std::string> notes;
};

// kPolicyDenied for datastores (they need an operator policy, not yet supported);
// kInvalidInput for a spec the runtime cannot honour.
Result<RunConfig> BuildRunConfig(const RunSpec& spec, const RunConfigInput& input);

// The sandbox's hostname: the variation's, else snaprun-<first 8 of the run id>.
std::string SandboxHostname(const RunConfigInput& input);

}  // namespace snaprun::orchestrator
