#include "sandbox/preflight.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <cstring>
#include <sstream>

#include "sandbox/host_facts.h"
#include "sandbox/preflight/live_probes.h"

namespace snaprun::sandbox {
namespace {

using host::ReadInteger;
using host::ReadTrimmed;

CheckItem Ok(std::string name, std::string detail) {
  return {std::move(name), CheckStatus::kOk, std::move(detail), "", ""};
}

std::string Errno(int err) { return std::strerror(err); }

CheckItem CheckUserNamespaces(const PreflightOptions& options) {
  const std::string& proc = options.paths.proc;
  std::string name = "user namespaces";
  std::string fix_max = "sysctl -w user.max_user_namespaces=15000";
  std::optional<long long> max = ReadInteger(proc + "/sys/user/max_user_namespaces");
  if (max && *max == 0) {
    return {name, CheckStatus::kMissing, "user.max_user_namespaces is 0",
            "none: rootless sandboxes cannot start (run as root instead)", fix_max};
  }
  // Debian's own knob, present on older kernels.
  if (ReadInteger(proc + "/sys/kernel/unprivileged_userns_clone").value_or(1) == 0) {
    return {name, CheckStatus::kMissing, "kernel.unprivileged_userns_clone is 0",
            "none: rootless sandboxes cannot start (run as root instead)",
            "sysctl -w kernel.unprivileged_userns_clone=1"};
  }
  if (ReadInteger(proc + "/sys/kernel/apparmor_restrict_unprivileged_userns").value_or(0) == 1) {
    return {name, CheckStatus::kMissing,
            "AppArmor restricts unprivileged user namespaces "
            "(kernel.apparmor_restrict_unprivileged_userns=1)",
            "none: rootless sandboxes cannot start unless an AppArmor profile allows userns",
            "add an AppArmor profile granting 'userns,' to snaprun-sandbox, or "
            "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"};
  }
  if (options.live_probes) {
    if (int err = preflight::ProbeUserNamespace(); err != 0) {
      return {name, CheckStatus::kMissing, "unshare(CLONE_NEWUSER): " + Errno(err),
              "none: rootless sandboxes cannot start",
              "check seccomp/LSM policy of the calling service and the sysctls above"};
    }
  }
  return Ok(name, max ? "allowed (max " + std::to_string(*max) + ")" : "allowed");
}

CheckItem CheckOverlay(const PreflightOptions& options) {
  std::string name = "rootless overlayfs";
  if (!options.live_probes) return Ok(name, "not probed");
  char scratch[] = "/tmp/snaprun-preflight-XXXXXX";
  if (mkdtemp(scratch) == nullptr) {
    return {name, CheckStatus::kDegraded, "mkdtemp /tmp: " + Errno(errno),
            "the scratch layer is a copy of the snapshot on tmpfs", "make /tmp writable"};
  }
  int err = preflight::ProbeRootlessOverlay(scratch);
  rmdir(scratch);
  if (err == 0) return Ok(name, "overlay mounts inside a user namespace");
  return {name, CheckStatus::kDegraded, "mount overlay in a user namespace: " + Errno(err),
          "the scratch layer is a copy of the snapshot on tmpfs (slower start, more memory)",
          "use Linux >= 5.11, where overlayfs can be mounted in a user namespace"};
}

// Whether the caller may create child cgroups under its own cgroup in HIERARCHY.
bool OwnCgroupWritable(const std::string& mount_point, const std::string& own_path) {
  std::string dir = mount_point + own_path;
  return access(dir.c_str(), W_OK) == 0;
}

CheckItem CheckCgroups(const PreflightOptions& options) {
  const std::string& proc = options.paths.proc;
  std::string name = "cgroups";
  host::CgroupMounts mounts =
      host::ParseCgroupMounts(ReadTrimmed(proc + "/self/mountinfo").value_or(""));
  auto own = host::ParseOwnCgroups(ReadTrimmed(proc + "/self/cgroup").value_or(""));
  std::string layout = host::CgroupLayoutName(mounts.layout);
  std::string fallback = "memory, pids and CPU limits fall back to rlimits (RLIMIT_AS, RLIMIT_NPROC, RLIMIT_CPU)";
  if (mounts.layout == host::CgroupLayout::kNone) {
    return {name, CheckStatus::kDegraded, "no cgroup filesystem mounted", fallback,
            "mount cgroup2 on /sys/fs/cgroup"};
  }
  std::vector<std::string> writable;
  if (!mounts.v2_mount.empty() && own.count("") &&
      OwnCgroupWritable(mounts.v2_mount, own[""])) {
    std::string controllers =
        ReadTrimmed(mounts.v2_mount + own[""] + "/cgroup.controllers").value_or("");
    writable.push_back("v2 (controllers: " + (controllers.empty() ? "none" : controllers) + ")");
  }
  for (const char* controller : {"memory", "pids", "cpu", "cpuset", "freezer"}) {
    auto mount = mounts.v1_mounts.find(controller);
    if (mount == mounts.v1_mounts.end() || !own.count(controller)) continue;
    if (OwnCgroupWritable(mount->second, own[controller])) writable.push_back(controller);
  }
  std::string detail = layout + " layout";
  if (writable.empty()) {
    return {name, CheckStatus::kDegraded, detail + "; no cgroup writable by this user", fallback,
            "delegate a cgroup v2 subtree to the user (systemd: Delegate=yes, or "
            "systemd-run --user --scope -p Delegate=yes), or run as root"};
  }
  std::string list;
  for (const auto& w : writable) list += (list.empty() ? "" : ", ") + w;
  return Ok(name, detail + "; writable: " + list);
}

CheckItem CheckSeccomp(const PreflightOptions& options) {
  std::string name = "seccomp";
  std::optional<std::string> actions =
      ReadTrimmed(options.paths.proc + "/sys/kernel/seccomp/actions_avail");
  int err = options.live_probes ? preflight::ProbeSeccomp() : 0;
  if (!actions || err != 0) {
    return {name, CheckStatus::kMissing,
            actions ? "prctl(PR_GET_SECCOMP): " + Errno(err) : "no seccomp in this kernel",
            "none: sandboxes refuse to start with a seccomp profile",
            "use a kernel built with CONFIG_SECCOMP_FILTER"};
  }
  return Ok(name, "filter actions: " + *actions);
}

CheckItem CheckIdRanges(const PreflightOptions& options) {
  std::string name = "subordinate id ranges";
  uid_t uid = getuid();
  passwd* pw = getpwuid(uid);
  std::string user = pw ? pw->pw_name : std::to_string(uid);
  std::string newuidmap = options.paths.usr_bin + "/newuidmap";
  struct stat st{};
  bool helper = stat(newuidmap.c_str(), &st) == 0 && (st.st_mode & S_ISUID);
  unsigned long long subuids = host::SubordinateIdCount(
      ReadTrimmed(options.paths.etc + "/subuid").value_or(""), user, uid);
  unsigned long long subgids = host::SubordinateIdCount(
      ReadTrimmed(options.paths.etc + "/subgid").value_or(""), user, uid);
  if (uid == 0) return Ok(name, "root maps any ids without helpers");
  if (helper && subuids > 0 && subgids > 0) {
    return Ok(name, std::to_string(subuids) + " uids and " + std::to_string(subgids) +
                        " gids for " + user + " via newuidmap/newgidmap");
  }
  std::string missing = !helper ? "no setuid newuidmap in " + options.paths.usr_bin
                                : "no /etc/subuid or /etc/subgid range for " + user;
  return {name, CheckStatus::kDegraded, missing,
          "a single-id map: the caller is root inside; other ids are unmapped (nobody)",
          "apt-get install uidmap; usermod --add-subuids 100000-165535 --add-subgids "
          "100000-165535 " + user};
}

}  // namespace

const char* CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk: return "ok";
    case CheckStatus::kDegraded: return "degraded";
    case CheckStatus::kMissing: return "missing";
  }
  return "?";
}

CheckStatus PreflightReport::Overall() const {
  CheckStatus worst = CheckStatus::kOk;
  for (const auto& item : items) {
    if (static_cast<int>(item.status) > static_cast<int>(worst)) worst = item.status;
  }
  return worst;
}

std::string PreflightReport::ToText() const {
  std::ostringstream out;
  for (const auto& item : items) {
    out << "[" << CheckStatusName(item.status) << "] " << item.name << ": " << item.detail << "\n";
    if (!item.fallback.empty()) out << "    falls back to: " << item.fallback << "\n";
    if (!item.how_to_enable.empty()) out << "    to enable: " << item.how_to_enable << "\n";
  }
  return out.str();
}

std::string PreflightReport::ToJson() const {
  Poco::JSON::Object root;
  Poco::JSON::Array checks;
  for (const auto& item : items) {
    Poco::JSON::Object check;
    check.set("name", item.name);
    check.set("status", std::string(CheckStatusName(item.status)));
    check.set("detail", item.detail);
    if (!item.fallback.empty()) check.set("fallback", item.fallback);
    if (!item.how_to_enable.empty()) check.set("how_to_enable", item.how_to_enable);
    checks.add(check);
  }
  root.set("overall", std::string(CheckStatusName(Overall())));
  root.set("checks", checks);
  std::ostringstream out;
  root.stringify(out);
  return out.str();
}

PreflightReport RunPreflight(const PreflightOptions& options) {
  PreflightReport report;
  report.items.push_back(CheckUserNamespaces(options));
  report.items.push_back(CheckIdRanges(options));
  report.items.push_back(CheckOverlay(options));
  report.items.push_back(CheckCgroups(options));
  report.items.push_back(CheckSeccomp(options));
  return report;
}

}  // namespace snaprun::sandbox
