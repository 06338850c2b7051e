// Real filters in forked children: each test installs a compiled profile and checks
// what the kernel answers. The child reports errno through its exit code.
#include "sandbox/seccomp.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <functional>
#include <map>

#include "tests/support/host_facts.h"
#include "tests/support/process.h"

namespace snaprun::sandbox {
namespace {

using snaprun::testing::SourcePath;

const SeccompProgram& Compiled(const char* name) {
  static std::map<std::string, SeccompProgram> cache;
  auto it = cache.find(name);
  if (it == cache.end()) {
    SeccompProfile profile =
        LoadSeccompProfileFile(SourcePath("policies/seccomp/") + name).value();
    it = cache.emplace(name, CompileSeccomp(profile).value()).first;
  }
  return it->second;
}

struct Outcome {
  int exit_code = -1;  // the errno the attempt got (0: it succeeded)
  int signal = 0;      // set when the filter killed the child
};

// Forks; the child sets no_new_privs, installs PROGRAM and returns ATTEMPT's errno.
Outcome RunFiltered(const SeccompProgram& program, const std::function<int()>& attempt) {
  pid_t pid = fork();
  if (pid == 0) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(200);
    if (InstallSeccomp(program) != 0) _exit(201);
    _exit(attempt());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome out;
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  return out;
}

int ErrnoOf(long rc) { return rc == -1 ? errno : 0; }

Outcome UnderDefault(const std::function<long()>& call) {
  return RunFiltered(Compiled("default.json"), [&] { return ErrnoOf(call()); });
}

TEST(SeccompCompile, DefaultProfileFitsTheKernelLimit) {
  const SeccompProgram& program = Compiled("default.json");
  EXPECT_GT(program.instructions.size(), 10u);
  EXPECT_LE(program.instructions.size(), 4096u);
  EXPECT_EQ(program.flags, 0u);
}

TEST(SeccompCompile, UnknownSyscallNamesAreSkipped) {
  SeccompProfile p;
  p.syscalls.push_back({{"no_such_syscall", "mount"}, "SCMP_ACT_ERRNO", std::nullopt, {}});
  EXPECT_TRUE(CompileSeccomp(p).has_value());
}

TEST(SeccompCompile, NotifyIsUnsupported) {
  SeccompProfile p;
  p.syscalls.push_back({{"mount"}, "SCMP_ACT_NOTIFY", std::nullopt, {}});
  Result<SeccompProgram> program = CompileSeccomp(p);
  ASSERT_FALSE(program.has_value());
  EXPECT_EQ(program.error().code(), ErrorCode::kUnsupported);
}

TEST(SeccompCompile, ConflictingRulesAreAnError) {
  SeccompProfile p;
  p.syscalls.push_back({{"mount"}, "SCMP_ACT_ERRNO", std::nullopt, {}});
  p.syscalls.push_back({{"mount"}, "SCMP_ACT_KILL_PROCESS", std::nullopt, {}});
  Result<SeccompProgram> program = CompileSeccomp(p);
  ASSERT_FALSE(program.has_value());
  EXPECT_NE(program.error().message().find("syscalls[1]"), std::string::npos);
}

TEST(SeccompDefault, MountGetsEPERM) {
  EXPECT_EQ(UnderDefault([] { return mount("none", "/tmp", "tmpfs", 0, nullptr); }).exit_code,
            EPERM);
}

TEST(SeccompDefault, PtraceGetsEPERM) {
  EXPECT_EQ(UnderDefault([] { return ptrace(PTRACE_TRACEME, 0, nullptr, nullptr); }).exit_code,
            EPERM);
}

TEST(SeccompDefault, UnshareUserNamespaceGetsEPERM) {
  EXPECT_EQ(UnderDefault([] { return unshare(CLONE_NEWUSER); }).exit_code, EPERM);
}

TEST(SeccompDefault, CloneWithNewNamespaceGetsEPERM) {
  for (long flag : {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET}) {
    Outcome out = UnderDefault([flag] {
      long rc = syscall(SYS_clone, flag | SIGCHLD, 0, 0, 0, 0);
      if (rc == 0) _exit(0);  // the clone escaped the filter: the new child leaves at once
      return rc;
    });
    EXPECT_EQ(out.exit_code, EPERM) << std::hex << flag;
  }
}

TEST(SeccompDefault, PlainForkStillWorks) {
  Outcome out = UnderDefault([] {
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    return pid > 0 ? waitpid(pid, nullptr, 0) : -1L;
  });
  EXPECT_EQ(out.exit_code, 0);
}

TEST(SeccompDefault, Clone3GetsENOSYSSoLibcFallsBack) {
  Outcome out = UnderDefault([] {
    clone_args args{};
    args.flags = CLONE_NEWUSER;
    args.exit_signal = SIGCHLD;
    long rc = syscall(SYS_clone3, &args, sizeof args);
    if (rc == 0) _exit(0);
    return rc;
  });
  EXPECT_EQ(out.exit_code, ENOSYS);
}

TEST(SeccompDefault, TiocstiGetsEPERMEvenWithHighBitsSet) {
  for (unsigned long request : {0x5412ul, 0x100005412ul, 0x541Cul}) {
    Outcome out = UnderDefault([request] {
      char c = 'x';
      return syscall(SYS_ioctl, 0, request, &c);
    });
    EXPECT_EQ(out.exit_code, EPERM) << std::hex << request;
  }
}

TEST(SeccompDefault, DangerousPersonasGetEPERM) {
  for (unsigned long persona : {0x0400000ul, 0x0100000ul, 0x80400000ul, 0xfffffffeul}) {
    Outcome out = UnderDefault([persona] { return syscall(SYS_personality, persona); });
    EXPECT_EQ(out.exit_code, EPERM) << std::hex << persona;
  }
}

TEST(SeccompDefault, PersonaQueryAndNoRandomizeStayAllowed) {
  for (unsigned long persona : {0xfffffffful, 0x0040000ul, 0x0ul}) {
    Outcome out = UnderDefault([persona] { return syscall(SYS_personality, persona); });
    EXPECT_EQ(out.exit_code, 0) << std::hex << persona;
  }
}

TEST(SeccompDefault, KeyctlBpfAndIoUringGetEPERM) {
  for (long nr : {SYS_keyctl, SYS_bpf, SYS_io_uring_setup, SYS_perf_event_open, SYS_setns,
                  SYS_init_module, SYS_kexec_load, SYS_userfaultfd, SYS_open_by_handle_at}) {
    Outcome out = UnderDefault([nr] { return syscall(nr, 0, 0, 0, 0, 0); });
    EXPECT_EQ(out.exit_code, EPERM) << "syscall " << nr;
  }
}

#if defined(__x86_64__)
// x32 is not in the filter's architectures: libseccomp routes syscall numbers with
// __X32_SYSCALL_BIT to the bad-architecture action, which kills the process.
TEST(SeccompDefault, X32SyscallKillsTheProcess) {
  Outcome out = UnderDefault([] { return syscall(0x40000000L | SYS_getpid); });
  EXPECT_EQ(out.signal, SIGSYS);
}

// The i386 entry point (int 0x80) carries AUDIT_ARCH_I386: a foreign architecture.
TEST(SeccompDefault, I386SyscallKillsTheProcess) {
  if (auto missing = snaprun::testing::MissingI386Abi()) {
    GTEST_SKIP() << snaprun::testing::HostFactSkip("no-i386-abi", *missing);
  }
  Outcome out = UnderDefault([] {
    long rc = 20;  // __NR_getpid on i386
    asm volatile("int $0x80" : "+a"(rc) : : "memory");
    return 0L;
  });
  EXPECT_EQ(out.signal, SIGSYS);
}
#endif

// Execs ARGV under PROFILE; returns the exit status seen by the parent.
Outcome ExecUnder(const char* profile, std::vector<const char*> argv) {
  argv.push_back(nullptr);
  return RunFiltered(Compiled(profile), [&] {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execv(argv[0], const_cast<char* const*>(argv.data()));
    return 127;
  });
}

// What a research program does: files, threads, a subprocess, JSON.
const std::vector<const char*> kPython = {
    "/usr/bin/python3", "-c",
    "import json, os, subprocess, tempfile, threading\n"
    "d = tempfile.mkdtemp(); open(d + '/x', 'w').write('1')\n"
    "os.mkfifo(d + '/fifo')\n"
    "t = threading.Thread(target=print); t.start(); t.join()\n"
    "subprocess.run(['/bin/true'], check=True)\n"
    "print(json.dumps(os.listdir(d)))"};
const std::vector<const char*> kBusybox = {
    "/bin/busybox", "sh", "-c",
    "ls / >/dev/null && echo ok | grep -q ok && cat /proc/self/status"
    " | grep -q Seccomp && sleep 0"};

TEST(SeccompDefault, Python3Runs) {
  Outcome out = ExecUnder("default.json", kPython);
  EXPECT_EQ(out.signal, 0);
  EXPECT_EQ(out.exit_code, 0);
}

TEST(SeccompDefault, BusyboxShellRuns) {
  Outcome out = ExecUnder("default.json", kBusybox);
  EXPECT_EQ(out.signal, 0);
  EXPECT_EQ(out.exit_code, 0);
}

// The profile is an allow-list: a call it does not name gets EPERM. process_madvise
// with a bad pidfd is harmless, and unfiltered answers EBADF: the call is reachable.
TEST(SeccompDefault, AnUnlistedSyscallGetsEPERM) {
  auto call = [] { return ErrnoOf(syscall(SYS_process_madvise, -1, nullptr, 0, 0, 0)); };
  ASSERT_EQ(call(), EBADF);
  EXPECT_EQ(RunFiltered(Compiled("default.json"), call).exit_code, EPERM);
}

// Only TIOCSTI and TIOCLINUX are cut out of ioctl: neighbours and high-bit
// variants of other requests reach the kernel (ENOTTY on a pipe, not EPERM).
TEST(SeccompDefault, OtherIoctlsReachTheKernel) {
  for (unsigned long request : {0x5401ul, 0x5411ul, 0x5413ul, 0x541Bul, 0x541Dul, 0x5410ul,
                                0x1000005413ul, 0xc0105512ul}) {
    Outcome out = UnderDefault([request] {
      int fds[2];
      if (pipe(fds) != 0) return -1L;
      int value = 0;
      return syscall(SYS_ioctl, fds[0], request, &value);
    });
    EXPECT_NE(out.exit_code, EPERM) << std::hex << request;
    EXPECT_EQ(out.signal, 0) << std::hex << request;
  }
}

TEST(SeccompStrict, Python3Runs) {
  Outcome out = ExecUnder("strict.json", kPython);
  EXPECT_EQ(out.signal, 0);
  EXPECT_EQ(out.exit_code, 0);
}

TEST(SeccompStrict, BusyboxShellRuns) {
  Outcome out = ExecUnder("strict.json", kBusybox);
  EXPECT_EQ(out.signal, 0);
  EXPECT_EQ(out.exit_code, 0);
}

TEST(SeccompStrict, UnlistedSyscallGetsENOSYS) {
  Outcome out = RunFiltered(Compiled("strict.json"),
                            [] { return ErrnoOf(syscall(SYS_acct, nullptr)); });
  EXPECT_EQ(out.exit_code, ENOSYS);
}

TEST(SeccompStrict, MountGetsEPERM) {
  Outcome out = RunFiltered(Compiled("strict.json"), [] {
    return ErrnoOf(mount("none", "/tmp", "tmpfs", 0, nullptr));
  });
  EXPECT_EQ(out.exit_code, EPERM);
}

}  // namespace
}  // namespace snaprun::sandbox
