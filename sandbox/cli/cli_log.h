// Where snaprun-sandbox's complaints go: stderr always, and the --log file when one is
// given, in --log-format. runc drivers (containerd's shim, podman) read that file for the
// reason a create or start failed; with json each line is {"level", "msg", "time"}, as
// runc writes it.
#pragma once

#include <string>

namespace snaprun::sandbox::cli {

// Opens PATH for appending (a no-op when empty); later Complain calls also write there.
// The fd is inherited by a container's monitor, so its own complaints land there too.
void OpenCliLog(const std::string& path, const std::string& format);

// "snaprun-sandbox: MESSAGE" on stderr, and an error line in the log.
void Complain(const std::string& message);
// "snaprun-sandbox: warning: MESSAGE" on stderr, and a warning line in the log.
void Warn(const std::string& message);

// Now as RFC 3339 in UTC with nanoseconds: log lines and the state's "created".
std::string NowRfc3339();

// Whether the log is JSON: then the monitor's stray stderr must not reach it raw.
bool CliLogIsJson();

}  // namespace snaprun::sandbox::cli
