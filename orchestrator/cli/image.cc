// `snaprun image import|ls|inspect|tag|untag|rm`: the image store from the command
// line. The store lives in SNAPRUN_HOME/images; all work is in snaprun::images.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "images/host_image.h"
#include "images/store.h"
#include "orchestrator/cli/commands.h"
#include "orchestrator/home/home.h"

namespace snaprun::orchestrator::cli {
namespace {

using images::ImageRecord;

struct ImportFlags {
  std::string source;
  std::vector<std::string> names;
  std::string format = "auto";
  images::ImportOptions options;
};

std::string StoreRoot() { return SnaprunHomePath() + "/images"; }

Result<images::SourceFormat> ParseFormat(const std::string& name) {
  static const std::pair<const char*, images::SourceFormat> kFormats[] = {
      {"auto", images::SourceFormat::kAuto},
      {"dir", images::SourceFormat::kDirectory},
      {"tar", images::SourceFormat::kTar},
      {"oci", images::SourceFormat::kOci},
      {"docker", images::SourceFormat::kDocker}};
  for (const auto& [text, format] : kFormats) {
    if (name == text) return format;
  }
  return Error(ErrorCode::kInvalidInput, "--format: expected auto, dir, tar, oci or docker");
}

std::string ShortDigest(const std::string& digest) { return digest.substr(7, 12); }

std::string HumanSize(uint64_t bytes) {
  char text[32];
  if (bytes < 1000 * 1000) {
    std::snprintf(text, sizeof text, "%.1f kB", static_cast<double>(bytes) / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  }
  return text;
}

Result<void> RunImport(ImportFlags& flags) {
  flags.options.format = SNAPRUN_TRY(ParseFormat(flags.format));
  SNAPRUN_TRY(EnsureSnaprunHome());
  images::Store store(StoreRoot());
  ImageRecord record = SNAPRUN_TRY(store.Import(flags.source, flags.names, flags.options));
  std::printf("%s\n", record.digest.c_str());
  return Ok();
}

void PrintRow(const std::string& name, const ImageRecord& record) {
  std::printf("%-24s %-14s %-7s %10s  %s\n", name.c_str(), ShortDigest(record.digest).c_str(),
              images::FormatName(record.format), HumanSize(record.size).c_str(),
              record.created.c_str());
}

Result<void> RunList() {
  std::printf("%-24s %-14s %-7s %10s  %s\n", "NAME", "DIGEST", "FORMAT", "SIZE", "CREATED");
  // A host without a dpkg database has no host image; the store still lists.
  if (auto host = images::HostImageRecord()) PrintRow(images::kHostImageName, *host);
  std::vector<ImageRecord> records = SNAPRUN_TRY(images::Store(StoreRoot()).List());
  for (const ImageRecord& record : records) {
    if (record.names.empty()) PrintRow("<none>", record);
    for (const std::string& name : record.names) PrintRow(name, record);
  }
  return Ok();
}

Result<void> RunInspect(const std::string& reference) {
  ImageRecord record = SNAPRUN_TRY(images::Store(StoreRoot()).Inspect(reference));
  std::fputs(images::RecordToJson(record).c_str(), stdout);
  return Ok();
}

Result<void> RunRemove(const std::vector<std::string>& references) {
  images::Store store(StoreRoot());
  for (const std::string& reference : references) SNAPRUN_TRY(store.Remove(reference));
  return Ok();
}

// Runs BODY and turns its error into the exit code.
template <typename F>
std::function<void()> Report(int* exit_code, F body) {
  return [exit_code, body] {
    Result<void> result = body();
    *exit_code = result ? 0 : ReportError(result.error());
  };
}

void AddImport(CLI::App& image, int* exit_code) {
  auto flags = std::make_shared<ImportFlags>();
  images::ExtractLimits& limits = flags->options.limits;
  CLI::App* cmd =
      image.add_subcommand("import", "Import a rootfs dir, tarball, OCI layout or docker save");
  cmd->add_option("source", flags->source,
                  "directory, tar[.gz|.zst|.xz], OCI layout or archive, docker save archive")
      ->required();
  cmd->add_option("--name", flags->names, "name to give the image (repeatable)");
  cmd->add_option("--format", flags->format, "auto, dir, tar, oci or docker")
      ->capture_default_str();
  cmd->add_option("--platform", flags->options.platform,
                  "image to pick from a multi-platform OCI index")
      ->capture_default_str();
  cmd->add_option("--max-entries", limits.max_entries, "refuse archives with more entries")
      ->capture_default_str();
  cmd->add_option("--max-size", limits.max_total_bytes, "refuse more bytes of file content")
      ->capture_default_str();
  cmd->add_option("--max-depth", limits.max_depth, "refuse deeper entry paths")
      ->capture_default_str();
  cmd->add_option("--max-path-length", limits.max_path_length, "refuse longer entry names")
      ->capture_default_str();
  cmd->add_option("--max-ratio", limits.max_ratio, "refuse archives expanding more than this ratio")
      ->capture_default_str();
  cmd->callback(Report(exit_code, [flags] { return RunImport(*flags); }));
}

}  // namespace

void AddImageCommands(CLI::App& app, int* exit_code) {
  CLI::App* image = app.add_subcommand("image", "Manage the digest-pinned image store");
  image->require_subcommand(1);
  AddImport(*image, exit_code);
  image->add_subcommand("ls", "List images")->callback(Report(exit_code, [] { return RunList(); }));
  auto reference = std::make_shared<std::string>();
  CLI::App* inspect = image->add_subcommand("inspect", "Show an image's image.json");
  inspect->add_option("image", *reference, "name, name@sha256:…, digest or prefix, or host")
      ->required();
  inspect->callback(Report(exit_code, [reference] { return RunInspect(*reference); }));
  auto references = std::make_shared<std::vector<std::string>>();
  CLI::App* rm = image->add_subcommand("rm", "Remove images and their names");
  rm->add_option("image", *references, "images to remove")->required();
  rm->callback(Report(exit_code, [references] { return RunRemove(*references); }));
  auto tag = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* tag_cmd = image->add_subcommand("tag", "Give an image another name");
  tag_cmd->add_option("image", tag->first, "the image")->required();
  tag_cmd->add_option("name", tag->second, "the new name")->required();
  tag_cmd->callback(
      Report(exit_code, [tag] { return images::Store(StoreRoot()).Tag(tag->first, tag->second); }));
  CLI::App* untag = image->add_subcommand("untag", "Remove a name (the image stays)");
  untag->add_option("name", *reference, "the name")->required();
  untag->callback(
      Report(exit_code, [reference] { return images::Store(StoreRoot()).Untag(*reference); }));
}

}  // namespace snaprun::orchestrator::cli
