// `state ID` (the OCI state JSON) and `list [--format table|json]`. Both read without
// the container lock: state.json is replaced atomically, and the monitor lock decides
// whether a created or running container is in fact stopped.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "sandbox/cli/commands.h"
#include "sandbox/cli/container_state.h"

namespace snaprun::sandbox::cli {
namespace {

Result<std::string> State(const GlobalOptions& global, const std::string& id) {
  SNAPRUN_TRY(ValidateId(id));
  std::string dir = ContainerDir(StateRoot(global), id);
  auto record = ReadRecord(dir);
  if (!record) {
    if (record.error().sys_errno() == ENOENT && access(dir.c_str(), F_OK) == 0) {
      // create holds the lock and has not written state.json yet.
      ContainerRecord creating;
      creating.id = id;
      return StateJson(creating, "creating");
    }
    if (record.error().code() == ErrorCode::kNotFound || record.error().sys_errno() == ENOENT) {
      return Error(ErrorCode::kNotFound, "container " + id + " does not exist");
    }
    return std::move(record).error();
  }
  return StateJson(*record, LiveStatus(dir, *record));
}

void List(const GlobalOptions& global, bool json) {
  std::string root = StateRoot(global);
  Poco::JSON::Array array;
  if (!json) printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
  for (const auto& id : ListContainerIds(root)) {
    std::string dir = ContainerDir(root, id);
    auto record = ReadRecord(dir);
    if (!record) continue;  // still being created
    std::string status = LiveStatus(dir, *record);
    int pid = status == "stopped" ? 0 : record->pid;
    if (!json) {
      printf("%-20s %-8d %-10s %-40s %s\n", id.c_str(), pid, status.c_str(),
             record->bundle.c_str(), record->created.c_str());
      continue;
    }
    array.add(Poco::JSON::Parser().parse(StateJson(*record, status)));
  }
  if (json) {
    array.stringify(std::cout);
    std::cout << "\n";
  }
}

}  // namespace

std::string StateRoot(const GlobalOptions& global) {
  return global.state_root.empty() ? DefaultStateRoot() : global.state_root;
}

void RegisterState(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto id = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("state", "print a container's OCI state as JSON");
  cmd->add_option("id", *id, "container id")->required();
  cmd->callback([&global, id, exit_code] {
    auto state = State(global, *id);
    if (state) std::cout << *state << "\n";
    *exit_code = ReportError(state) ? 0 : 1;
  });
}

void RegisterList(CLI::App& app, const GlobalOptions& global, int* exit_code) {
  auto format = std::make_shared<std::string>("table");
  auto* cmd = app.add_subcommand("list", "list containers");
  cmd->alias("ls");
  cmd->add_option("--format,-f", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([&global, format, exit_code] {
    List(global, *format == "json");
    *exit_code = 0;
  });
}

}  // namespace snaprun::sandbox::cli
