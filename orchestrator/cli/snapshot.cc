// `snaprun snapshot DIR`: takes a snapshot of DIR and shows what went in (with --list each
// path), its size and count, and what each ignore file left out. A progress line on a
// terminal while hashing; nothing extra when stderr is piped.
#include "orchestrator/snapshot/snapshot.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <optional>

#include "orchestrator/cli/commands.h"
#include "orchestrator/home/home.h"

namespace snaprun::orchestrator::cli {
namespace {

struct SnapshotFlags {
  std::string dir;
  bool list = false;
  bool json = false;
  std::optional<uint64_t> max_size;
  std::optional<uint64_t> max_files;
};

void ShowProgress(const HashProgress& p) {
  if (p.bytes_total == 0) return;
  unsigned percent = static_cast<unsigned>(p.bytes_done * 100 / p.bytes_total);
  fprintf(stderr, "\rhashing %3u%%  %s of %s, %llu of %llu files", percent,
          FormatMegabytes(p.bytes_done).c_str(), FormatMegabytes(p.bytes_total).c_str(),
          static_cast<unsigned long long>(p.files_done),
          static_cast<unsigned long long>(p.files_total));
  fflush(stderr);
}

std::string Summary(const ExcludedSummary& e) {
  std::string out = std::to_string(e.files) + " files";
  if (e.dirs > 0) out += ", " + std::to_string(e.dirs) + " directories";
  return out + " (" + FormatApproximateSize(e.bytes) + ")";
}

void PrintText(const SnapshotResult& r, const SnapshotFlags& flags) {
  if (flags.list) {
    for (const TreeEntry& e : r.manifest.entries) {
      if (e.type == EntryType::kDirectory) continue;
      std::string size = e.type == EntryType::kSymlink ? "-> " + e.target : FormatApproximateSize(e.size);
      std::cout << e.path << "  " << size << "\n";
    }
  }
  std::cout << "snapshot sha256:" << r.digest << "\n"
            << "included: " << r.manifest.files << " files, " << FormatApproximateSize(r.manifest.bytes)
            << "\n";
  for (const ExcludedSummary& e : r.excluded) {
    std::cout << "excluded by " << e.source << ": " << Summary(e) << "\n";
  }
}

void PrintJson(const SnapshotResult& r, const SnapshotFlags& flags) {
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("digest", r.digest);
  out.set("files", r.manifest.files);
  out.set("bytes", r.manifest.bytes);
  Poco::JSON::Array excluded;
  for (const ExcludedSummary& e : r.excluded) {
    Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
    item.set("source", e.source);
    item.set("files", e.files);
    item.set("dirs", e.dirs);
    item.set("bytes", e.bytes);
    excluded.add(item);
  }
  out.set("excluded", excluded);
  Poco::JSON::Array warnings;
  for (const std::string& w : r.warnings) warnings.add(w);
  out.set("warnings", warnings);
  Poco::JSON::Object timings(Poco::JSON_PRESERVE_KEY_ORDER);
  timings.set("walk_seconds", r.timings.walk_seconds);
  timings.set("hash_seconds", r.timings.hash_seconds);
  timings.set("commit_seconds", r.timings.commit_seconds);
  out.set("timings", timings);
  out.set("cached_files", r.cached_files);
  out.set("hashed_bytes", r.hashed_bytes);
  if (flags.list) {
    Poco::JSON::Array paths;
    for (const TreeEntry& e : r.manifest.entries) {
      if (e.type != EntryType::kDirectory)
        paths.add(IsValidUtf8(e.path) ? e.path : "(non-UTF-8 name)");
    }
    out.set("paths", paths);
  }
  out.stringify(std::cout);
  std::cout << "\n";
}

Result<void> RunSnapshot(const SnapshotFlags& flags) {
  SnapshotLimits limits = SNAPRUN_TRY(ApplyLimitEnvironment(SnapshotLimits{}));
  if (flags.max_size) limits.max_bytes = *flags.max_size;
  if (flags.max_files) limits.max_files = *flags.max_files;
  std::string home = SNAPRUN_TRY(EnsureSnaprunHome());
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(home));
  SnapshotOptions options;
  options.measure_excluded = true;
  bool tty = ::isatty(STDERR_FILENO) == 1;
  if (tty) options.progress = ShowProgress;
  auto result = TakeSnapshot(flags.dir, limits, store, options);
  if (tty) fprintf(stderr, "\r\033[K");
  if (!result) return std::move(result).error();
  flags.json ? PrintJson(*result, flags) : PrintText(*result, flags);
  return Ok();
}

}  // namespace

void AddSnapshotCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SnapshotFlags>();
  CLI::App* cmd = app.add_subcommand("snapshot", "Snapshot a code directory into the store");
  cmd->add_option("DIR", flags->dir, "the code directory")->required();
  cmd->add_flag("--list", flags->list, "list every included path");
  cmd->add_flag("--json", flags->json, "print the result as JSON");
  cmd->add_option("--max-size", flags->max_size, "size limit in bytes (default 300 MB)");
  cmd->add_option("--max-files", flags->max_files, "file-count limit (default 2000)");
  cmd->callback([flags, exit_code] {
    Result<void> done = RunSnapshot(*flags);
    *exit_code = done ? 0 : ReportError(done.error());
  });
}

}  // namespace snaprun::orchestrator::cli
