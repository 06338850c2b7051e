#include "sandbox/capabilities.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace snaprun::sandbox {
namespace {

int LastCap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = 0;
  in >> last;
  return last;
}

TEST(CapabilityNames, KnownNamesAreInNumberOrderAndParse) {
  auto names = KnownCapabilityNames();
  ASSERT_GT(names.size(), static_cast<size_t>(CAP_SYS_ADMIN));
  EXPECT_EQ(names[CAP_CHOWN], "CAP_CHOWN");
  EXPECT_EQ(names[CAP_SYS_ADMIN], "CAP_SYS_ADMIN");
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(CapabilityFromName(names[i]).value(), static_cast<int>(i)) << names[i];
  }
}

TEST(CapabilityNames, NameToNumber) {
  EXPECT_EQ(CapabilityFromName("CAP_NET_BIND_SERVICE").value(), CAP_NET_BIND_SERVICE);
  EXPECT_EQ(CapabilityFromName("CAP_SYS_ADMIN").value(), CAP_SYS_ADMIN);
  EXPECT_EQ(CapabilityFromName("cap_chown").value(), CAP_CHOWN);
}

TEST(CapabilityNames, UnknownNamesAreInvalidInput) {
  for (const char* bad : {"CAP_BOGUS", "NET_ADMIN", "10", "all", ""}) {
    Result<int> cap = CapabilityFromName(bad);
    ASSERT_FALSE(cap.has_value()) << bad;
    EXPECT_EQ(cap.error().code(), ErrorCode::kInvalidInput);
  }
}

TEST(CapabilityNames, NumberToNameRoundTrips) {
  EXPECT_EQ(CapabilityName(CAP_NET_BIND_SERVICE), "CAP_NET_BIND_SERVICE");
  for (int cap = 0; cap <= LastCap(); ++cap) {
    EXPECT_EQ(CapabilityFromName(CapabilityName(cap)).value(), cap) << cap;
  }
}

TEST(PlanCapabilities, EmptySetsMeanNoCapabilities) {
  CapabilityPlan plan = PlanCapabilities(CapabilitySets{}).value();
  EXPECT_EQ(plan.bounding | plan.effective | plan.permitted | plan.inheritable | plan.ambient, 0u);
  EXPECT_EQ(plan.last_cap, LastCap());
}

TEST(PlanCapabilities, BuildsMasks) {
  CapabilitySets sets;
  sets.bounding = {CAP_NET_BIND_SERVICE, CAP_CHOWN};
  sets.permitted = sets.effective = sets.inheritable = sets.ambient = {CAP_NET_BIND_SERVICE};
  CapabilityPlan plan = PlanCapabilities(sets).value();
  EXPECT_EQ(plan.bounding, (1ull << CAP_NET_BIND_SERVICE) | (1ull << CAP_CHOWN));
  EXPECT_EQ(plan.ambient, 1ull << CAP_NET_BIND_SERVICE);
}

void ExpectRefused(const CapabilitySets& sets, const std::string& mentions) {
  Result<CapabilityPlan> plan = PlanCapabilities(sets);
  ASSERT_FALSE(plan.has_value());
  EXPECT_EQ(plan.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(plan.error().message().find(mentions), std::string::npos) << plan.error().message();
}

TEST(PlanCapabilities, EffectiveMustBePermitted) {
  CapabilitySets sets;
  sets.bounding = {CAP_CHOWN};
  sets.effective = {CAP_CHOWN};
  ExpectRefused(sets, "CAP_CHOWN is in the effective set but not in the permitted set");
}

TEST(PlanCapabilities, PermittedMustBeInBounding) {
  CapabilitySets sets;
  sets.permitted = {CAP_KILL};
  ExpectRefused(sets, "CAP_KILL is in the permitted set but not in the bounding set");
}

TEST(PlanCapabilities, InheritableMustBeInBounding) {
  CapabilitySets sets;
  sets.inheritable = {CAP_KILL};
  ExpectRefused(sets, "CAP_KILL is in the inheritable set but not in the bounding set");
}

TEST(PlanCapabilities, AmbientNeedsPermittedAndInheritable) {
  CapabilitySets sets;
  sets.bounding = sets.permitted = sets.ambient = {CAP_KILL};
  ExpectRefused(sets, "CAP_KILL is in the ambient set but not in the inheritable set");
  sets.permitted = {};
  sets.inheritable = {CAP_KILL};
  ExpectRefused(sets, "CAP_KILL is in the ambient set but not in the permitted set");
}

TEST(PlanCapabilities, CapsBeyondTheKernelAreRefused) {
  CapabilitySets sets;
  sets.bounding = {LastCap() + 1};
  ExpectRefused(sets, "not known to this kernel");
  sets.bounding = {-1};
  ExpectRefused(sets, "not known to this kernel");
}

// Capability lines of /proc/PID/status text: "CapEff" → mask.
std::map<std::string, uint64_t> CapLines(const std::string& status) {
  std::map<std::string, uint64_t> out;
  std::istringstream in(status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Cap", 0) != 0) continue;
    size_t colon = line.find(':');
    out[line.substr(0, colon)] = std::stoull(line.substr(colon + 1), nullptr, 16);
  }
  return out;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Raises inheritable+ambient CAP_NET_BIND_SERVICE first, so leftovers would show.
void RaiseLeftovers() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  syscall(SYS_capget, &header, data);
  data[0].inheritable |= 1u << CAP_NET_BIND_SERVICE;
  syscall(SYS_capset, &header, data);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0);
}

// Forks; the child applies PLAN and execs cat /proc/self/status into a pipe: the sets
// after execve are the ones a sandboxed command would really hold.
struct Applied {
  int apply_errno = -1;
  std::string status_after_exec;
};

Applied ApplyInChildAndExec(const CapabilityPlan& plan, void (*before)() = RaiseLeftovers) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    before();
    int failed_cap = -1;
    int rc = ApplyCapabilities(plan, &failed_cap);
    (void)!write(err[1], &rc, sizeof rc);
    if (rc != 0) _exit(1);
    dup2(out[1], 1);
    execl("/bin/cat", "cat", "/proc/self/status", nullptr);
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  Applied applied;
  if (read(err[0], &applied.apply_errno, sizeof applied.apply_errno) <= 0) applied.apply_errno = -1;
  applied.status_after_exec = ReadAll(out[0]);
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return applied;
}

TEST(ApplyCapabilities, EmptyPlanLeavesNoCapabilityAfterExec) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: dropping caps is only visible with caps to drop";
  Applied applied = ApplyInChildAndExec(PlanCapabilities(CapabilitySets{}).value());
  ASSERT_EQ(applied.apply_errno, 0) << std::strerror(applied.apply_errno);
  std::map<std::string, uint64_t> caps = CapLines(applied.status_after_exec);
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    ASSERT_TRUE(caps.count(set)) << set << " missing in\n" << applied.status_after_exec;
    EXPECT_EQ(caps[set], 0u) << set;
  }
}

// The order a runtime uses for a non-root command: keep caps across the uid change.
void BecomeNobodyKeepingCaps() {
  prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
  if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) _exit(3);
}

TEST(ApplyCapabilities, WorksAfterUidChangeUnderKeepcaps) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to change uid";
  Applied applied = ApplyInChildAndExec(PlanCapabilities(CapabilitySets{}).value(),
                                        BecomeNobodyKeepingCaps);
  ASSERT_EQ(applied.apply_errno, 0) << std::strerror(applied.apply_errno);
  std::map<std::string, uint64_t> caps = CapLines(applied.status_after_exec);
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    ASSERT_TRUE(caps.count(set)) << set;
    EXPECT_EQ(caps[set], 0u) << set;
  }
}

TEST(ApplyCapabilities, KeptCapabilitySurvivesExecAlone) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: CAP_NET_BIND_SERVICE must be held to keep it";
  CapabilitySets sets;
  sets.bounding = sets.effective = sets.permitted = sets.inheritable = sets.ambient = {
      CAP_NET_BIND_SERVICE};
  Applied applied = ApplyInChildAndExec(PlanCapabilities(sets).value());
  ASSERT_EQ(applied.apply_errno, 0) << std::strerror(applied.apply_errno);
  std::map<std::string, uint64_t> caps = CapLines(applied.status_after_exec);
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    EXPECT_EQ(caps[set], 1ull << CAP_NET_BIND_SERVICE) << set;
  }
}

}  // namespace
}  // namespace snaprun::sandbox
