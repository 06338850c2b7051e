// `snaprun spec check FILE [--set K=V]… [--json]`: validate a run spec and print it
// resolved. Exit 0 when valid; otherwise one error line and the error's exit code
// (2 for every mistake in the spec or an override).
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/spec/spec_loader.h"
#include "orchestrator/spec/spec_output.h"

namespace snaprun::orchestrator::cli {
namespace {

struct CheckOptions {
  std::string file;
  std::vector<std::string> overrides;
  bool json = false;
};

int RunCheck(const CheckOptions& options) {
  Result<RunSpec> spec = LoadRunSpec(options.file, options.overrides);
  if (!spec) return ReportError(spec.error());
  std::cout << (options.json ? RunSpecToJson(*spec, true) + "\n" : RunSpecToYaml(*spec));
  return 0;
}

}  // namespace

void RegisterSpecCommands(CLI::App& app, int* exit_code) {
  CLI::App* spec = app.add_subcommand("spec", "Work with run specs (run.yaml)");
  spec->require_subcommand(1);
  auto options = std::make_shared<CheckOptions>();
  CLI::App* check = spec->add_subcommand("check", "Validate a run spec and print it resolved");
  check->add_option("file", options->file, "The run spec, e.g. run.yaml")->required();
  check
      ->add_option("--set", options->overrides,
                   "Override a value before validation: KEY=VALUE, e.g. resources.memory=2GiB")
      ->allow_extra_args(false);
  check->add_flag("--json", options->json, "Print the resolved spec as JSON");
  check->callback([options, exit_code] { *exit_code = RunCheck(*options); });
}

}  // namespace snaprun::orchestrator::cli
