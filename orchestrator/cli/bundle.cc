// `snaprun export RUN -o FILE [--with-image]` writes a run bundle; `snaprun import FILE`
// records the bundled run in this history (so `snaprun show`/`outputs` see it).
// `snaprun run --from FILE` (run.cc) imports and runs it again.
#include <cstdio>

#include "orchestrator/bundle/bundle_import.h"
#include "orchestrator/bundle/bundle_writer.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/run_history.h"
#include "orchestrator/home/home.h"

namespace snaprun::orchestrator::cli {
namespace {

struct ExportOptions {
  std::string run;
  std::string output;
  bool with_image = false;
};

int Export(const ExportOptions& options) {
  auto home = EnsureSnaprunHome();
  if (!home) return ReportError(home.error());
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  auto run = FindRun(**history, options.run);
  if (!run) return ReportError(run.error());
  auto written = WriteBundle(*home, *run, options.output, BundleWriteOptions{options.with_image});
  if (!written) return ReportError(written.error());
  std::fprintf(stderr, "snaprun: exported run %s to %s (%llu objects%s, %llu bytes)\n",
               run->id.c_str(), options.output.c_str(),
               static_cast<unsigned long long>(written->objects),
               written->image_included ? ", image included" : "",
               static_cast<unsigned long long>(written->bytes));
  return 0;
}

int Import(const std::string& file) {
  auto home = EnsureSnaprunHome();
  if (!home) return ReportError(home.error());
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  auto imported = ImportBundle(file, *home, **history);
  if (!imported) return ReportError(imported.error());
  std::printf("%s\n", imported->info.run.id.c_str());
  if (imported->already_present) {
    std::fprintf(stderr, "snaprun: run %s was already imported\n", imported->info.run.id.c_str());
  }
  return 0;
}

}  // namespace

void AddBundleCommands(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "write a run to one portable bundle file");
  cmd->add_option("run", options->run, "run id, unique prefix, or last")->required();
  cmd->add_option("-o,--output", options->output, "the bundle file to write")->required();
  cmd->add_flag("--with-image", options->with_image, "include the run's image (not the host image)");
  cmd->callback([options, exit_code] { *exit_code = Export(*options); });

  auto file = std::make_shared<std::string>();
  auto* import = app.add_subcommand("import", "record a bundled run in this history");
  import->add_option("file", *file, "a bundle written by snaprun export")->required();
  import->callback([file, exit_code] { *exit_code = Import(*file); });
}

}  // namespace snaprun::orchestrator::cli
