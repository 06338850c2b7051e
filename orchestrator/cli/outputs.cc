// `snaprun outputs RUN [--export DIR] [--force] [--json]`: lists what a run's harvest
// stored (path, size, mode, digest), or rebuilds it in DIR with every object verified.
// RUN is a run id, a unique prefix of one, or `last`.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "orchestrator/cli/commands.h"
#include "orchestrator/harvest/export.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/harvest/outputs_limits.h"
#include "orchestrator/history/sqlite_history_store.h"
#include "orchestrator/home/home.h"

namespace snaprun::orchestrator::cli {
namespace {

struct OutputsFlags {
  std::string run;
  std::string export_dir;
  bool force = false;
  bool json = false;
};

std::string Octal(uint32_t mode) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

const char* TypeName(EntryType type) {
  return type == EntryType::kFile ? "file" : type == EntryType::kDirectory ? "dir" : "symlink";
}

void PrintText(const Manifest& manifest) {
  for (const TreeEntry& e : manifest.entries) {
    if (e.type == EntryType::kDirectory) continue;
    std::string what = e.type == EntryType::kSymlink ? "-> " + e.target : e.digest.substr(0, 12);
    printf("%s  %10s  %-12s  %s\n", Octal(e.mode).c_str(),
           e.type == EntryType::kFile ? FormatBinarySize(e.size).c_str() : "-", what.c_str(),
           e.path.c_str());
  }
  printf("outputs sha256:%s: %llu files, %s\n", manifest.digest.c_str(),
         static_cast<unsigned long long>(manifest.files), FormatBinarySize(manifest.bytes).c_str());
}

void PrintJson(const std::string& run_id, const Manifest& manifest) {
  Poco::JSON::Array entries;
  for (const TreeEntry& e : manifest.entries) {
    Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
    item.set("path", IsValidUtf8(e.path) ? e.path : "(non-UTF-8 name)");
    item.set("type", std::string(TypeName(e.type)));
    item.set("mode", Octal(e.mode));
    if (e.type == EntryType::kFile) {
      item.set("size", e.size);
      item.set("digest", "sha256:" + e.digest);
    }
    if (e.type == EntryType::kSymlink) item.set("target", e.target);
    entries.add(item);
  }
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("run", run_id);
  out.set("digest", "sha256:" + manifest.digest);
  out.set("files", manifest.files);
  out.set("bytes", manifest.bytes);
  out.set("entries", entries);
  out.stringify(std::cout);
  std::cout << "\n";
}

Result<void> RunOutputs(const OutputsFlags& flags) {
  auto history = SNAPRUN_TRY(SqliteHistoryStore::OpenInHome());
  std::string id = SNAPRUN_TRY(history->ResolveId(flags.run));
  RunRecord run = SNAPRUN_TRY(history->Get(id));
  if (run.outputs_digest.empty()) {
    return Error(ErrorCode::kNotFound,
                 "run " + id + " has no harvested outputs (it is " + RunStateName(run.state) + ")");
  }
  std::string home = SNAPRUN_TRY(EnsureSnaprunHome());
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(home));
  if (!flags.export_dir.empty()) {
    SNAPRUN_TRY(
        ExportOutputs(run.outputs_digest, store, flags.export_dir, ExportOptions{flags.force}));
    if (!flags.json)
      printf("exported the outputs of run %s to %s\n", id.c_str(), flags.export_dir.c_str());
    return Ok();
  }
  Manifest manifest = SNAPRUN_TRY(LoadOutputsManifest(store, run.outputs_digest));
  flags.json ? PrintJson(id, manifest) : PrintText(manifest);
  return Ok();
}

}  // namespace

void AddOutputsCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<OutputsFlags>();
  CLI::App* cmd = app.add_subcommand("outputs", "List or export the outputs a run left");
  cmd->add_option("RUN", flags->run, "run id, unique prefix, or last")->required();
  cmd->add_option("--export", flags->export_dir, "rebuild the outputs in this directory");
  cmd->add_flag("--force", flags->force, "replace an export directory that is not empty");
  cmd->add_flag("--json", flags->json, "print the manifest as JSON");
  cmd->callback([flags, exit_code] {
    Result<void> done = RunOutputs(*flags);
    *exit_code = done ? 0 : ReportError(done.error());
  });
}

}  // namespace snaprun::orchestrator::cli
