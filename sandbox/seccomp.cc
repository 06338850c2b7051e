// Seccomp compilation (parent, libseccomp) and installation (child, raw syscall).
// libseccomp is used only to build and export the BPF program; its seccomp_load
// would allocate and set no_new_privs itself, both of which belong to the child
// setup order, so the child gets a plain sock_filter array instead.
#include "sandbox/seccomp.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <memory>

#include "sandbox/base/log.h"
#include "sandbox/base/syscall.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/seccomp_names.h"

namespace snaprun::sandbox {
namespace {

struct FilterRelease {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Filter = std::unique_ptr<void, FilterRelease>;

Error LibseccompError(int rc, std::string_view what) {
  return Error(ErrorCode::kInvalidInput, std::string(what) + ": " + std::strerror(-rc), -rc);
}

// errnoRet defaults to EPERM, as in runc; SCMP_ACT_TRACE carries it as the tracer's message.
Result<uint32_t> ActionValue(const std::string& name, std::optional<uint32_t> errno_ret,
                             const std::string& where) {
  std::optional<SeccompActionKind> kind = SeccompActionFromName(name);
  if (!kind) return Error(ErrorCode::kInvalidInput, where + ": unknown action \"" + name + "\"");
  switch (*kind) {
    case SeccompActionKind::kKillProcess: return SCMP_ACT_KILL_PROCESS;
    case SeccompActionKind::kKillThread: return SCMP_ACT_KILL_THREAD;
    case SeccompActionKind::kTrap: return SCMP_ACT_TRAP;
    case SeccompActionKind::kErrno: return SCMP_ACT_ERRNO(errno_ret.value_or(EPERM));
    case SeccompActionKind::kTrace: return SCMP_ACT_TRACE(errno_ret.value_or(EPERM));
    case SeccompActionKind::kAllow: return SCMP_ACT_ALLOW;
    case SeccompActionKind::kLog: return SCMP_ACT_LOG;
    case SeccompActionKind::kNotify: break;
  }
  return Error(ErrorCode::kUnsupported,
               where + ": SCMP_ACT_NOTIFY needs a seccomp agent, which snaprun does not run");
}

Result<void> AddArchitectures(void* ctx, const SeccompProfile& profile) {
  for (const std::string& name : profile.architectures) {
    std::optional<uint32_t> arch = SeccompArchFromName(name);
    if (!arch) return Error(ErrorCode::kInvalidInput, "unknown architecture \"" + name + "\"");
    if (*arch == seccomp_arch_native()) continue;
    int rc = seccomp_arch_add(ctx, *arch);
    if (rc != 0 && rc != -EEXIST) return LibseccompError(rc, "add architecture " + name);
  }
  // Architectures not in the filter (and x32 on x86_64 unless listed) kill the whole
  // process: a foreign-ABI syscall is how filters get bypassed, and ENOSYS would let a
  // probe keep trying. Killing only the thread would leave the rest of it running.
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (rc != 0) return LibseccompError(rc, "set the bad-architecture action");
  return Ok();
}

Result<std::vector<scmp_arg_cmp>> Conditions(const SeccompRule& rule, const std::string& where) {
  std::vector<scmp_arg_cmp> out;
  for (const SeccompArg& arg : rule.args) {
    std::optional<int> op = SeccompOperatorFromName(arg.op);
    if (!op || arg.index > 5) {
      return Error(ErrorCode::kInvalidInput, where + ": bad argument filter " + arg.op);
    }
    out.push_back(scmp_arg_cmp{arg.index, static_cast<scmp_compare>(*op), arg.value,
                               arg.value_two});
  }
  return out;
}

// libseccomp refuses two comparisons of the same argument in one rule (EINVAL).
// As runc does, a rule whose args all test one index means "any of them": one
// libseccomp rule each. Otherwise the comparisons are ANDed in a single rule.
bool AllSameIndex(const std::vector<scmp_arg_cmp>& conds) {
  if (conds.size() < 2) return false;
  for (const scmp_arg_cmp& c : conds) {
    if (c.arg != conds.front().arg) return false;
  }
  return true;
}

Result<void> AddSyscall(void* ctx, uint32_t action, int nr, const std::vector<scmp_arg_cmp>& conds,
                        const std::string& what) {
  int rc = 0;
  if (AllSameIndex(conds)) {
    for (const scmp_arg_cmp& c : conds) {
      rc = seccomp_rule_add_array(ctx, action, nr, 1, &c);
      if (rc != 0) break;
    }
  } else {
    rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conds.size()),
                                conds.data());
  }
  if (rc != 0) return LibseccompError(rc, what);
  return Ok();
}

// What each syscall already got, to catch rules libseccomp would merge silently: an
// unconditional rule swallows every conditional rule of another action on that syscall
// (an "allow ioctl" would quietly void a "deny ioctl TIOCSTI").
struct Added {
  uint32_t action;
  bool unconditional;
  std::string where;
};
using AddedRules = std::map<std::string, std::vector<Added>>;

Result<void> CheckConflict(AddedRules& added, const std::string& name, const Added& rule) {
  for (const Added& before : added[name]) {
    if (before.action != rule.action && (before.unconditional || rule.unconditional)) {
      return Error(ErrorCode::kInvalidInput,
                   rule.where + ": " + name + " already has a rule with another action in " +
                       before.where + ", and one of them has no argument filter");
    }
  }
  added[name].push_back(rule);
  return Ok();
}

Result<void> AddRule(void* ctx, const SeccompRule& rule, uint32_t default_action,
                     const std::string& where, AddedRules& added) {
  uint32_t action = SNAPRUN_TRY(ActionValue(rule.action, rule.errno_ret, where));
  std::vector<scmp_arg_cmp> conds = SNAPRUN_TRY(Conditions(rule, where));
  // A rule that repeats the default action changes nothing; libseccomp rejects it (EACCES).
  if (action == default_action) return Ok();
  for (const std::string& name : rule.names) {
    SNAPRUN_TRY(CheckConflict(added, name, Added{action, conds.empty(), where}));
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      // Like runc: a profile may list syscalls this architecture does not have.
      log::Debug("seccomp: skipping " + name + ", unknown on this architecture");
      continue;
    }
    SNAPRUN_TRY(AddSyscall(ctx, action, nr, conds, where + ": add rule for " + name));
  }
  return Ok();
}

Result<std::vector<sock_filter>> ExportBpf(void* ctx) {
  UniqueFd fd(memfd_create("snaprun-seccomp", MFD_CLOEXEC));
  if (!fd) return Error::FromErrno("memfd_create", "for the seccomp program");
  if (int rc = seccomp_export_bpf(ctx, fd.get()); rc != 0) {
    return Error(ErrorCode::kInternal, std::string("export seccomp BPF: ") + std::strerror(-rc));
  }
  struct stat st{};
  if (fstat(fd.get(), &st) != 0) return Error::FromErrno("fstat", "seccomp program memfd");
  if (st.st_size % sizeof(sock_filter) != 0 || st.st_size == 0) {
    return Error(ErrorCode::kInternal, "exported seccomp BPF has a truncated instruction");
  }
  std::vector<sock_filter> out(st.st_size / sizeof(sock_filter));
  ssize_t n = RetryOnEintr([&] { return pread(fd.get(), out.data(), st.st_size, 0); });
  if (n != st.st_size) return Error::FromErrno("read", "seccomp program memfd");
  if (out.size() > BPF_MAXINSNS) {
    return Error(ErrorCode::kLimitExceeded, "seccomp program has " + std::to_string(out.size()) +
                                                " instructions; the kernel takes at most " +
                                                std::to_string(BPF_MAXINSNS));
  }
  return out;
}

Result<unsigned> FilterFlags(const SeccompProfile& profile) {
  unsigned flags = 0;
  for (const std::string& name : profile.flags) {
    std::optional<unsigned> bit = SeccompFlagFromName(name);
    if (!bit) return Error(ErrorCode::kInvalidInput, "unknown seccomp flag \"" + name + "\"");
    flags |= *bit;
  }
  return flags;
}

}  // namespace

Result<SeccompProgram> CompileSeccomp(const SeccompProfile& profile) {
  uint32_t default_action = SNAPRUN_TRY(
      ActionValue(profile.default_action, profile.default_errno_ret, "defaultAction"));
  Filter ctx(seccomp_init(default_action));
  if (!ctx) return Error(ErrorCode::kInternal, "seccomp_init failed");
  SNAPRUN_TRY(AddArchitectures(ctx.get(), profile));
  AddedRules added;
  for (size_t i = 0; i < profile.syscalls.size(); ++i) {
    SNAPRUN_TRY(AddRule(ctx.get(), profile.syscalls[i], default_action,
                        "syscalls[" + std::to_string(i) + "]", added));
  }
  SeccompProgram program;
  program.flags = SNAPRUN_TRY(FilterFlags(profile));
  program.instructions = SNAPRUN_TRY(ExportBpf(ctx.get()));
  return program;
}

int InstallSeccomp(const SeccompProgram& program) {
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.instructions.size());
  prog.filter = const_cast<sock_filter*>(program.instructions.data());
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, program.flags, &prog);
  if (rc == 0) return 0;
  // With SECCOMP_FILTER_FLAG_TSYNC a positive result is the thread that could not sync.
  return rc > 0 ? ESRCH : errno;
}

}  // namespace snaprun::sandbox
