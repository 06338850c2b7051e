// Preflight: what this host lets the caller's sandboxes do, and for each missing
// piece what the runtime falls back to and how an operator enables it. It reads
// the host through HostPaths so tests can present a host with features masked,
// and optionally runs live probes (a forked child tries the real operation),
// because sysctls alone do not show AppArmor or seccomp policies of the caller.
#pragma once

#include <string>
#include <vector>

namespace snaprun::sandbox {

enum class CheckStatus {
  kOk,        // available as the runtime wants it
  kDegraded,  // works with a fallback (named in CheckItem::fallback)
  kMissing,   // not available; the runtime cannot offer what depends on it
};
const char* CheckStatusName(CheckStatus status);

struct CheckItem {
  std::string name;    // "user namespaces", "rootless overlayfs", …
  CheckStatus status = CheckStatus::kOk;
  std::string detail;  // what was found
  std::string fallback;      // what the runtime does instead (empty when kOk)
  std::string how_to_enable;  // the operator's fix (empty when kOk)
};

// Roots the checks read from; the defaults are the live host.
struct HostPaths {
  std::string proc = "/proc";
  std::string etc = "/etc";
  std::string usr_bin = "/usr/bin";
};

struct PreflightOptions {
  HostPaths paths;
  bool live_probes = true;  // fork children that try unshare/overlay for real
};

struct PreflightReport {
  std::vector<CheckItem> items;
  // The worst status over all items.
  CheckStatus Overall() const;
  std::string ToText() const;
  std::string ToJson() const;
};

PreflightReport RunPreflight(const PreflightOptions& options);

}  // namespace snaprun::sandbox
