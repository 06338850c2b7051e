// cgroup v2: one directory in the unified hierarchy, below the caller's own
// (delegated) cgroup.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>

#include "sandbox/base/unique_fd.h"
#include "sandbox/cgroup.h"
#include "sandbox/cgroup_files.h"
#include "sandbox/cgroup_internal.h"

namespace snaprun::sandbox {
namespace {

namespace files = cgroup_files;

class CgroupV2 final : public Cgroup {
 public:
  CgroupV2(std::string dir, UniqueFd dir_fd) : dir_(std::move(dir)), dir_fd_(std::move(dir_fd)) {}

  Result<std::vector<std::string>> Apply(const Resources& r) override {
    std::vector<std::string> enforced;
    if (r.memory_max_bytes) {
      SNAPRUN_TRY(files::Write(dir_, "memory.max", std::to_string(*r.memory_max_bytes)));
      enforced.push_back("memory: cgroup v2 memory.max");
    }
    if (r.memory_swap_max_bytes) {
      // OCI swap is memory+swap; v2 counts swap alone.
      uint64_t memory = r.memory_max_bytes.value_or(0);
      uint64_t swap = *r.memory_swap_max_bytes > memory ? *r.memory_swap_max_bytes - memory : 0;
      SNAPRUN_TRY(files::Write(dir_, "memory.swap.max", std::to_string(swap)));
      enforced.push_back("swap: cgroup v2 memory.swap.max");
    }
    if (r.memory_low_bytes) {
      SNAPRUN_TRY(files::Write(dir_, "memory.low", std::to_string(*r.memory_low_bytes)));
      enforced.push_back("memory reservation: cgroup v2 memory.low");
    }
    if (r.pids_max) {
      SNAPRUN_TRY(files::Write(dir_, "pids.max", std::to_string(*r.pids_max)));
      enforced.push_back("pids: cgroup v2 pids.max");
    }
    if (r.cpu_quota_us || r.cpu_period_us) {
      std::string quota = r.cpu_quota_us ? std::to_string(*r.cpu_quota_us) : "max";
      SNAPRUN_TRY(files::Write(dir_, "cpu.max",
                               quota + " " + std::to_string(r.cpu_period_us.value_or(100000))));
      enforced.push_back("cpu quota: cgroup v2 cpu.max");
    }
    if (r.cpu_shares) {
      SNAPRUN_TRY(files::Write(dir_, "cpu.weight", std::to_string(SharesToWeight(*r.cpu_shares))));
      enforced.push_back("cpu shares: cgroup v2 cpu.weight");
    }
    if (!r.cpuset_cpus.empty()) {
      SNAPRUN_TRY(files::Write(dir_, "cpuset.cpus", r.cpuset_cpus));
      enforced.push_back("cpus: cgroup v2 cpuset.cpus");
    }
    return enforced;
  }

  Result<void> AddProcess(pid_t pid) override {
    return files::Write(dir_, "cgroup.procs", std::to_string(pid));
  }

  CgroupStats Stats() const override {
    CgroupStats stats;
    // memory.peak exists from Linux 5.19; older kernels only say the current usage.
    stats.memory_peak_bytes = files::ReadNumber(dir_, "memory.peak");
    stats.oom_kills = files::ReadKeyed(dir_, "memory.events", "oom_kill").value_or(0);
    if (auto usec = files::ReadKeyed(dir_, "cpu.stat", "usage_usec")) {
      stats.cpu_usage_ns = *usec * 1000;
    }
    return stats;
  }

  // Returns once cgroup.events says "frozen 1" (every task stopped), woken by the
  // kernel's notification on that file; a freeze that does not settle in 5 s is undone
  // and the pause refused.
  Result<void> Freeze(bool frozen) override {
    SNAPRUN_TRY(files::Write(dir_, "cgroup.freeze", frozen ? "1" : "0"));
    if (!frozen) return Ok();
    std::string path = dir_ + "/cgroup.events";
    UniqueFd events(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!events) return Error::FromErrno("open", path);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      char text[512];
      ssize_t n = ::pread(events.get(), text, sizeof text - 1, 0);
      if (n < 0) return Error::FromErrno("read", path);
      text[n] = '\0';
      if (std::strstr(text, "frozen 1") != nullptr) return Ok();
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd wait{events.get(), POLLPRI, 0};
      ::poll(&wait, 1, static_cast<int>(left.count()));
    }
    (void)files::Write(dir_, "cgroup.freeze", "0");
    return Error(ErrorCode::kSystem, "pause: " + dir_ + " did not report frozen within 5 s");
  }

  Result<void> KillAll() override {
    // cgroup.kill (Linux 5.14) kills atomically, fork bombs included.
    if (files::Write(dir_, "cgroup.kill", "1")) return Ok();
    (void)Freeze(true);
    for (pid_t pid : files::ReadPids(dir_)) ::kill(pid, SIGKILL);
    (void)Freeze(false);
    return Ok();
  }

  Result<void> Remove() override {
    if (dir_.empty()) return Ok();
    SNAPRUN_TRY(KillAll());
    dir_fd_.Reset();
    std::string dir = std::exchange(dir_, "");
    return RemoveCgroupPaths({dir});
  }

  std::vector<std::string> Paths() const override {
    return dir_.empty() ? std::vector<std::string>{} : std::vector<std::string>{dir_};
  }
  int DirFd() const override { return dir_fd_.get(); }
  std::string Describe() const override { return "cgroup v2"; }

 private:
  std::string dir_;
  UniqueFd dir_fd_;
};

// Enables in PARENT's subtree_control every controller RESOURCES needs that the
// parent has. Fails with EBUSY when the parent has processes of its own (the v2
// "no internal processes" rule): the caller must sit in a leaf of a delegated scope.
Result<void> EnableControllers(const std::string& parent, const Resources& r) {
  std::string available = files::Read(parent, "cgroup.controllers").value_or("");
  std::istringstream names(available);
  std::string enable;
  for (std::string name; names >> name;) {
    bool wanted = name == "memory" || name == "pids" ||
                  (name == "cpu" && (r.cpu_quota_us || r.cpu_shares)) ||
                  (name == "cpuset" && !r.cpuset_cpus.empty());
    if (wanted) enable += (enable.empty() ? "+" : " +") + name;
  }
  if (enable.empty()) return Ok();
  return files::Write(parent, "cgroup.subtree_control", enable);
}

}  // namespace

Result<std::unique_ptr<Cgroup>> CreateCgroupV2(const std::string& name,
                                              const std::string& parent_dir,
                                              const Resources& resources) {
  SNAPRUN_TRY(EnableControllers(parent_dir, resources));
  std::string dir = parent_dir + "/" + name;
  SNAPRUN_TRY(files::MakeDir(dir));
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) {
    Error e = Error::FromErrno("open", dir);
    ::rmdir(dir.c_str());
    return e;
  }
  return std::unique_ptr<Cgroup>(new CgroupV2(std::move(dir), std::move(fd)));
}

}  // namespace snaprun::sandbox
