// The snaprun CLI: one file per command group, each registering its subcommands
// on the CLI11 app. A command's callback stores its exit code in *exit_code and
// reports errors through ReportError() (one line, non-zero exit).
#pragma once

#include <CLI/CLI.hpp>

#include "orchestrator/run/outputs_harvester.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator::cli {

// Exit codes: 0 ok; 1 the checked thing is bad (a repro that differs, a spec that fails
// check); 2 usage and invalid input; 3 policy denied; 4 not found; 5 limit exceeded;
// 70 internal/system errors. A run's own exit code is passed through by `snaprun run`.
int ExitCodeFor(const Error& error);
// Prints "snaprun: error: MESSAGE" to stderr; returns ExitCodeFor(error).
int ReportError(const Error& error);

// Each command group adds itself here and in main.cc.
void RegisterSpecCommands(CLI::App& app, int* exit_code);  // spec.cc

void AddSnapshotCommand(CLI::App& app, int* exit_code);  // snapshot.cc

void AddImageCommands(CLI::App& app, int* exit_code);  // image.cc

// run.cc, runs.cc (ls show cancel rm), run_logs.cc; MarkLostRunsFirst runs before any command.
void AddRunCommand(CLI::App& app, int* exit_code);
void AddRunsCommands(CLI::App& app, int* exit_code);
void AddLogsCommand(CLI::App& app, int* exit_code);
void MarkLostRunsFirst();
// How `snaprun run` and `snaprun repro` harvest a run's outputs (run.cc).
OutputsHarvester OutputsHarvesterForRuns();

void AddOutputsCommand(CLI::App& app, int* exit_code);  // outputs.cc
void AddGcCommand(CLI::App& app, int* exit_code);       // gc.cc
void AddReproCommands(CLI::App& app, int* exit_code);   // repro.cc: repro, diff
void AddBundleCommands(CLI::App& app, int* exit_code);  // bundle.cc: export, import
}  // namespace snaprun::orchestrator::cli
