#include "sandbox/devices.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "sandbox/mounts.h"

namespace snaprun::sandbox {
namespace {

constexpr const char* kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};
constexpr const char* kLinks[][2] = {{"ptmx", "pts/ptmx"},
                                     {"fd", "/proc/self/fd"},
                                     {"stdin", "/proc/self/fd/0"},
                                     {"stdout", "/proc/self/fd/1"},
                                     {"stderr", "/proc/self/fd/2"}};

ChildError BindDevice(int dev_fd, const char* name) {
  char host[32] = "/dev/";
  AppendText(host, sizeof host, name);
  // The entry is created on our own tmpfs, so O_EXCL|O_NOFOLLOW cannot meet a symlink.
  int fd = openat(dev_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return Fail(Step::kDev, errno, "create", host);
  close(fd);
  fd = openat(dev_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Fail(Step::kDev, errno, "open", host);
  int rc = MountOnFd(host, fd, nullptr, MS_BIND, nullptr);
  int err = errno;
  close(fd);
  return rc == 0 ? Success() : Fail(Step::kDev, err, "bind", host);
}

ChildError MountInDev(int dev_fd, const char* name, const char* fstype, unsigned long flags,
                      const char* data, mode_t mode) {
  if (mkdirat(dev_fd, name, mode) != 0) return Fail(Step::kDev, errno, "mkdir /dev", name);
  int fd = openat(dev_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return Fail(Step::kDev, errno, "open /dev", name);
  int rc = MountOnFd(fstype, fd, fstype, flags, data);
  int err = errno;
  close(fd);
  return rc == 0 ? Success() : Fail(Step::kDev, err, "mount /dev", name);
}

ChildError PopulateDev(int dev_fd) {
  for (const char* name : kDevices) {
    ChildError e = BindDevice(dev_fd, name);
    if (e.failed()) return e;
  }
  ChildError e = MountInDev(dev_fd, "pts", "devpts", MS_NOSUID | MS_NOEXEC,
                            "newinstance,ptmxmode=0666,mode=0620", 0755);
  if (e.failed()) return e;
  e = MountInDev(dev_fd, "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=1777,size=67108864", 01777);
  if (e.failed()) return e;
  for (const auto& link : kLinks) {
    if (symlinkat(link[1], dev_fd, link[0]) != 0) return Fail(Step::kDev, errno, "symlink /dev", link[0]);
  }
  return Success();
}

}  // namespace

ChildError SetupDev(int root_fd) {
  int target = -1;
  ChildError e = EnsureMountPoint(root_fd, "dev", false, &target);
  if (e.failed()) return e;
  // nodev is left off on purpose: the bind-mounted nodes must stay usable.
  int rc = MountOnFd("tmpfs", target, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536");
  int err = errno;
  close(target);
  if (rc != 0) return Fail(Step::kDev, err, "mount", "/dev");
  int dev = OpenInRoot(root_fd, "dev", O_RDONLY | O_DIRECTORY);
  if (dev < 0) return Fail(Step::kDev, -dev, "open", "/dev");
  e = PopulateDev(dev);
  close(dev);
  return e;
}

}  // namespace snaprun::sandbox
