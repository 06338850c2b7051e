// Importer for `docker save` archives (unpacked into a directory first): manifest.json
// names one config and its layer tars. The image digest is the config's digest (the
// docker image ID); each layer tar must hash to the config's rootfs.diff_ids entry,
// so the config digest pins every layer.
#include <fcntl.h>
#include <unistd.h>

#include "images/extract.h"
#include "images/fs.h"
#include "images/importers.h"
#include "images/json.h"
#include "images/tar_stream.h"
#include "sandbox/base/sha256.h"

namespace snaprun::images {
namespace {

constexpr size_t kMaxJson = 4 << 20;

struct DockerImage {
  std::string config_path;
  std::vector<std::string> layer_paths;
};

Result<std::string> ReadBeneath(int dir, const std::string& path) {
  auto fd = OpenBeneath(dir, path, O_RDONLY);
  if (!fd) return std::move(fd).error().Wrap("docker archive");
  return ReadAll(fd->get(), kMaxJson, path);
}

Result<DockerImage> ReadDockerManifest(int dir) {
  std::string text = SNAPRUN_TRY(ReadBeneath(dir, "manifest.json"));
  json::ArrayPtr images = SNAPRUN_TRY(json::ParseArray(text, "manifest.json"));
  if (images->size() != 1) {
    return Error(ErrorCode::kUnsupported, "manifest.json lists " + std::to_string(images->size()) +
                                              " images; save one image per archive");
  }
  json::ObjectPtr image = images->getObject(0);
  if (image.isNull()) return Error(ErrorCode::kInvalidInput, "manifest.json: malformed entry");
  DockerImage out;
  out.config_path = SNAPRUN_TRY(json::String(image, "Config", "manifest.json"));
  out.layer_paths = SNAPRUN_TRY(json::Strings(image, "Layers", "manifest.json"));
  return out;
}

Result<std::vector<std::string>> DiffIds(const std::string& config_text) {
  json::ObjectPtr config = SNAPRUN_TRY(json::ParseObject(config_text, "image config"));
  json::ObjectPtr rootfs = json::OptionalObject(config, "rootfs");
  if (rootfs.isNull()) return Error(ErrorCode::kInvalidInput, "image config: no rootfs");
  return json::Strings(rootfs, "diff_ids", "image config");
}

Result<void> ApplyLayer(int dir, const std::string& path, const std::string& diff_id,
                        TreeWriter& writer) {
  auto fd = OpenBeneath(dir, path, O_RDONLY);
  if (!fd) return std::move(fd).error().Wrap("docker archive layer");
  writer.BeginLayer();
  StreamResult stream = SNAPRUN_TRY(ExtractTarStream(fd->get(), "layer " + path, writer));
  if ("sha256:" + stream.raw_sha256 != diff_id) {
    return Error(ErrorCode::kCorrupt, "layer " + path + " does not match diff_id " + diff_id);
  }
  return Ok();
}

}  // namespace

Result<ImportOutcome> ImportDockerDir(const std::string& dir, const std::string& rootfs,
                                      const ImportOptions& options, const IsStored& is_stored) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open directory", dir);
  DockerImage image = SNAPRUN_TRY(ReadDockerManifest(fd.get()));
  std::string config_text = SNAPRUN_TRY(ReadBeneath(fd.get(), image.config_path));
  std::vector<std::string> diff_ids = SNAPRUN_TRY(DiffIds(config_text));
  if (diff_ids.size() != image.layer_paths.size()) {
    return Error(ErrorCode::kCorrupt, "manifest.json lists " +
                                          std::to_string(image.layer_paths.size()) +
                                          " layers, the config " + std::to_string(diff_ids.size()));
  }
  ImportOutcome outcome;
  ImageRecord& record = outcome.record;
  record.digest = "sha256:" + Sha256Hex(config_text);
  // Configs are usually saved as HEX.json: a different HEX means a damaged archive.
  if (std::string base = image.config_path.substr(image.config_path.rfind('/') + 1);
      base.size() == 69 && base.ends_with(".json") &&
      "sha256:" + base.substr(0, 64) != record.digest) {
    return Error(ErrorCode::kCorrupt, "config " + image.config_path + " does not match its name");
  }
  record.format = ImageFormat::kDocker;
  record.source = dir;
  SNAPRUN_TRY(ReadImageConfigInto(config_text, record));
  if (is_stored(record.digest)) {
    outcome.rootfs_built = false;
    return outcome;
  }
  TreeWriter writer =
      SNAPRUN_TRY(TreeWriter::Open(rootfs, options.limits, DefaultOwnership(), Whiteouts::kOci));
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    SNAPRUN_TRY(ApplyLayer(fd.get(), image.layer_paths[i], diff_ids[i], writer));
  }
  SNAPRUN_TRY(writer.Finish());
  record.size = writer.report().bytes;
  record.skipped = writer.report().skipped;
  record.setid = writer.report().setid;
  return outcome;
}

}  // namespace snaprun::images
