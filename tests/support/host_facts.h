// Host facts a test may skip on, each detected on this machine, never assumed.
// A skip on one of them reads "host fact KEY: detail"; scripts/check_test_report.py
// lets a skip pass only when KEY is listed in tests/allowed_skips.txt.
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

}  // namespace snaprun::testing
