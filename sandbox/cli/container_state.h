// Container state under --root: one directory per id holding `lock` (flock: create,
// start, kill and delete of one id take turns), `state.json` (written atomically),
// `monitor.lock` (held by the live monitor for its whole life, so a free lock means
// the monitor and with it the container are gone, whatever state.json says) and
// `ctl.sock` (the monitor's control socket: start, kill, pause, resume, and for exec
// and ps the namespaces and the cgroup).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/base/unique_fd.h"
#include "sandbox/namespaces.h"

namespace snaprun::sandbox::cli {

struct ContainerRecord {
  std::string id;
  std::string bundle;
  std::string status;            // creating, created, running, paused, stopped
  std::string created;           // RFC 3339, UTC
  std::string annotations_json = "{}";  // the bundle's "annotations" object, "{}" when none
  std::string cgroup;            // the container's cgroup directory, when it has one
  pid_t pid = 0;                 // init, in the caller's pid namespace
  pid_t monitor_pid = 0;
  uid_t owner = 0;
  std::optional<int> exit_status;  // once stopped by its monitor: 0-255 or 128+signal
};

// $XDG_RUNTIME_DIR/snaprun-sandbox rootless, /run/snaprun-sandbox for root.
std::string DefaultStateRoot();
// runc's rule: [A-Za-z0-9][A-Za-z0-9_.-]*, and no longer than a file name.
Result<void> ValidateId(const std::string& id);
std::string ContainerDir(const std::string& root, const std::string& id);

// The per-container flock, held while one verb works on the container. Acquire fails
// with kNotFound when the container does not exist (or was deleted while waiting).
Result<UniqueFd> LockContainer(const std::string& root, const std::string& id);
// Creates the container's directory and takes its lock; kAlreadyExists when taken.
Result<UniqueFd> CreateContainerDir(const std::string& root, const std::string& id);
Result<void> RemoveContainerDir(const std::string& root, const std::string& id);

Result<ContainerRecord> ReadRecord(const std::string& dir);
Result<void> WriteRecord(const std::string& dir, const ContainerRecord& record);
// state.json's status corrected by the monitor lock: a container without a live
// monitor is stopped.
std::string LiveStatus(const std::string& dir, const ContainerRecord& record);
// The OCI state JSON of RECORD with STATUS.
std::string StateJson(const ContainerRecord& record, const std::string& status);

// Takes and holds monitor.lock (the monitor's liveness token).
Result<UniqueFd> HoldMonitorLock(const std::string& dir);
// A listening SOCK_SEQPACKET socket at DIR/ctl.sock.
Result<UniqueFd> ListenControl(const std::string& dir);
// Sends REQUEST to the monitor and returns its one-message reply.
Result<std::string> ControlRequest(const std::string& dir, const std::string& request);
// The same, for replies that carry fds (SCM_RIGHTS), e.g. "namespaces".
struct ControlReply {
  std::string text;
  std::vector<UniqueFd> fds;
};
Result<ControlReply> ControlRequestFds(const std::string& dir, const std::string& request);
// The monitor's side: one reply with FDS attached.
Result<void> SendControlReply(int socket_fd, const std::string& text, const std::vector<int>& fds);

// Init's namespaces from the monitor ("ok user mnt …" and the fds in that order).
Result<std::vector<NamespaceFd>> FetchNamespaces(const std::string& dir);

// Every container id under ROOT, sorted.
std::vector<std::string> ListContainerIds(const std::string& root);

}  // namespace snaprun::sandbox::cli
