// snaprun-sandbox: a runc-style CLI over OCI bundles. Dispatch only.
#include "sandbox/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"snaprun-sandbox: rootless OCI container runtime"};
  app.require_subcommand(1);
  app.set_version_flag("--version,-v",
                       std::string("snaprun-sandbox version ") + SNAPRUN_VERSION + "\nspec: 1.0.2");
  snaprun::sandbox::cli::GlobalOptions global;
  app.add_option("--root", global.state_root, "directory for container state");
  app.add_option("--log", global.log_file, "append errors (and the monitor's) here");
  app.add_option("--log-format", global.log_format, "text or json (runc's {level, msg, time})")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--systemd-cgroup", global.systemd_cgroup, "accepted; cgroupfs is used");
  int exit_code = 0;
  snaprun::sandbox::cli::RegisterRun(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterSpec(app, &exit_code);
  snaprun::sandbox::cli::RegisterCheck(app, &exit_code);
  snaprun::sandbox::cli::RegisterCreate(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterStart(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterKill(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterDelete(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterState(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterList(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterExec(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterPs(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterPause(app, global, &exit_code);
  snaprun::sandbox::cli::RegisterFeatures(app, &exit_code);
  app.parse_complete_callback([&global] {
    snaprun::sandbox::cli::OpenCliLog(global.log_file, global.log_format);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
