// snaprun-sandbox verbs: each registers its subcommand on the app and sets
// *exit_code when it runs. main.cc only dispatches.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "sandbox/base/error.h"

namespace snaprun::sandbox::cli {

struct GlobalOptions {
  std::string state_root;  // --root; empty: DefaultStateRoot()
  // Accepted because runc drivers pass them: --log receives the monitor's stderr,
  // --log-format and --systemd-cgroup change nothing (cgroupfs is used).
  std::string log_file;
  std::string log_format = "text";
  bool systemd_cgroup = false;
};

std::string StateRoot(const GlobalOptions& global);

// Prints RESULT's error as "snaprun-sandbox: MESSAGE"; true when there was none.
template <typename T>
bool ReportError(const Result<T>& result) {
  if (result) return true;
  fprintf(stderr, "snaprun-sandbox: %s\n", result.error().ToString().c_str());
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

}  // namespace snaprun::sandbox::cli
