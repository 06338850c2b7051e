// snaprun-sandbox verbs: each registers its subcommand on the app and sets
// *exit_code when it runs. main.cc only dispatches.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "sandbox/base/error.h"
#include "sandbox/cli/cli_log.h"

namespace snaprun::sandbox::cli {

struct GlobalOptions {
  std::string state_root;  // --root; empty: DefaultStateRoot()
  // runc drivers pass these: --log receives every error (and a monitor's stderr in text
  // format), --log-format text|json picks its lines, --systemd-cgroup changes nothing
  // (cgroupfs is used).
  std::string log_file;
  std::string log_format = "text";
  bool systemd_cgroup = false;
};

std::string StateRoot(const GlobalOptions& global);

// Reports RESULT's error (stderr and the --log file, see cli_log.h); true when none.
template <typename T>
bool ReportError(const Result<T>& result) {
  if (result) return true;
  Complain(result.error().ToString());
  return false;
}

void RegisterRun(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterSpec(CLI::App& app, int* exit_code);
void RegisterCheck(CLI::App& app, int* exit_code);
void RegisterCreate(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterStart(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterKill(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterDelete(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterState(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterList(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterExec(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterPs(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterPause(CLI::App& app, const GlobalOptions& global, int* exit_code);  // and resume
void RegisterFeatures(CLI::App& app, int* exit_code);

}  // namespace snaprun::sandbox::cli
