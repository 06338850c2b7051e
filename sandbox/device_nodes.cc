#include "sandbox/device_nodes.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "sandbox/mounts.h"

namespace snaprun::sandbox {
namespace {

struct Known {
  char type;
  int64_t major;
  int64_t minor;  // -1: every minor
};
// devices.cc's nodes: null zero full random urandom tty, ptmx, and the pts instance.
constexpr Known kDefaultDevices[] = {{'c', 1, 3}, {'c', 1, 5}, {'c', 1, 7},  {'c', 1, 8},
                                     {'c', 1, 9}, {'c', 5, 0}, {'c', 5, 2}, {'c', 136, -1}};

// Whether everything RULE allows is a device /dev holds.
bool RuleWithinDev(const DeviceRule& rule, const Config& config) {
  if (rule.type == 'a' || !rule.major) return false;
  auto held = [&](char type, int64_t major, int64_t minor) {
    if (type != rule.type || major != *rule.major) return false;
    return minor == -1 || (rule.minor && *rule.minor == minor);
  };
  for (const auto& d : kDefaultDevices) {
    if (held(d.type, d.major, d.minor)) return true;
  }
  for (const auto& d : config.devices) {
    char type = d.type == 'u' ? 'c' : d.type;
    if (held(type, d.major, d.minor)) return true;
  }
  return false;
}

std::string RuleText(const DeviceRule& r) {
  return std::string(1, r.type) + " " + (r.major ? std::to_string(*r.major) : "*") + ":" +
         (r.minor ? std::to_string(*r.minor) : "*");
}

Result<std::optional<DeviceOp>> PlanDevice(const DeviceNode& d, size_t index, bool mknod_refused) {
  const std::string at = "linux.devices[" + std::to_string(index) + "]";
  const std::string& p = d.path;
  if (p.rfind("/dev/", 0) != 0 || p.size() <= 5 || p.find("/../") != std::string::npos ||
      p.find("//") != std::string::npos || p.back() == '/' || p.substr(p.size() - 3) == "/..") {
    return Error(ErrorCode::kInvalidInput,
                 at + ".path: \"" + p + "\" must name a node below /dev");
  }
  DeviceOp op;
  op.rel = d.path.substr(5);
  for (const char* name : {"null", "zero", "full", "random", "urandom", "tty", "ptmx"}) {
    if (op.rel == name) return std::optional<DeviceOp>();  // devices.cc made it already
  }
  op.host_path = d.path;
  mode_t kind = d.type == 'b' ? S_IFBLK : d.type == 'p' ? S_IFIFO : S_IFCHR;
  if (d.type != 'b' && d.type != 'c' && d.type != 'u' && d.type != 'p') {
    return Error(ErrorCode::kInvalidInput, at + ".type: must be c, b, u or p");
  }
  op.mode = kind | (d.file_mode & 07777);
  op.rdev = makedev(d.major, d.minor);
  op.uid = d.uid ? static_cast<int>(*d.uid) : -1;
  op.gid = d.gid ? static_cast<int>(*d.gid) : -1;
  if (!mknod_refused) return std::optional<DeviceOp>(op);
  // The bind fallback: the host's node must be exactly the device asked for.
  struct stat st {};
  if (stat(d.path.c_str(), &st) != 0) {
    return Error::FromErrno("stat", d.path).Wrap(at + ": without mknod the host's node is bound");
  }
  if ((st.st_mode & S_IFMT) != kind || (kind != S_IFIFO && st.st_rdev != op.rdev)) {
    return Error(ErrorCode::kInvalidInput,
                 at + ": the host's " + d.path + " is not " + std::string(1, d.type) + " " +
                     std::to_string(d.major) + ":" + std::to_string(d.minor) +
                     " (without mknod it is bind-mounted, so it must be)");
  }
  return std::optional<DeviceOp>(op);
}

// mknodat, or where that is refused the host node bound onto an empty file.
ChildError CreateNode(const DeviceOp& op, int dev_fd) {
  const char* rel = op.rel.c_str();
  if (mknodat(dev_fd, rel, op.mode, op.rdev) == 0) {
    if ((op.uid >= 0 || op.gid >= 0) &&
        fchownat(dev_fd, rel, op.uid, op.gid, AT_SYMLINK_NOFOLLOW) != 0) {
      return Fail(Step::kDev, errno, "chown /dev/", rel);
    }
    // mknod applies the umask; the configured mode is meant exactly.
    if (fchmodat(dev_fd, rel, op.mode & 07777, 0) != 0) {
      return Fail(Step::kDev, errno, "chmod /dev/", rel);
    }
    return Success();
  }
  if (errno != EPERM) return Fail(Step::kDev, errno, "mknod /dev/", rel);
  int fd = openat(dev_fd, rel, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(Step::kDev, errno, "create /dev/", rel);
  close(fd);
  fd = openat(dev_fd, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Fail(Step::kDev, errno, "open /dev/", rel);
  int rc = MountOnFd(op.host_path.c_str(), fd, nullptr, MS_BIND, nullptr);
  int err = errno;
  close(fd);
  return rc == 0 ? Success() : Fail(Step::kDev, err, "bind", op.host_path.c_str());
}

// Parent directories of REL inside /dev ("net" for "net/tun").
ChildError MakeParents(const DeviceOp& op, int dev_fd) {
  char path[256] = {};
  if (op.rel.size() >= sizeof path) return Fail(Step::kDev, ENAMETOOLONG, "device", op.rel.c_str());
  memcpy(path, op.rel.c_str(), op.rel.size());
  for (char* slash = strchr(path, '/'); slash != nullptr; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    if (mkdirat(dev_fd, path, 0755) != 0 && errno != EEXIST) {
      return Fail(Step::kDev, errno, "mkdir /dev/", path);
    }
    *slash = '/';
  }
  return Success();
}

}  // namespace

Result<std::vector<DeviceOp>> PlanDevices(const Config& config, bool mknod_refused) {
  std::vector<DeviceOp> ops;
  for (size_t i = 0; i < config.devices.size(); ++i) {
    auto op = SNAPRUN_TRY(PlanDevice(config.devices[i], i, mknod_refused));
    if (op) ops.push_back(std::move(*op));
  }
  return ops;
}

Result<void> CheckDeviceRules(const Config& config) {
  for (size_t i = 0; i < config.device_rules.size(); ++i) {
    const DeviceRule& rule = config.device_rules[i];
    if (!rule.allow || RuleWithinDev(rule, config)) continue;
    return Error(ErrorCode::kInvalidInput,
                 "linux.resources.devices[" + std::to_string(i) + "]: allows " + RuleText(rule) +
                     ", which is not a device of the sandbox's /dev (the default nodes and "
                     "linux.devices); no device cgroup program enforces broader rules");
  }
  return Ok();
}

ChildError CreateDeviceNodes(const std::vector<DeviceOp>& ops, int root_fd) {
  int dev_fd = OpenInRoot(root_fd, "dev", O_RDONLY | O_DIRECTORY);
  if (dev_fd < 0) return Fail(Step::kDev, -dev_fd, "open", "/dev");
  ChildError e;
  for (size_t i = 0; i < ops.size() && !e.failed(); ++i) {
    e = MakeParents(ops[i], dev_fd);
    if (!e.failed()) e = CreateNode(ops[i], dev_fd);
  }
  close(dev_fd);
  return e;
}

}  // namespace snaprun::sandbox
