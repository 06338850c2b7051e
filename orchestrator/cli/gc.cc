// `snaprun gc [--dry-run] [--now]`: removes what no run and no snapshot references
// (objects, outputs manifests, materialized trees, temp files, images) and prints what
// it freed. Anything younger than an hour is kept unless --now.
#include "orchestrator/harvest/gc.h"

#include <cstdio>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/harvest/outputs_limits.h"
#include "orchestrator/history/sqlite_history_store.h"
#include "orchestrator/home/home.h"

namespace snaprun::orchestrator::cli {
namespace {

struct GcFlags {
  bool dry_run = false;
  bool now = false;
};

void PrintReport(const GcReport& r, bool dry_run) {
  for (const std::string& warning : r.warnings)
    fprintf(stderr, "snaprun: warning: %s\n", warning.c_str());
  for (const std::string& image : r.images) {
    printf("%s image %s\n", dry_run ? "would remove" : "removed", image.c_str());
  }
  printf(
      "%s %llu objects (%s), %llu outputs manifests, %llu trees, %llu temp files, %zu images; "
      "kept %llu objects\n",
      dry_run ? "would free" : "freed", static_cast<unsigned long long>(r.objects),
      FormatBinarySize(r.object_bytes).c_str(), static_cast<unsigned long long>(r.manifests),
      static_cast<unsigned long long>(r.trees), static_cast<unsigned long long>(r.temp_files),
      r.images.size(), static_cast<unsigned long long>(r.kept_objects));
}

Result<void> RunGc(const GcFlags& flags) {
  std::string home = SNAPRUN_TRY(EnsureSnaprunHome());
  auto history = SNAPRUN_TRY(SqliteHistoryStore::OpenInHome());
  GcOptions options;
  options.dry_run = flags.dry_run;
  if (flags.now) options.grace = std::chrono::seconds(0);
  GcReport report = SNAPRUN_TRY(CollectGarbage(home, *history, options));
  PrintReport(report, flags.dry_run);
  return Ok();
}

}  // namespace

void AddGcCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<GcFlags>();
  CLI::App* cmd = app.add_subcommand("gc", "Remove objects, trees and images nothing references");
  cmd->add_flag("--dry-run", flags->dry_run, "show what would be removed; remove nothing");
  cmd->add_flag("--now", flags->now, "also remove what is younger than the one-hour grace period");
  cmd->callback([flags, exit_code] {
    Result<void> done = RunGc(*flags);
    *exit_code = done ? 0 : ReportError(done.error());
  });
}

}  // namespace snaprun::orchestrator::cli
