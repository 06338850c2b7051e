// Small readers of host facts shared by preflight and cgroups: sysctl values, the
// cgroup layout from mountinfo, own cgroup paths, subordinate id ranges. Pure
// functions over file contents where possible, so they are tested on text.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace snaprun::sandbox::host {

// The trimmed contents of a file, or nullopt when it cannot be read.
std::optional<std::string> ReadTrimmed(const std::string& path);
std::optional<long long> ReadInteger(const std::string& path);

enum class CgroupLayout { kNone, kV1, kV2, kHybrid };
const char* CgroupLayoutName(CgroupLayout layout);

struct CgroupMounts {
  CgroupLayout layout = CgroupLayout::kNone;
  std::string v2_mount;                 // where cgroup2 is mounted, if anywhere
  std::map<std::string, std::string> v1_mounts;  // controller (memory, pids, …) → mount point
};
// Parses /proc/self/mountinfo text.
CgroupMounts ParseCgroupMounts(const std::string& mountinfo);

// This process's cgroup path per hierarchy, from /proc/self/cgroup text: the key is
// the controller name for v1 lines ("memory"; each of "cpu,cpuacct") and "" for v2.
std::map<std::string, std::string> ParseOwnCgroups(const std::string& proc_self_cgroup);

// Counts the subordinate ids /etc/subuid (or subgid) text grants to USER or UID.
unsigned long long SubordinateIdCount(const std::string& text, const std::string& user, uid_t uid);

}  // namespace snaprun::sandbox::host
