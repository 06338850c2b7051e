// Filesystem attacks: writing where the sandbox is read-only, mounting, changing
// root, device nodes, the runtime binary through /proc, host directories through
// leaked fds, cgroupfs, sysrq and masked kernel files, and filling a disk.
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <tuple>

#include "tests/probes/probe.h"

namespace snaprun::probe {
namespace {

Report TryCreate(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int err = errno;
  if (fd >= 0) {
    close(fd);
    unlink(path.c_str());
  }
  return Judge(fd, err, "create " + path);
}

// Opens an existing file for writing without truncating or writing to it.
Report TryOpenForWrite(const std::string& path, int extra_flags = 0) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC | extra_flags);
  int err = errno;
  if (fd >= 0) close(fd);
  return Judge(fd, err, "open " + path + " for writing");
}

std::string CwdOrWhy() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) != nullptr) return buf;
  return std::string("getcwd: ") + std::strerror(errno);
}

// A directory reached through an fd is outside the sandbox root when the kernel
// cannot name it from our root: getcwd fails or says "(unreachable)".
bool CwdIsOutsideRoot() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == nullptr) return errno == ENOENT;
  return std::strncmp(buf, "(unreachable)", 13) == 0;
}

}  // namespace

Report WriteRoot(const Args&) {
  return Worst({TryCreate("/.snaprun-probe"), TryCreate("/bin/.snaprun-probe"),
                TryCreate("/etc/.snaprun-probe")});
}

Report WritePath(const Args& args) {
  if (args.empty()) return {Outcome::kError, 0, "usage: write-path PATH"};
  struct stat st{};
  if (stat(args[0].c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return TryCreate(args[0] + "/.snaprun-probe");
  }
  return TryOpenForWrite(args[0]);
}

Report Mount(const Args&) {
  std::vector<Report> r;
  r.push_back(Try("mount tmpfs on /tmp", [] { return mount("none", "/tmp", "tmpfs", 0, nullptr); }));
  r.push_back(Try("bind-mount / on /tmp",
                  [] { return mount("/", "/tmp", nullptr, MS_BIND | MS_REC, nullptr); }));
  // Remounting the bind of / without MS_RDONLY would make the root writable.
  r.push_back(Try("remount / read-write",
                  [] { return mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND, nullptr); }));
  r.push_back(Try("mount a new proc", [] { return mount("proc", "/tmp", "proc", 0, nullptr); }));
  return Worst(r);
}

// For the host to check propagation: a tmpfs mounted over PATH (a bind of a host
// directory) with a file in it. Only an error when the mount itself fails.
Report MountOver(const Args& args) {
  if (args.empty()) return {Outcome::kError, 0, "usage: mount-over PATH"};
  const std::string& path = args[0];
  if (mount("none", path.c_str(), "tmpfs", 0, "size=1m") != 0) {
    return {Outcome::kError, errno,
            Describe("mount tmpfs on " + path + " (needs CAP_SYS_ADMIN to test anything)", errno)};
  }
  int fd = open((path + "/.snaprun-propagated").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
  return {Outcome::kBlocked, 0, "mounted tmpfs on " + path + " inside; the host checks its side"};
}

Report Umount(const Args&) {
  // Unmounting a mask (a /dev/null bind over /proc/kcore, a tmpfs over a /sys
  // directory) would reveal what it hides; unmounting / would reveal the old root.
  std::vector<Report> r;
  for (const char* target : {"/proc/kcore", "/proc/sys", "/sys/firmware", "/proc", "/"}) {
    r.push_back(Try(std::string("umount ") + target, [&] { return umount2(target, MNT_DETACH); }));
  }
  return Worst(r);
}

Report PivotRoot(const Args&) {
  if (chdir("/") != 0) return {Outcome::kError, errno, Describe("chdir /", errno)};
  // pivot_root(".", ".") stacks the old root on the new one: the runtime's own trick.
  return Try("pivot_root(\".\", \".\")", [] { return syscall(SYS_pivot_root, ".", "."); });
}

Report ChrootEscape(const Args&) {
  struct stat before{};
  stat("/", &before);
  // Without a writable /tmp, chroot("/") still tests CAP_SYS_CHROOT.
  const char* target = mkdir("/tmp/.snaprun-chroot", 0700) == 0 ? "/tmp/.snaprun-chroot" : "/";
  int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  long rc = chroot(target);
  int err = errno;
  rmdir("/tmp/.snaprun-chroot");
  if (rc != 0) return Judge(rc, err, std::string("chroot ") + target);
  // The classic break-out: keep a directory outside the new root, climb, chroot(".").
  if (fd >= 0 && fchdir(fd) == 0) {
    for (int i = 0; i < 64; ++i) (void)!chdir("..");
    (void)!chroot(".");
  }
  struct stat after{};
  stat("/", &after);
  bool moved = after.st_ino != before.st_ino || after.st_dev != before.st_dev;
  return {Outcome::kEscaped, 0,
          std::string("chroot succeeded (CAP_SYS_CHROOT held); break-out ") +
              (moved ? "reached a different root" : "stayed in the sandbox root")};
}

Report Mknod(const Args&) {
  std::vector<Report> r;
  const char* path = "/tmp/.snaprun-mknod";
  for (auto [mode, dev, what] : {std::tuple{S_IFCHR, makedev(1, 1), "char device 1:1 (mem)"},
                                 std::tuple{S_IFBLK, makedev(8, 0), "block device 8:0 (sda)"}}) {
    long rc = mknod(path, mode | 0600, dev);
    int err = errno;
    if (rc == 0) unlink(path);
    r.push_back(Judge(rc, err, std::string("mknod ") + what));
  }
  return Worst(r);
}

Report ProcExe(const Args&) {
  std::vector<Report> r;
  for (const char* path : {"/proc/1/exe", "/proc/self/exe"}) {
    r.push_back(TryOpenForWrite(path));
    // CVE-2019-5736 went through an O_PATH fd reopened via /proc/self/fd.
    int pfd = open(path, O_PATH | O_CLOEXEC);
    if (pfd < 0) continue;
    r.push_back(TryOpenForWrite("/proc/self/fd/" + std::to_string(pfd)));
    r.back().detail += std::string(" (O_PATH reopen of ") + path + ")";
    close(pfd);
  }
  return Worst(r);
}

Report CwdProcfd(const Args&) {
  // CVE-2024-21626: a host directory fd leaked into the sandbox, used as cwd.
  if (CwdIsOutsideRoot()) return {Outcome::kEscaped, 0, "cwd is outside the root: " + CwdOrWhy()};
  std::vector<Report> r;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return {Outcome::kError, errno, Describe("opendir /proc/self/fd", errno)};
  int self = dirfd(dir);
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (e->d_name[0] == '.' || fd == self) continue;
    if (fchdir(fd) != 0) continue;  // not a directory
    if (CwdIsOutsideRoot()) {
      r.push_back({Outcome::kEscaped, 0, "fd " + std::to_string(fd) + " is a directory outside the root"});
    }
  }
  closedir(dir);
  (void)!chdir("/");
  if (r.empty()) return {Outcome::kBlocked, 0, "cwd and every directory fd are inside the root"};
  return Worst(r);
}

Report CgroupWrite(const Args&) {
  // Without a cgroup filesystem there every write fails with ENOENT, proving nothing.
  struct statfs fs{};
  if (statfs("/sys/fs/cgroup", &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC) {
    return {Outcome::kError, errno, "/sys/fs/cgroup is not a cgroup2 mount: nothing to attack"};
  }
  std::vector<Report> r;
  for (const char* path : {"/sys/fs/cgroup/cgroup.procs", "/sys/fs/cgroup/cgroup.subtree_control",
                           "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/pids.max",
                           "/sys/fs/cgroup/release_agent",
                           "/sys/fs/cgroup/memory/release_agent"}) {
    r.push_back(TryOpenForWrite(path));
  }
  long rc = mkdir("/sys/fs/cgroup/.snaprun-probe", 0700);
  int err = errno;
  if (rc == 0) rmdir("/sys/fs/cgroup/.snaprun-probe");
  r.push_back(Judge(rc, err, "mkdir /sys/fs/cgroup/.snaprun-probe"));
  return Worst(r);
}

Report Sysrq(const Args&) {
  // Opening for writing is the proof; writing a key could reboot the host.
  return TryOpenForWrite("/proc/sysrq-trigger");
}

// A masked path reads as empty (a /dev/null bind over a file, an empty read-only
// tmpfs over a directory) or not at all; any byte or directory entry is an escape.
Report MaskedRead(const Args& args) {
  if (args.empty()) return {Outcome::kError, 0, "usage: masked-read PATH"};
  const std::string& path = args[0];
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  int open_err = errno;
  if (fd < 0) return Judge(fd, open_err, "open " + path);
  struct stat st{};
  fstat(fd, &st);
  if (S_ISDIR(st.st_mode)) {
    DIR* dir = fdopendir(fd);
    if (dir == nullptr) {
      close(fd);
      return {Outcome::kError, errno, Describe("fdopendir " + path, errno)};
    }
    std::string first;
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") {
        first = name;
        break;
      }
    }
    closedir(dir);
    if (!first.empty()) return {Outcome::kEscaped, 0, "list " + path + ": saw " + first};
    return {Outcome::kBlocked, 0, "list " + path + ": empty (masked)"};
  }
  char byte;
  ssize_t n = read(fd, &byte, 1);
  int err = errno;
  close(fd);
  if (n == 1) return {Outcome::kEscaped, 0, "read " + path + ": got data"};
  if (n == 0) return {Outcome::kBlocked, 0, "read " + path + ": empty (masked)"};
  return Judge(-1, err, "read " + path);
}

Report DiskFill(const Args& args) {
  if (args.empty()) return {Outcome::kError, 0, "usage: disk-fill PATH [MB]"};
  long max_mb = args.size() > 1 ? std::atol(args[1].c_str()) : 1024;
  signal(SIGXFSZ, SIG_IGN);  // RLIMIT_FSIZE then shows as EFBIG instead of a kill
  std::string path = args[0] + "/.snaprun-fill";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int open_err = errno;
  if (fd < 0) return Judge(fd, open_err, "create " + path);
  static char chunk[1 << 20];
  std::memset(chunk, 'x', sizeof chunk);
  long written_mb = 0;
  int err = 0;
  while (written_mb < max_mb) {
    if (write(fd, chunk, sizeof chunk) != static_cast<ssize_t>(sizeof chunk)) {
      err = errno;
      break;
    }
    ++written_mb;
  }
  if (err == 0 && fsync(fd) != 0) err = errno;
  close(fd);
  unlink(path.c_str());
  std::string what = "wrote " + std::to_string(written_mb) + " MB to " + path;
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    return {Outcome::kBlocked, err, Describe(what + ", then", err)};
  }
  if (err != 0) return {Outcome::kError, err, Describe(what + ", then", err)};
  return {Outcome::kEscaped, 0, what + " without hitting a limit"};
}

}  // namespace snaprun::probe
