// Cgroups: one cgroup per sandbox carrying its memory, pids and CPU limits, on
// cgroup v2 (a delegated subtree), v1 (a directory per controller hierarchy) or a
// hybrid host (v1 controllers beside a cgroup2 mount that has none, which is what
// crun 1.8 refuses; here each limit goes to whichever hierarchy has its controller).
// Parent side only. A cgroup is created empty, limited, then joined by the sandbox;
// Remove() kills what is left and deletes the directories.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox {

struct CgroupStats {
  std::optional<uint64_t> memory_peak_bytes;
  uint64_t oom_kills = 0;
  std::optional<uint64_t> cpu_usage_ns;
};

class Cgroup {
 public:
  virtual ~Cgroup() = default;
  // Writes the limits; returns one line per limit saying how it is enforced
  // ("memory 64 MiB: cgroup v1 memory.limit_in_bytes").
  virtual Result<std::vector<std::string>> Apply(const Resources& resources) = 0;
  virtual Result<void> AddProcess(pid_t pid) = 0;
  virtual CgroupStats Stats() const = 0;
  virtual Result<void> Freeze(bool frozen) = 0;
  // SIGKILLs every process in the cgroup (all hierarchies) and waits until empty.
  virtual Result<void> KillAll() = 0;
  // KillAll, then removes the directories. Idempotent.
  virtual Result<void> Remove() = 0;
  // The cgroup directories, for state files and `delete --force` of a crashed run.
  virtual std::vector<std::string> Paths() const = 0;
  // An O_DIRECTORY fd for clone3's CLONE_INTO_CGROUP (v2 only), else -1.
  virtual int DirFd() const { return -1; }
  virtual std::string Describe() const = 0;
};

// Where the host's cgroup information is read; tests point it at a fake tree.
struct CgroupHost {
  std::string mountinfo_path = "/proc/self/mountinfo";
  std::string own_cgroup_path = "/proc/self/cgroup";
  std::string path_prefix;  // prepended to every mount point (fake trees)
};

// Creates cgroup NAME below the caller's own cgroup for the controllers RESOURCES
// needs. nullptr (with *WHY saying why) when no writable cgroup exists for any of
// them: the caller then falls back to rlimits and records that it did.
Result<std::unique_ptr<Cgroup>> CreateCgroup(const std::string& name, const Resources& resources,
                                            const CgroupHost& host, std::string* why);

// Removes cgroup directories left by a crashed sandbox (state files list them).
Result<void> RemoveCgroupPaths(const std::vector<std::string>& paths);

// Whether RESOURCES asks for anything a cgroup would enforce.
bool NeedsCgroup(const Resources& resources);

// cgroup v1 cpu.shares → v2 cpu.weight, the conversion runc and crun use.
uint64_t SharesToWeight(uint64_t shares);

}  // namespace snaprun::sandbox
