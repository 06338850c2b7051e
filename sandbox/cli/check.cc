// `snaprun-sandbox check`: what this host allows the caller's sandboxes, and for
// each missing piece the fallback and the operator's fix. Exit 0 when everything is
// available or has a fallback, 1 when a sandbox cannot start here.
#include <iostream>
#include <memory>

#include "sandbox/cli/commands.h"
#include "sandbox/preflight.h"

namespace snaprun::sandbox::cli {

void RegisterCheck(CLI::App& app, int* exit_code) {
  auto* check = app.add_subcommand("check", "report what this host allows sandboxes to do");
  auto json = std::make_shared<bool>(false);
  auto no_probes = std::make_shared<bool>(false);
  check->add_flag("--json", *json, "print the report as JSON");
  check->add_flag("--no-probes", *no_probes, "read the host's settings only; start no probe child");
  check->callback([=] {
    PreflightOptions options;
    options.live_probes = !*no_probes;
    PreflightReport report = RunPreflight(options);
    std::cout << (*json ? report.ToJson() + "\n" : report.ToText());
    *exit_code = report.Overall() == CheckStatus::kMissing ? 1 : 0;
  });
}

}  // namespace snaprun::sandbox::cli
