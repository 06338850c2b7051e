// snaprun: dispatch only. Each command group lives in its own file.
#include <CLI/CLI.hpp>

#include "orchestrator/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"snaprun: run research code from a YAML spec in a rootless sandbox"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "snaprun 0.1.0");
  int exit_code = 0;
  (void)exit_code;  // command groups register here
  snaprun::orchestrator::cli::RegisterSpecCommands(app, &exit_code);

  snaprun::orchestrator::cli::AddSnapshotCommand(app, &exit_code);

  snaprun::orchestrator::cli::AddImageCommands(app, &exit_code);
  snaprun::orchestrator::cli::AddRunCommand(app, &exit_code);
  snaprun::orchestrator::cli::AddRunsCommands(app, &exit_code);
  snaprun::orchestrator::cli::AddLogsCommand(app, &exit_code);

  snaprun::orchestrator::cli::AddOutputsCommand(app, &exit_code);
  snaprun::orchestrator::cli::AddGcCommand(app, &exit_code);
  snaprun::orchestrator::cli::AddReproCommands(app, &exit_code);
  snaprun::orchestrator::cli::AddBundleCommands(app, &exit_code);
  snaprun::orchestrator::cli::MarkLostRunsFirst();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
