#include "sandbox/cgroup.h"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "sandbox/cgroup_files.h"
#include "sandbox/cgroup_internal.h"
#include "sandbox/host_facts.h"

namespace snaprun::sandbox {
namespace {

bool Writable(const std::string& dir) { return ::access(dir.c_str(), W_OK) == 0; }

bool HasWord(const std::string& text, const std::string& word) {
  size_t pos = 0;
  while ((pos = text.find(word, pos)) != std::string::npos) {
    bool start = pos == 0 || text[pos - 1] == ' ';
    bool end = pos + word.size() == text.size() || text[pos + word.size()] == ' ' ||
               text[pos + word.size()] == '\n';
    if (start && end) return true;
    pos += word.size();
  }
  return false;
}

// The v2 parent when it is writable and has the controllers the limits need.
std::optional<std::string> UsableV2Parent(const host::CgroupMounts& mounts,
                                          const std::map<std::string, std::string>& own,
                                          const CgroupHost& host, const Resources& r,
                                          std::string* why) {
  auto path = own.find("");
  if (mounts.v2_mount.empty() || path == own.end()) return std::nullopt;
  std::string parent = host.path_prefix + mounts.v2_mount + path->second;
  std::string controllers = cgroup_files::Read(parent, "cgroup.controllers").value_or("");
  bool memory_ok =
      !(r.memory_max_bytes || r.memory_low_bytes) || HasWord(controllers, "memory");
  bool pids_ok = !r.pids_max || HasWord(controllers, "pids");
  bool cpu_ok = !(r.cpu_quota_us || r.cpu_shares) || HasWord(controllers, "cpu");
  if (!Writable(parent)) {
    *why = "cgroup v2 " + parent + " is not writable by this user";
  } else if (!(memory_ok && pids_ok && cpu_ok) || controllers.empty()) {
    *why = "cgroup v2 " + parent + " has controllers [" + controllers + "]";
  } else {
    return parent;
  }
  return std::nullopt;
}

std::vector<V1Hierarchy> UsableV1Hierarchies(const host::CgroupMounts& mounts,
                                             const std::map<std::string, std::string>& own,
                                             const CgroupHost& host, const Resources& r) {
  std::vector<V1Hierarchy> usable;
  for (const char* controller : {"memory", "pids", "cpu", "cpuacct", "cpuset", "freezer"}) {
    if (std::string(controller) == "cpuset" && r.cpuset_cpus.empty()) continue;
    auto mount = mounts.v1_mounts.find(controller);
    auto path = own.find(controller);
    if (mount == mounts.v1_mounts.end() || path == own.end()) continue;
    std::string parent = host.path_prefix + mount->second + path->second;
    if (Writable(parent)) usable.push_back({controller, parent});
  }
  return usable;
}

}  // namespace

bool NeedsCgroup(const Resources& r) {
  return r.memory_max_bytes || r.memory_swap_max_bytes || r.memory_low_bytes || r.pids_max ||
         r.cpu_quota_us ||
         r.cpu_period_us || r.cpu_shares || !r.cpuset_cpus.empty();
}

uint64_t SharesToWeight(uint64_t shares) {
  if (shares == 0) return 100;  // unset: the v2 default weight
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

Result<std::unique_ptr<Cgroup>> CreateCgroup(const std::string& name, const Resources& resources,
                                            const CgroupHost& host, std::string* why) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    return Error(ErrorCode::kInvalidInput, "cgroup name '" + name + "' is not a plain name");
  }
  host::CgroupMounts mounts =
      host::ParseCgroupMounts(host::ReadTrimmed(host.mountinfo_path).value_or(""));
  auto own = host::ParseOwnCgroups(host::ReadTrimmed(host.own_cgroup_path).value_or(""));
  std::string v2_why;
  if (auto parent = UsableV2Parent(mounts, own, host, resources, &v2_why)) {
    return CreateCgroupV2(name, *parent, resources);
  }
  std::vector<V1Hierarchy> v1 = UsableV1Hierarchies(mounts, own, host, resources);
  if (!v1.empty()) return CreateCgroupV1(name, v1);
  *why = "no writable cgroup (layout " + std::string(host::CgroupLayoutName(mounts.layout)) +
         (v2_why.empty() ? "" : "; " + v2_why) + ")";
  return std::unique_ptr<Cgroup>();
}

Result<void> RemoveCgroupPaths(const std::vector<std::string>& paths) {
  std::optional<Error> first_error;
  for (const auto& dir : paths) {
    Result<void> removed = cgroup_files::KillAndRemove(dir);
    if (!removed && !first_error) first_error = std::move(removed).error();
  }
  if (first_error) return *first_error;
  return Ok();
}

}  // namespace snaprun::sandbox
