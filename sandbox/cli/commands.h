// snaprun-sandbox verbs: each registers its subcommand on the app and sets
// *exit_code when it runs. main.cc only dispatches.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace snaprun::sandbox::cli {

struct GlobalOptions {
  std::string state_root = "/run/snaprun-sandbox";  // --root; state for create/start later
};

void RegisterRun(CLI::App& app, const GlobalOptions& global, int* exit_code);
void RegisterSpec(CLI::App& app, int* exit_code);
void RegisterCheck(CLI::App& app, int* exit_code);

}  // namespace snaprun::sandbox::cli
