// The only reasons a test may skip (scripts/check_test_report.py refuses others):
// a host fact, detected on this machine and never assumed, whose KEY is listed in
// tests/allowed_skips.txt; or a mode the test has no meaning in.
#pragma once

#include <optional>
#include <string>

namespace snaprun::testing {

// nullopt when the host kernel answers an i386 syscall (int 0x80) made outside any
// filter; otherwise what it did instead. Kernels built without IA32 emulation, or
// booted with ia32_emulation=0, kill the caller with SIGSEGV: there is then no
// foreign ABI for a seccomp filter to block.
std::optional<std::string> MissingI386Abi();

// The message a skip on host fact KEY carries.
std::string HostFactSkip(const std::string& key, const std::string& detail);

// The message of a skip in the mode where a test has nothing to test (rootless
// joins are refused, so joining is tested as root). The checker accepts it only
// when the same test passed in the other mode in the same run.
std::string RootOnlySkip(const std::string& why);
std::string RootlessOnlySkip(const std::string& why);

}  // namespace snaprun::testing
