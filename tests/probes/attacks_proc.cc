// Process attacks: tracing, capabilities, setuid binaries, leaked fds, visible
// processes and nested user namespaces.
#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/probes/probe.h"

namespace snaprun::probe {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ReadLink(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  return n < 0 ? "?" : std::string(buf, static_cast<size_t>(n));
}

// Runs FN in a child; returns the errno it reports through its exit status.
int ErrnoInChild(long (*fn)()) {
  pid_t pid = fork();
  if (pid == 0) _exit(fn() < 0 ? errno : 0);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

Report AttachTo(pid_t pid) {
  std::string what = "PTRACE_ATTACH to pid " + std::to_string(pid);
  long rc = ptrace(PTRACE_ATTACH, pid, nullptr, nullptr);
  int err = errno;
  if (rc == 0) {
    waitpid(pid, nullptr, __WALL);
    ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  }
  return Judge(rc, err, what);
}

int LastCap() {
  int last = std::atoi(ReadFile("/proc/sys/kernel/cap_last_cap").c_str());
  return last > 0 && last < 64 ? last : CAP_LAST_CAP;
}

// Raises CAP in the permitted and effective sets with capset.
long RaiseWithCapset(int cap) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) return -1;
  data[cap / 32].effective |= 1u << (cap % 32);
  data[cap / 32].permitted |= 1u << (cap % 32);
  return syscall(SYS_capset, &header, data);
}

Report CapLines() {
  std::istringstream status(ReadFile("/proc/self/status"));
  std::string line, held;
  while (std::getline(status, line)) {
    if (line.rfind("Cap", 0) != 0) continue;
    std::string hex = line.substr(line.find(':') + 1);
    if (std::strtoull(hex.c_str(), nullptr, 16) != 0) held += (held.empty() ? "" : ", ") + line;
  }
  if (held.empty()) return {Outcome::kBlocked, 0, "all Cap* sets are empty"};
  return {Outcome::kEscaped, 0, "capabilities held: " + held};
}

pid_t ParentOf(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream rest(stat.substr(paren + 2));
  char state;
  pid_t ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

long UnshareUser() { return unshare(CLONE_NEWUSER); }

long CloneUser() {
  long rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
  if (rc == 0) _exit(0);
  if (rc > 0) waitpid(static_cast<pid_t>(rc), nullptr, 0);
  return rc;
}

long Clone3User() {
  clone_args args{};
  args.flags = CLONE_NEWUSER;
  args.exit_signal = SIGCHLD;
  long rc = syscall(SYS_clone3, &args, sizeof args);
  if (rc == 0) _exit(0);
  if (rc > 0) waitpid(static_cast<pid_t>(rc), nullptr, 0);
  return rc;
}

}  // namespace

Report Ptrace(const Args&) {
  std::vector<Report> r;
  if (getpid() != 1) r.push_back(AttachTo(1));
  if (getppid() != 1 && getppid() != 0) r.push_back(AttachTo(getppid()));
  int err = ErrnoInChild([] { return ptrace(PTRACE_TRACEME, 0, nullptr, nullptr); });
  r.push_back(Judge(err == 0 ? 0 : -1, err, "PTRACE_TRACEME"));
  return Worst(r);
}

Report Caps(const Args&) {
  std::vector<Report> r{CapLines()};
  std::string raised;
  for (int cap = 0; cap <= LastCap(); ++cap) {
    if (RaiseWithCapset(cap) == 0) raised += " capset:" + std::to_string(cap);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) == 0) {
      raised += " ambient:" + std::to_string(cap);
    }
  }
  if (!raised.empty()) r.push_back({Outcome::kEscaped, 0, "raised" + raised});
  else r.push_back({Outcome::kBlocked, EPERM, "no capability could be raised"});
  return Worst(r);
}

Report Ids(const Args&) {
  uid_t ruid, euid, suid;
  getresuid(&ruid, &euid, &suid);
  return {Outcome::kBlocked, 0,
          "uid=" + std::to_string(ruid) + " euid=" + std::to_string(euid) +
              " suid=" + std::to_string(suid)};
}

Report Setuid(const Args& args) {
  if (args.empty()) return {Outcome::kError, 0, "usage: setuid SETUID_BINARY"};
  struct stat st{};
  if (stat(args[0].c_str(), &st) != 0) return {Outcome::kError, errno, Describe("stat " + args[0], errno)};
  if (!(st.st_mode & S_ISUID)) return {Outcome::kError, 0, args[0] + " has no setuid bit"};
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return {Outcome::kError, errno, "pipe2"};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    execl(args[0].c_str(), args[0].c_str(), "ids", nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buf[512];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  close(out[0]);
  waitpid(pid, nullptr, 0);
  size_t at = text.find("euid=");
  if (at == std::string::npos) return {Outcome::kError, 0, "no ids from " + args[0] + ": " + text};
  long child_euid = std::atol(text.c_str() + at + 5);
  std::string what = "exec of setuid " + args[0] + " (owner " + std::to_string(st.st_uid) +
                     ") ran with euid " + std::to_string(child_euid) + ", caller euid " +
                     std::to_string(geteuid());
  if (child_euid != static_cast<long>(geteuid())) return {Outcome::kEscaped, 0, what};
  return {Outcome::kBlocked, 0, what};
}

Report Fds(const Args&) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return {Outcome::kError, errno, Describe("opendir /proc/self/fd", errno)};
  std::string leaked;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    int fd = std::atoi(e->d_name);
    if (fd <= 2 || fd == dirfd(dir)) continue;
    leaked += " " + std::to_string(fd) + "->" + ReadLink(std::string("/proc/self/fd/") + e->d_name);
  }
  closedir(dir);
  if (leaked.empty()) return {Outcome::kBlocked, 0, "only fds 0-2 are open"};
  return {Outcome::kEscaped, 0, "inherited fds:" + leaked};
}

Report Pids(const Args&) {
  std::set<pid_t> lineage;
  for (pid_t p = getpid(); p > 0 && lineage.insert(p).second; p = ParentOf(p)) {}
  DIR* dir = opendir("/proc");
  if (dir == nullptr) return {Outcome::kError, errno, Describe("opendir /proc", errno)};
  std::string others, all;
  while (dirent* e = readdir(dir)) {
    pid_t pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    all += " " + std::to_string(pid);
    if (!lineage.count(pid)) others += " " + std::to_string(pid);
  }
  closedir(dir);
  if (others.empty()) return {Outcome::kBlocked, 0, "visible pids (own lineage only):" + all};
  return {Outcome::kEscaped, 0, "processes outside the probe's lineage are visible:" + others};
}

Report Userns(const Args&) {
  std::vector<Report> r;
  int err = ErrnoInChild(UnshareUser);
  r.push_back(Judge(err == 0 ? 0 : -1, err, "unshare(CLONE_NEWUSER)"));
  err = ErrnoInChild(CloneUser);
  r.push_back(Judge(err == 0 ? 0 : -1, err, "clone(CLONE_NEWUSER)"));
  err = ErrnoInChild(Clone3User);
  r.push_back(Judge(err == 0 ? 0 : -1, err, "clone3(CLONE_NEWUSER)"));
  return Worst(r);
}

// What the sandbox's pid 1 (the runtime's init, alive beside the command all run)
// holds: /proc/1/status is readable by any process of the pid namespace. Init may
// keep CAP_KILL; any other capability, or no filter of its own, is a finding.
Report InitPrivileges(const Args&) {
  std::istringstream status(ReadFile("/proc/1/status"));
  std::string line, found;
  bool saw_seccomp = false;
  std::vector<Report> r;
  while (std::getline(status, line)) {
    std::string value = line.substr(line.find(':') + 1);
    if (line.rfind("CapEff:", 0) == 0 || line.rfind("CapPrm:", 0) == 0 ||
        line.rfind("CapBnd:", 0) == 0 || line.rfind("CapAmb:", 0) == 0) {
      uint64_t caps = std::strtoull(value.c_str(), nullptr, 16);
      bool beyond_kill = (caps & ~(uint64_t{1} << CAP_KILL)) != 0;
      r.push_back({beyond_kill ? Outcome::kEscaped : Outcome::kBlocked, 0,
                   "init " + line.substr(0, 6) + " " + std::to_string(caps)});
    } else if (line.rfind("Seccomp:", 0) == 0) {
      saw_seccomp = true;
      bool filtered = std::atoi(value.c_str()) == 2;
      r.push_back({filtered ? Outcome::kBlocked : Outcome::kEscaped, 0,
                   std::string("init ") + (filtered ? "has a filter" : "has no seccomp filter")});
    }
  }
  if (r.empty() || !saw_seccomp) return {Outcome::kError, 0, "cannot read /proc/1/status"};
  return Worst(r);
}

// The command's own isolation as the kernel reports it, not as the runtime claims:
// no_new_privs set and a seccomp filter installed.
Report OwnStatus(const Args&) {
  std::istringstream status(ReadFile("/proc/self/status"));
  std::vector<Report> r;
  for (std::string line; std::getline(status, line);) {
    std::string value = line.substr(line.find(':') + 1);
    if (line.rfind("NoNewPrivs:", 0) == 0) {
      bool set = std::atoi(value.c_str()) == 1;
      r.push_back({set ? Outcome::kBlocked : Outcome::kEscaped, 0,
                   set ? "no_new_privs is set" : "no_new_privs is not set"});
    } else if (line.rfind("Seccomp:", 0) == 0) {
      bool filtered = std::atoi(value.c_str()) == 2;
      r.push_back({filtered ? Outcome::kBlocked : Outcome::kEscaped, 0,
                   filtered ? "a seccomp filter is installed" : "no seccomp filter"});
    }
  }
  if (r.size() != 2) return {Outcome::kError, 0, "/proc/self/status lacks NoNewPrivs or Seccomp"};
  return Worst(r);
}

// Host uid 0 mapped into this user namespace (or no user namespace at all, which reads
// "0 0 4294967295"): whatever gets out of the mount namespace, through a leaked fd or a
// kernel bug, then acts on the host's files as their owner, root.
Report HostRootMapped(const Args&) {
  std::istringstream map(ReadFile("/proc/self/uid_map"));
  uint64_t inside = 0, outside = 0, count = 0;
  std::string lowest;
  while (map >> inside >> outside >> count) {
    if (lowest.empty()) lowest = std::to_string(outside);
    if (outside == 0) {
      return {Outcome::kEscaped, 0, "host uid 0 is uid " + std::to_string(inside) + " here"};
    }
  }
  if (lowest.empty()) return {Outcome::kError, 0, "/proc/self/uid_map is empty"};
  return {Outcome::kBlocked, 0,
          "host uid 0 is not mapped (the first mapping starts at host uid " + lowest + ")"};
}

}  // namespace snaprun::probe
