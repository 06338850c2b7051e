// Kernel attack surface: modules, kexec, keyrings, eBPF, io_uring, perf, foreign
// syscall ABIs and terminal injection. Every call is made with harmless arguments:
// success (or getting past the privilege check) is the finding, not its effect.
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/probes/probe.h"

namespace snaprun::probe {
namespace {

constexpr long kKeyctlJoinSessionKeyring = 1;
constexpr long kX32SyscallBit = 0x40000000;

// Runs FN in a child so a filter that kills (SIGSYS) can be told from one that refuses.
Report InChild(long (*fn)(), const std::string& what) {
  pid_t pid = fork();
  if (pid == 0) _exit(fn() < 0 ? errno : 0);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    return {Outcome::kBlocked, 0, what + ": killed by signal " + std::to_string(WTERMSIG(status))};
  }
  int err = WEXITSTATUS(status);
  return Judge(err == 0 ? 0 : -1, err, what);
}

long CloseIfFd(long fd) {
  if (fd >= 0) close(static_cast<int>(fd));
  return fd;
}

}  // namespace

Report Kmod(const Args&) {
  int fd = open("/bin/busybox", O_RDONLY | O_CLOEXEC);
  if (fd < 0) fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  std::vector<Report> r;
  r.push_back(TryPrivileged("init_module", [] { return syscall(SYS_init_module, nullptr, 0, ""); }));
  r.push_back(TryPrivileged("finit_module", [fd] { return syscall(SYS_finit_module, fd, "", 0); }));
  r.push_back(TryPrivileged("delete_module", [] {
    return syscall(SYS_delete_module, "snaprun_probe_none", O_NONBLOCK);
  }));
  if (fd >= 0) close(fd);
  return Worst(r);
}

Report Kexec(const Args&) {
  std::vector<Report> r;
  r.push_back(TryPrivileged("kexec_load", [] { return syscall(SYS_kexec_load, 0, 0, nullptr, 0); }));
  r.push_back(TryPrivileged("kexec_file_load",
                            [] { return syscall(SYS_kexec_file_load, -1, -1, 0, "", 0); }));
  return Worst(r);
}

Report Keyctl(const Args&) {
  std::vector<Report> r;
  r.push_back(Try("keyctl(JOIN_SESSION_KEYRING)", [] {
    return syscall(SYS_keyctl, kKeyctlJoinSessionKeyring, "snaprun-probe");
  }));
  r.push_back(Try("add_key", [] {
    return syscall(SYS_add_key, "user", "snaprun-probe", "x", 1, -3 /* session keyring */);
  }));
  return Worst(r);
}

Report Bpf(const Args&) {
  // "return 0" as a socket filter: the smallest program the verifier accepts.
  bpf_insn prog[] = {{BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0}, {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}};
  bpf_attr attr{};
  attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  attr.insns = reinterpret_cast<uint64_t>(prog);
  attr.insn_cnt = 2;
  attr.license = reinterpret_cast<uint64_t>("GPL");
  return Try("bpf(BPF_PROG_LOAD)",
             [&] { return CloseIfFd(syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr)); });
}

Report IoUring(const Args&) {
  io_uring_params params{};
  return Try("io_uring_setup", [&] { return CloseIfFd(syscall(SYS_io_uring_setup, 1, &params)); });
}

Report Perf(const Args&) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_SOFTWARE;
  attr.size = sizeof attr;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return Try("perf_event_open(self, cpu clock)",
             [&] { return CloseIfFd(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0)); });
}

Report X32(const Args&) {
#if defined(__x86_64__)
  return InChild([] { return syscall(kX32SyscallBit | SYS_getpid); }, "x32 getpid");
#else
  return {Outcome::kError, 0, "x32 only exists on x86_64"};
#endif
}

Report I386(const Args&) {
#if defined(__x86_64__)
  return InChild(
      [] {
        long rc = 20;  // getpid on the i386 ABI
        asm volatile("int $0x80" : "+a"(rc) : : "memory");
        if (rc < 0) errno = static_cast<int>(-rc);
        return rc < 0 ? -1L : 0L;
      },
      "i386 int 0x80 getpid");
#else
  return {Outcome::kError, 0, "the i386 ABI only exists on x86_64"};
#endif
}

Report Tiocsti(const Args&) {
  std::vector<Report> r;
  char c = '#';
  int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  for (int fd : {tty, 0, 1, 2}) {
    if (fd < 0) continue;
    long rc = ioctl(fd, TIOCSTI, &c);
    int err = errno;
    std::string what = "ioctl(TIOCSTI) on fd " + std::to_string(fd);
    // ENOTTY/EIO: no terminal to inject into, so this fd proves nothing either way.
    if (rc != 0 && (err == ENOTTY || err == EIO || err == EBADF)) {
      r.push_back({Outcome::kError, err, Describe(what + " (not a terminal)", err)});
      continue;
    }
    r.push_back(Judge(rc, err, what));
  }
  if (tty >= 0) close(tty);
  // Only a refusal or a success is a finding; "not a terminal" everywhere is inconclusive.
  Report worst = Worst(r);
  for (const Report& one : r) {
    if (one.outcome == Outcome::kBlocked && worst.outcome == Outcome::kError) {
      worst.outcome = Outcome::kBlocked;
      worst.err = one.err;
    }
  }
  return worst;
}

// TIOCSTI on a real terminal the process controls: a pty pair of the sandbox's own
// devpts, its slave opened after setsid() so it becomes the controlling tty. The
// kernel's own checks (controlling tty, CAP_SYS_ADMIN) then pass, so only the filter
// or a kernel with dev.tty.legacy_tiocsti=0 (EIO) stands in the way.
Report TiocstiPty(const Args&) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return {Outcome::kError, errno, Describe("posix_openpt", errno)};
  const char* name = (grantpt(master) == 0 && unlockpt(master) == 0) ? ptsname(master) : nullptr;
  if (name == nullptr) {
    int err = errno;
    close(master);
    return {Outcome::kError, err, Describe("unlock the pty", err)};
  }
  std::string slave_name = name;
  pid_t pid = fork();
  if (pid == 0) {
    if (setsid() < 0) _exit(100);
    int slave = open(slave_name.c_str(), O_RDWR | O_CLOEXEC);  // becomes the controlling tty
    if (slave < 0) _exit(101);
    char c = '#';
    _exit(ioctl(slave, TIOCSTI, &c) == 0 ? 0 : errno);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  std::string what = "ioctl(TIOCSTI) on the controlling pty " + slave_name;
  if (!WIFEXITED(status)) return {Outcome::kError, 0, what + ": the child was killed"};
  int code = WEXITSTATUS(status);
  if (code == 100 || code == 101) {
    return {Outcome::kError, 0, what + ": could not make it the controlling tty"};
  }
  if (code == 0) return {Outcome::kEscaped, 0, what + ": typed into the terminal"};
  if (code == EIO) {
    return {Outcome::kBlocked, EIO, Describe(what + " (the kernel's legacy_tiocsti is off)", EIO)};
  }
  return Judge(-1, code, what);
}

// The new mount API does what mount(2) does through other doors: a filesystem
// context, a detached copy of the tree, moving it, and clearing MS_RDONLY on /.
Report MountApi(const Args&) {
  std::vector<Report> r;
  r.push_back(TryPrivileged("fsopen(tmpfs)", [] { return syscall(SYS_fsopen, "tmpfs", 0); }));
  r.push_back(TryPrivileged("open_tree(/, OPEN_TREE_CLONE)", [] {
    return syscall(SYS_open_tree, AT_FDCWD, "/", 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);
  }));
  // A bad source fd: past the privilege check the kernel says EBADF, moving nothing.
  r.push_back(TryPrivileged("move_mount(a bad fd onto /tmp)", [] {
    return syscall(SYS_move_mount, -1, "", AT_FDCWD, "/tmp", 0x4 /* MOVE_MOUNT_F_EMPTY_PATH */);
  }));
  r.push_back(TryPrivileged("mount_setattr(/, clear MOUNT_ATTR_RDONLY)", [] {
    struct {
      uint64_t attr_set, attr_clr, propagation, userns_fd;
    } attr = {0, 1 /* MOUNT_ATTR_RDONLY */, 0, 0};
    return syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &attr, sizeof attr);
  }));
  return Worst(r);
}

// "Shocker": a file handle names any inode of a filesystem, so open_by_handle_at
// reaches files outside the sandbox's root on the same mount. Inode 2 is the root
// of ext2/3/4 filesystems.
Report OpenByHandle(const Args&) {
  std::vector<Report> r;
  struct {
    unsigned int handle_bytes;
    int handle_type;
    unsigned char f_handle[128];
  } handle = {8, 1 /* FILEID_INO32_GEN */, {2, 0, 0, 0, 0, 0, 0, 0}};
  int mount_id = 0;
  r.push_back(TryPrivileged("name_to_handle_at(/)", [&] {
    struct {
      unsigned int handle_bytes;
      int handle_type;
      unsigned char f_handle[128];
    } mine = {128, 0, {}};
    return syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &mine, &mount_id, 0);
  }));
  int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  r.push_back(TryPrivileged("open_by_handle_at(inode 2)", [&] {
    return syscall(SYS_open_by_handle_at, root, &handle, O_RDONLY);
  }));
  if (root >= 0) close(root);
  return Worst(r);
}

// setns into a namespace the probe can name: its own (by path; init's /proc entries
// are not readable rootless) and init's by pidfd. Entering one needs CAP_SYS_ADMIN
// over it, and the filter refuses the call before that is asked.
Report Setns(const Args&) {
  std::vector<Report> r;
  for (const char* ns : {"/proc/self/ns/mnt", "/proc/self/ns/user", "/proc/self/ns/net"}) {
    int fd = open(ns, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      r.push_back(Judge(fd, errno, std::string("open ") + ns));
      continue;
    }
    r.push_back(TryPrivileged(std::string("setns(") + ns + ")",
                              [fd] { return syscall(SYS_setns, fd, 0); }));
    close(fd);
  }
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, 1, 0));
  if (pidfd >= 0) {
    r.push_back(TryPrivileged("setns(pidfd of pid 1, CLONE_NEWNS)",
                              [pidfd] { return syscall(SYS_setns, pidfd, CLONE_NEWNS); }));
    close(pidfd);
  }
  return Worst(r);
}

}  // namespace snaprun::probe
