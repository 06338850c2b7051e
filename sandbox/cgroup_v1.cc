// cgroup v1: one directory per controller hierarchy. Used on v1 and hybrid hosts.
#include <signal.h>
#include <unistd.h>

#include <map>

#include "sandbox/cgroup.h"
#include "sandbox/cgroup_files.h"
#include "sandbox/cgroup_internal.h"

namespace snaprun::sandbox {
namespace {

namespace files = cgroup_files;

class CgroupV1 final : public Cgroup {
 public:
  explicit CgroupV1(std::map<std::string, std::string> dirs) : dirs_(std::move(dirs)) {}
  ~CgroupV1() override = default;

  Result<std::vector<std::string>> Apply(const Resources& r) override {
    std::vector<std::string> enforced;
    if (r.memory_max_bytes) {
      SNAPRUN_TRY(WriteIn("memory", "memory.limit_in_bytes", *r.memory_max_bytes));
      enforced.push_back("memory: cgroup v1 memory.limit_in_bytes");
    }
    if (r.memory_swap_max_bytes) {
      // OCI swap is memory+swap, which is exactly memsw; absent without swap accounting.
      SNAPRUN_TRY(WriteIn("memory", "memory.memsw.limit_in_bytes", *r.memory_swap_max_bytes));
      enforced.push_back("memory+swap: cgroup v1 memory.memsw.limit_in_bytes");
    }
    if (r.memory_low_bytes) {
      SNAPRUN_TRY(WriteIn("memory", "memory.soft_limit_in_bytes", *r.memory_low_bytes));
      enforced.push_back("memory reservation: cgroup v1 memory.soft_limit_in_bytes");
    }
    if (r.pids_max) {
      SNAPRUN_TRY(WriteIn("pids", "pids.max", static_cast<uint64_t>(*r.pids_max)));
      enforced.push_back("pids: cgroup v1 pids.max");
    }
    if (r.cpu_period_us) SNAPRUN_TRY(WriteIn("cpu", "cpu.cfs_period_us", *r.cpu_period_us));
    if (r.cpu_quota_us) {
      SNAPRUN_TRY(WriteIn("cpu", "cpu.cfs_quota_us", *r.cpu_quota_us));
      enforced.push_back("cpu quota: cgroup v1 cpu.cfs_quota_us");
    }
    if (r.cpu_shares) {
      SNAPRUN_TRY(WriteIn("cpu", "cpu.shares", *r.cpu_shares));
      enforced.push_back("cpu shares: cgroup v1 cpu.shares");
    }
    if (!r.cpuset_cpus.empty()) {
      SNAPRUN_TRY(WriteText("cpuset", "cpuset.cpus", r.cpuset_cpus));
      enforced.push_back("cpus: cgroup v1 cpuset.cpus");
    }
    return enforced;
  }

  Result<void> AddProcess(pid_t pid) override {
    for (const auto& [controller, dir] : dirs_) {
      SNAPRUN_TRY(files::Write(dir, "cgroup.procs", std::to_string(pid)));
    }
    return Ok();
  }

  CgroupStats Stats() const override {
    CgroupStats stats;
    if (auto dir = Dir("memory")) {
      stats.memory_peak_bytes = files::ReadNumber(*dir, "memory.max_usage_in_bytes");
      stats.oom_kills = files::ReadKeyed(*dir, "memory.oom_control", "oom_kill").value_or(0);
    }
    if (auto dir = Dir("cpuacct")) stats.cpu_usage_ns = files::ReadNumber(*dir, "cpuacct.usage");
    return stats;
  }

  // Returns once the kernel says every task is frozen: writing FROZEN only starts it
  // (FREEZING). v1 sends no notification, so the state is polled, and asked for again
  // each time as runc does (a task forked mid-freeze can keep it FREEZING). A freezer
  // that does not settle in 5 s is thawed and the pause refused.
  Result<void> Freeze(bool frozen) override {
    auto dir = Dir("freezer");
    if (!dir) return Error(ErrorCode::kUnsupported, "pause: no writable freezer cgroup");
    SNAPRUN_TRY(files::Write(*dir, "freezer.state", frozen ? "FROZEN" : "THAWED"));
    if (!frozen) return Ok();
    for (int attempt = 0; attempt < 5000; ++attempt) {
      std::optional<std::string> state = files::Read(*dir, "freezer.state");
      if (state && state->rfind("FROZEN", 0) == 0) return Ok();
      ::usleep(1000);
      (void)files::Write(*dir, "freezer.state", "FROZEN");
    }
    (void)files::Write(*dir, "freezer.state", "THAWED");
    return Error(ErrorCode::kSystem, "pause: " + *dir + " did not reach FROZEN within 5 s");
  }

  Result<void> KillAll() override {
    // The freezer stops a fork bomb from outrunning the kill loop.
    if (Dir("freezer")) (void)Freeze(true);
    for (const auto& [controller, dir] : dirs_) {
      for (pid_t pid : files::ReadPids(dir)) ::kill(pid, SIGKILL);
    }
    if (Dir("freezer")) (void)Freeze(false);
    return Ok();
  }

  Result<void> Remove() override {
    SNAPRUN_TRY(KillAll());
    std::vector<std::string> paths = Paths();
    dirs_.clear();
    return RemoveCgroupPaths(paths);
  }

  std::vector<std::string> Paths() const override {
    std::vector<std::string> paths;
    for (const auto& [controller, dir] : dirs_) paths.push_back(dir);
    return paths;
  }

  std::string Describe() const override {
    std::string list;
    for (const auto& [controller, dir] : dirs_) list += (list.empty() ? "" : ",") + controller;
    return "cgroup v1 (" + list + ")";
  }

 private:
  std::optional<std::string> Dir(const std::string& controller) const {
    auto it = dirs_.find(controller);
    if (it == dirs_.end()) return std::nullopt;
    return it->second;
  }
  Result<void> WriteText(const std::string& controller, const std::string& file,
                         const std::string& value) {
    auto dir = Dir(controller);
    if (!dir) {
      return Error(ErrorCode::kUnsupported,
                   file + ": the " + controller + " controller is not available to this user");
    }
    return files::Write(*dir, file, value);
  }
  Result<void> WriteIn(const std::string& controller, const std::string& file, uint64_t value) {
    return WriteText(controller, file, std::to_string(value));
  }

  std::map<std::string, std::string> dirs_;
};

// A new v1 cpuset starts with empty cpus and mems, and joining it fails with
// ENOSPC; inherit the parent's until Apply() narrows them.
Result<void> InheritCpuset(const std::string& parent, const std::string& dir) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    std::string value = cgroup_files::Read(parent, file).value_or("");
    while (!value.empty() && value.back() == '\n') value.pop_back();
    SNAPRUN_TRY(cgroup_files::Write(dir, file, value));
  }
  return Ok();
}

}  // namespace

Result<std::unique_ptr<Cgroup>> CreateCgroupV1(const std::string& name,
                                              const std::vector<V1Hierarchy>& hierarchies) {
  std::map<std::string, std::string> dirs;
  auto cleanup = [&dirs] {
    for (const auto& [controller, dir] : dirs) ::rmdir(dir.c_str());
  };
  for (const V1Hierarchy& h : hierarchies) {
    std::string dir = h.parent_dir + "/" + name;
    if (Result<void> made = cgroup_files::MakeDir(dir); !made) {
      cleanup();
      return std::move(made).error();
    }
    dirs[h.controller] = dir;
    if (h.controller == "cpuset") {
      if (Result<void> inherited = InheritCpuset(h.parent_dir, dir); !inherited) {
        cleanup();
        return std::move(inherited).error();
      }
    }
  }
  return std::unique_ptr<Cgroup>(new CgroupV1(std::move(dirs)));
}

}  // namespace snaprun::sandbox
