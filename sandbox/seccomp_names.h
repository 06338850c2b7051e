// The OCI spellings of seccomp actions, architectures, operators and filter flags,
// and their libseccomp/kernel values. One table shared by the JSON adapter (which
// rejects names not listed here) and the compiler (which maps them), so the two
// can never disagree on what a profile may say.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace snaprun::sandbox {

enum class SeccompActionKind { kKillProcess, kKillThread, kTrap, kErrno, kTrace, kAllow, kLog,
                               kNotify };

std::optional<SeccompActionKind> SeccompActionFromName(std::string_view name);
// SCMP_ARCH_* value for an OCI architecture name.
std::optional<uint32_t> SeccompArchFromName(std::string_view name);
// scmp_compare value for an OCI operator name.
std::optional<int> SeccompOperatorFromName(std::string_view name);
// SECCOMP_FILTER_FLAG_* bit for an OCI flag name.
std::optional<unsigned> SeccompFlagFromName(std::string_view name);

// Every name each table accepts, in table order (for `features`).
std::vector<std::string_view> SeccompActionNames();
std::vector<std::string_view> SeccompArchNames();
std::vector<std::string_view> SeccompOperatorNames();
std::vector<std::string_view> SeccompFlagNames();

}  // namespace snaprun::sandbox
