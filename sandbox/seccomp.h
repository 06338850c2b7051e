// Seccomp: the profile (OCI linux.seccomp shape) is compiled to a BPF program
// with libseccomp in the parent; the child only installs the ready program, as
// the very last step before exec (after no_new_privs), so nothing it does later
// is filtered by accident and nothing allocates after clone().
#pragma once

#include <linux/filter.h>

#include <string>
#include <string_view>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox {

// JSON (the OCI linux.seccomp object, or a profile file of the same shape) → profile.
// Unknown keys, actions, architectures, operators are kInvalidInput naming the key.
Result<SeccompProfile> SeccompProfileFromJson(std::string_view json, std::string_view origin);
Result<SeccompProfile> LoadSeccompProfileFile(const std::string& path);
// The same shape back (compact JSON), e.g. for writing a bundle's config.json.
std::string SeccompProfileToJson(const SeccompProfile& profile);

struct SeccompProgram {
  std::vector<sock_filter> instructions;
  unsigned int flags = 0;  // SECCOMP_FILTER_FLAG_*
};

// Compiles PROFILE for the native architecture plus the ones it lists; syscall
// names unknown to libseccomp on this arch are skipped (as runc does), but an
// unknown action or operator is an error.
Result<SeccompProgram> CompileSeccomp(const SeccompProfile& profile);

// Child side, async-signal-safe: seccomp(SECCOMP_SET_MODE_FILTER). Returns 0 or errno.
int InstallSeccomp(const SeccompProgram& program);

}  // namespace snaprun::sandbox
