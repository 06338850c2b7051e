// RunSpec: the resolved contents of a run.yaml, as plain data. Every field below
// has passed validation (types, units, ranges, names); an unset optional resource
// means "no request: the operator policy's default applies". Paths are absolute.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace snaprun::orchestrator {

enum class NetworkMode {
  kNone,  // default: a fresh network namespace with loopback only
  kHost,  // the host's network namespace (policy may forbid it)
};

// Which shipped seccomp profile the command runs under (policies/seccomp/).
enum class SeccompChoice {
  kDefault,  // an allow-list of what programs use; anything else gets EPERM
  kStrict,   // a shorter allow-list for interpreters and numeric code; others get ENOSYS
};

enum class DatastoreMode { kReadOnly, kReadWrite };

// A host data directory granted by the operator policy, mounted inside the sandbox.
struct DatastoreRequest {
  std::string name;                               // policy datastore name, [A-Za-z0-9._-] ≤ 64
  std::string path;                               // mount path inside; default /data/NAME
  DatastoreMode mode = DatastoreMode::kReadOnly;  // `ro` (default) or `rw`
};

// Resource requests; each is bounded (see the k*Max constants) and > 0.
struct ResourceRequest {
  std::optional<double> cpus;                        // CPUs (fractions allowed): cgroup cpu.max
  std::optional<uint64_t> memory_bytes;              // memory.max; sizes accept units (units.h)
  std::optional<uint64_t> pids;                      // pids.max
  std::optional<uint64_t> scratch_bytes;             // size of /workspace's writable layer
  std::optional<uint64_t> tmp_bytes;                 // size of the /tmp tmpfs
  std::optional<std::chrono::milliseconds> timeout;  // wall time, then `timed_out`
  std::optional<uint64_t> nofile;                    // RLIMIT_NOFILE
  // Disk the run may fill while it runs (write_budget.h): outputs/, and logs/ with
  // console.log. Unset: kDefaultOutputsBytes, kDefaultLogsBytes.
  std::optional<uint64_t> outputs_bytes;
  std::optional<uint64_t> logs_bytes;
};

// Snapshot limits; unset means SNAPSHOT_MAX_SIZE_BYTES or 300 MB, and 2000 files.
struct SnapshotLimits {
  std::optional<uint64_t> max_size_bytes;
  std::optional<uint64_t> max_files;
};

struct RunSpec {
  std::string spec_path;  // absolute path of run.yaml (or a label for in-memory specs)
  // Required. [A-Za-z0-9._-], first character alphanumeric, at most 128 characters.
  std::string name;
  // Absolute, lexically normalized. Written relative to the spec's directory
  // (default "."); without allow_outside_code it must be relative and contain no
  // ".." segment, so a checked-in spec never snapshots anything above itself.
  std::string code_dir;
  bool allow_outside_code = false;
  // Required. A YAML list is the argv as written; a string S becomes
  // {"/bin/sh", "-c", S} and command_is_shell is set.
  std::vector<std::string> command;
  bool command_is_shell = false;
  // "host" (default), a name[:tag], "sha256:<64 hex>" or "name@sha256:<64 hex>".
  std::string image = "host";
  // Environment for the command; names match [A-Za-z_][A-Za-z0-9_]*, values have no NUL.
  std::map<std::string, std::string> env;
  ResourceRequest resources;
  NetworkMode network = NetworkMode::kNone;
  SeccompChoice seccomp = SeccompChoice::kDefault;
  std::vector<DatastoreRequest> datastores;  // distinct names and mount paths
  SnapshotLimits snapshot;
  // Directory names under /workspace: simple names, distinct from each other.
  std::string outputs = "outputs";
  std::string logs = "logs";
};

// Bounds: anything above is refused as a mistake, whatever the policy says.
inline constexpr size_t kMaxNameLength = 128;
inline constexpr double kMaxCpus = 4096;
inline constexpr uint64_t kMaxSizeBytes = uint64_t{1} << 50;  // 1 PiB
inline constexpr uint64_t kMaxPids = 4194304;                 // kernel PID_MAX_LIMIT
inline constexpr uint64_t kMaxNofile = uint64_t{1} << 24;
inline constexpr uint64_t kMaxSnapshotFiles = 10000000;
inline constexpr std::chrono::milliseconds kMaxTimeout = std::chrono::hours(24 * 30);

const char* NetworkModeName(NetworkMode mode);
const char* SeccompChoiceName(SeccompChoice choice);
const char* DatastoreModeName(DatastoreMode mode);

}  // namespace snaprun::orchestrator
