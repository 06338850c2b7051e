// Dispatch and the one-line JSON report. Exit status: 0 blocked, 1 escaped, 2 error,
// 64 usage, so a shell can use the probe without parsing JSON.
#include "tests/probes/probe.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace snaprun::probe {

bool IsRefusal(int err) {
  switch (err) {
    case EPERM: case EACCES: case EROFS: case ENOSYS: case ENOENT: case ETXTBSY: case EXDEV:
      return true;
    default:
      return false;
  }
}

std::string Describe(const std::string& what, int err) {
  return what + ": " + (err == 0 ? "succeeded" : std::strerror(err));
}

Report Judge(long call_result, int err, const std::string& what) {
  if (call_result >= 0) return {Outcome::kEscaped, 0, Describe(what, 0)};
  return {IsRefusal(err) ? Outcome::kBlocked : Outcome::kError, err, Describe(what, err)};
}

Report JudgePrivileged(long call_result, int err, const std::string& what) {
  if (call_result < 0 && IsRefusal(err)) return {Outcome::kBlocked, err, Describe(what, err)};
  return {Outcome::kEscaped, call_result < 0 ? err : 0,
          Describe(what, call_result < 0 ? err : 0) + " (privilege check passed)"};
}

Report Worst(const std::vector<Report>& reports) {
  Report worst{Outcome::kBlocked, 0, ""};
  for (const Report& r : reports) {
    if (!worst.detail.empty()) worst.detail += "; ";
    worst.detail += r.detail;
    bool worse = r.outcome == Outcome::kEscaped ||
                 (r.outcome == Outcome::kError && worst.outcome == Outcome::kBlocked);
    if (worse || (worst.err == 0 && r.outcome == worst.outcome)) {
      worst.outcome = r.outcome;
      worst.err = r.err;
    }
  }
  return worst;
}

namespace {

struct Command {
  std::string_view name;
  Attack run;
  std::string_view usage;
};

constexpr Command kCommands[] = {
    {"write-root", WriteRoot, ""},         {"write-path", WritePath, "PATH"},
    {"mount", Mount, ""},                  {"umount", Umount, ""},
    {"pivot-root", PivotRoot, ""},         {"chroot-escape", ChrootEscape, ""},
    {"mknod", Mknod, ""},                  {"proc-exe", ProcExe, ""},
    {"cwd-procfd", CwdProcfd, ""},         {"cgroup-write", CgroupWrite, ""},
    {"sysrq", Sysrq, ""},                  {"masked-read", MaskedRead, "PATH"},
    {"disk-fill", DiskFill, "PATH [MB]"},  {"ptrace", Ptrace, ""},
    {"caps", Caps, ""},                    {"setuid", Setuid, "SETUID_BINARY"},
    {"ids", Ids, ""},                      {"fds", Fds, ""},
    {"pids", Pids, ""},                    {"userns", Userns, ""},
    {"forkbomb", Forkbomb, "[MAX]"},       {"memhog", Memhog, "[MB [PROCS]]"},
    {"cpu-spin", CpuSpin, "[SECONDS]"},    {"net-connect", NetConnect, "IP PORT"},
    {"kmod", Kmod, ""},                    {"keyctl", Keyctl, ""},
    {"bpf", Bpf, ""},                      {"io_uring", IoUring, ""},
    {"perf", Perf, ""},                    {"x32", X32, ""},
    {"i386", I386, ""},                    {"kexec", Kexec, ""},
    {"tiocsti", Tiocsti, ""},              {"tiocsti-pty", TiocstiPty, ""},
    {"init-privileges", InitPrivileges, ""},
    {"mount-over", MountOver, "PATH"},      {"own-status", OwnStatus, ""},
    {"mount-api", MountApi, ""},            {"open-by-handle", OpenByHandle, ""},
    {"setns", Setns, ""},                  {"host-root-mapped", HostRootMapped, ""},
    {"unix-connect", UnixConnect, "@ABSTRACT|PATH"},
};

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kBlocked: return "blocked";
    case Outcome::kEscaped: return "escaped";
    case Outcome::kError: return "error";
  }
  return "error";
}

int Usage() {
  std::fprintf(stderr, "usage: snaprun-probe ATTACK [ARGS]\nattacks:\n");
  for (const Command& c : kCommands) {
    std::fprintf(stderr, "  %.*s %.*s\n", static_cast<int>(c.name.size()), c.name.data(),
                 static_cast<int>(c.usage.size()), c.usage.data());
  }
  return 64;
}

}  // namespace
}  // namespace snaprun::probe

int main(int argc, char** argv) {
  using namespace snaprun::probe;
  if (argc < 2) return Usage();
  std::string_view name = argv[1];
  for (const Command& c : kCommands) {
    if (c.name != name) continue;
    Report r = c.run(Args(argv + 2, argv + argc));
    std::printf("{\"attack\":%s,\"result\":\"%s\",\"errno\":%d,\"detail\":%s}\n",
                JsonString(name).c_str(), OutcomeName(r.outcome), r.err,
                JsonString(r.detail).c_str());
    std::fflush(stdout);
    return r.outcome == Outcome::kBlocked ? 0 : r.outcome == Outcome::kEscaped ? 1 : 2;
  }
  return Usage();
}
