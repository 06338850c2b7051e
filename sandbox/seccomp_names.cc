#include "sandbox/seccomp_names.h"

#include <linux/seccomp.h>
#include <seccomp.h>

#include <utility>

namespace snaprun::sandbox {
namespace {

template <typename T, size_t N>
std::optional<T> Find(const std::pair<std::string_view, T> (&table)[N], std::string_view name) {
  for (const auto& [key, value] : table) {
    if (key == name) return value;
  }
  return std::nullopt;
}

// SCMP_ACT_KILL is the thread-killing action in libseccomp (and in runc).
constexpr std::pair<std::string_view, SeccompActionKind> kActions[] = {
    {"SCMP_ACT_KILL", SeccompActionKind::kKillThread},
    {"SCMP_ACT_KILL_THREAD", SeccompActionKind::kKillThread},
    {"SCMP_ACT_KILL_PROCESS", SeccompActionKind::kKillProcess},
    {"SCMP_ACT_TRAP", SeccompActionKind::kTrap},
    {"SCMP_ACT_ERRNO", SeccompActionKind::kErrno},
    {"SCMP_ACT_TRACE", SeccompActionKind::kTrace},
    {"SCMP_ACT_ALLOW", SeccompActionKind::kAllow},
    {"SCMP_ACT_LOG", SeccompActionKind::kLog},
    {"SCMP_ACT_NOTIFY", SeccompActionKind::kNotify},
};

constexpr std::pair<std::string_view, uint32_t> kArches[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},         {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},         {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64}, {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},   {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},   {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},         {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE}, {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},     {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64}, {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
};

constexpr std::pair<std::string_view, int> kOperators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE}, {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

// SECCOMP_FILTER_FLAG_NEW_LISTENER is absent on purpose: nothing here receives
// the notification fd, so a profile asking for it is refused rather than ignored.
constexpr std::pair<std::string_view, unsigned> kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
};

template <typename T, size_t N>
std::vector<std::string_view> Names(const std::pair<std::string_view, T> (&table)[N]) {
  std::vector<std::string_view> names;
  for (const auto& entry : table) names.push_back(entry.first);
  return names;
}

}  // namespace

std::vector<std::string_view> SeccompActionNames() { return Names(kActions); }
std::vector<std::string_view> SeccompArchNames() { return Names(kArches); }
std::vector<std::string_view> SeccompOperatorNames() { return Names(kOperators); }
std::vector<std::string_view> SeccompFlagNames() { return Names(kFlags); }

std::optional<SeccompActionKind> SeccompActionFromName(std::string_view name) {
  return Find(kActions, name);
}
std::optional<uint32_t> SeccompArchFromName(std::string_view name) { return Find(kArches, name); }
std::optional<int> SeccompOperatorFromName(std::string_view name) {
  return Find(kOperators, name);
}
std::optional<unsigned> SeccompFlagFromName(std::string_view name) { return Find(kFlags, name); }

}  // namespace snaprun::sandbox
