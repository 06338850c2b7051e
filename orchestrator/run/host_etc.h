// The host image's /etc: not the host's /etc, which holds /etc/shadow, SSH host keys
// and /etc/ssl/private, readable by a root run, but what programs need of it, bound
// read-only entry by entry, and stubs for the names a sandbox must not learn from the
// host (users, groups, the hosts table).
#pragma once

#include <string>
#include <vector>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// The host image's /etc, as BuildRunConfig binds it.
struct HostEtc {
  std::string stubs_dir;             // holds passwd, group and hosts for this run
  std::vector<std::string> entries;  // paths under /etc present on the host, allow-listed
};

// The allow-listed paths under ETC_DIR that exist there: the dynamic linker's cache
// and configuration, Debian's alternatives, CA certificates (not ssl/private), time
// zone, name-service switch and protocol tables, os-release, and the configuration
// directories interpreters read (python3*, R, java-*, fonts, openmpi, …). `hosts`
// and `resolv.conf` are listed too: BuildRunConfig binds them only with network: host.
std::vector<std::string> HostEtcEntries(const std::string& etc_dir = "/etc");

// Writes passwd, group and hosts stubs naming only root, nobody, localhost and
// HOSTNAME into DIR (created 0755); returns the HostEtc for the host's /etc.
Result<HostEtc> WriteHostEtc(const std::string& dir, const std::string& hostname);

}  // namespace snaprun::orchestrator
