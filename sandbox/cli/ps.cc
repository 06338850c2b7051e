// `ps [--format table|json] ID`: the container's processes as host pids. With a cgroup
// they are its cgroup.procs; without one, every process in init's pid namespace (found
// by the namespace's inode, from the fd the monitor keeps: init itself is not dumpable,
// so a rootless caller cannot read its /proc/PID/ns), or init's descendants when the
// container shares the host's pid namespace.
#include <Poco/JSON/Array.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "sandbox/base/atomic_file.h"
#include "sandbox/cli/commands.h"
#include "sandbox/cli/container_state.h"

namespace snaprun::sandbox::cli {
namespace {

std::vector<pid_t> HostPids() {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename();
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
      pids.push_back(std::stoi(name));
    }
  }
  return pids;
}

// The whole of a /proc file; "" when it is gone (the process exited meanwhile).
std::string ReadText(const std::string& path) { return ReadFile(path, 1 << 20).value_or(""); }

// Field 4 of /proc/PID/stat, after the parenthesised command name (which may hold spaces).
pid_t ParentOf(pid_t pid) {
  std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::stringstream rest(stat.substr(close + 1));
  std::string state;
  pid_t parent = 0;
  rest >> state >> parent;
  return parent;
}

std::vector<pid_t> Descendants(pid_t init) {
  std::multimap<pid_t, pid_t> children;
  for (pid_t pid : HostPids()) children.emplace(ParentOf(pid), pid);
  std::vector<pid_t> found = {init};
  for (size_t i = 0; i < found.size(); ++i) {
    auto [first, last] = children.equal_range(found[i]);
    for (auto it = first; it != last; ++it) found.push_back(it->second);
  }
  return found;
}

Result<std::vector<pid_t>> InPidNamespaceOf(const std::string& dir, pid_t init) {
  std::vector<NamespaceFd> namespaces = SNAPRUN_TRY(FetchNamespaces(dir));
  std::optional<ino_t> inode;
  for (const NamespaceFd& ns : namespaces) {
    struct stat st {};
    if (ns.name == "pid" && fstat(ns.fd.get(), &st) == 0) inode = st.st_ino;
  }
  if (!inode) return Descendants(init);
  std::string wanted = "pid:[" + std::to_string(*inode) + "]";
  std::vector<pid_t> pids = {init};
  for (pid_t pid : HostPids()) {
    char link[64] = {};
    std::string path = "/proc/" + std::to_string(pid) + "/ns/pid";
    if (pid != init && readlink(path.c_str(), link, sizeof link - 1) > 0 && wanted == link) {
      pids.push_back(pid);
    }
  }
  return pids;
}

Result<std::vector<pid_t>> ContainerPids(const GlobalOptions& global, const std::string& id) {
  SNAPRUN_TRY(ValidateId(id));
  std::string dir = ContainerDir(StateRoot(global), id);
  ContainerRecord record = SNAPRUN_TRY(ReadRecord(dir));
  if (LiveStatus(dir, record) == "stopped") {
    return Error(ErrorCode::kInvalidInput, "container " + id + " is not running");
  }
  std::vector<pid_t> pids;
  if (record.cgroup.empty()) {
    pids = SNAPRUN_TRY(InPidNamespaceOf(dir, record.pid));
  } else {
    std::ifstream procs(record.cgroup + "/cgroup.procs");
    if (!procs) return Error::FromErrno("open", record.cgroup + "/cgroup.procs");
    for (pid_t pid; procs >> pid;) pids.push_back(pid);
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

std::string Uid(pid_t pid) {
  std::stringstream status(ReadText("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Uid:", 0) == 0) {
      std::stringstream fields(line.substr(4));
      std::string uid;
      fields >> uid;
      return uid;
    }
  }
  return "?";
}

std::string Command(pid_t pid) {
  std::string cmdline = ReadText("/proc/" + std::to_string(pid) + "/cmdline");
  while (!cmdline.empty() && cmdline.back() == '\0') cmdline.pop_back();
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  if (!cmdline.empty()) return cmdline;
  std::string comm = ReadText("/proc/" + std::to_string(pid) + "/comm");
  while (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return "[" + comm + "]";
}

void PrintTable(const std::vector<pid_t>& pids) {
  printf("%-8s %-8s %-8s %s\n", "UID", "PID", "PPID", "CMD");
  for (pid_t pid : pids) {
    printf("%-8s %-8d %-8d %s\n", Uid(pid).c_str(), pid, ParentOf(pid), Command(pid).c_str());
  }
}

}  // namespace

void RegisterPs(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("table");
  auto* cmd = app.add_subcommand("ps", "list a container's processes (host pids)");
  cmd->add_option("--format,-f", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->add_option("id", *id, "container id")->required();
  cmd->callback([&global, id, format, exit_code] {
    auto pids = ContainerPids(global, *id);
    *exit_code = ReportError(pids) ? 0 : 1;
    if (!pids) return;
    if (*format == "table") return PrintTable(*pids);
    Poco::JSON::Array array;
    for (pid_t pid : *pids) array.add(static_cast<int>(pid));
    array.stringify(std::cout);
    std::cout << "\n";
  });
}

}  // namespace snaprun::sandbox::cli
