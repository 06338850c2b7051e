// Importer for OCI image layouts: index.json -> manifest (by platform) -> config ->
// layers applied in order with OCI whiteouts. Every blob read is checked against its
// digest; the image digest is the manifest's digest, so it pins config and layers.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "images/extract.h"
#include "images/fs.h"
#include "images/importers.h"
#include "images/json.h"
#include "images/tar_stream.h"
#include "sandbox/base/sha256.h"

namespace snaprun::images {
namespace {

constexpr size_t kMaxJsonBlob = 4 << 20;
constexpr std::string_view kIndexType = "application/vnd.oci.image.index.v1+json";

struct Descriptor {
  std::string media_type;
  std::string digest;
  std::string platform;  // "os/architecture[/variant]" or ""
};

Result<Descriptor> ReadDescriptor(const json::ObjectPtr& object, const std::string& what) {
  Descriptor d;
  d.media_type = json::OptionalString(object, "mediaType");
  d.digest = SNAPRUN_TRY(json::String(object, "digest", what));
  if (DigestHex(d.digest).empty()) {
    return Error(ErrorCode::kUnsupported, what + ": unsupported digest '" + d.digest + "'");
  }
  if (json::ObjectPtr p = json::OptionalObject(object, "platform"); !p.isNull()) {
    d.platform = json::OptionalString(p, "os") + "/" + json::OptionalString(p, "architecture");
    if (std::string variant = json::OptionalString(p, "variant"); !variant.empty()) {
      d.platform += "/" + variant;
    }
  }
  return d;
}

Result<UniqueFd> OpenBlob(int layout, const std::string& digest) {
  auto fd = OpenBeneath(layout, "blobs/sha256/" + DigestHex(digest), O_RDONLY);
  if (!fd) return std::move(fd).error().Wrap("reading blob " + digest);
  return fd;
}

Result<std::string> ReadJsonBlob(int layout, const std::string& digest) {
  UniqueFd fd = SNAPRUN_TRY(OpenBlob(layout, digest));
  std::string text = SNAPRUN_TRY(ReadAll(fd.get(), kMaxJsonBlob, "blob " + digest));
  if ("sha256:" + Sha256Hex(text) != digest) {
    return Error(ErrorCode::kCorrupt, "blob " + digest + " does not match its digest");
  }
  return text;
}

Result<std::vector<Descriptor>> ReadManifests(const std::string& text, const std::string& what) {
  json::ObjectPtr index = SNAPRUN_TRY(json::ParseObject(text, what));
  json::ArrayPtr list = json::OptionalArray(index, "manifests");
  std::vector<Descriptor> out;
  for (size_t i = 0; list && i < list->size(); ++i) {
    json::ObjectPtr item = list->getObject(static_cast<unsigned>(i));
    if (item.isNull()) return Error(ErrorCode::kInvalidInput, what + ": malformed manifests list");
    out.push_back(SNAPRUN_TRY(ReadDescriptor(item, what)));
  }
  if (out.empty()) return Error(ErrorCode::kInvalidInput, what + ": no manifests");
  return out;
}

// The only manifest, else the one for PLATFORM; a nested index is followed once.
Result<Descriptor> SelectManifest(int layout, const std::string& platform) {
  auto index_fd = OpenBeneath(layout, "index.json", O_RDONLY);
  if (!index_fd) return Error(ErrorCode::kInvalidInput, "not an OCI layout: no index.json");
  std::string text = SNAPRUN_TRY(ReadAll(index_fd->get(), kMaxJsonBlob, "index.json"));
  std::string what = "index.json";
  for (int depth = 0; depth < 2; ++depth) {
    std::vector<Descriptor> manifests = SNAPRUN_TRY(ReadManifests(text, what));
    const Descriptor* chosen = manifests.size() == 1 ? &manifests[0] : nullptr;
    for (const Descriptor& d : manifests) {
      if (!chosen && (d.platform == platform || d.platform.starts_with(platform + "/")))
        chosen = &d;
    }
    if (chosen == nullptr) {
      return Error(ErrorCode::kNotFound, what + ": no image for platform " + platform + " among " +
                                             std::to_string(manifests.size()) + " (--platform)");
    }
    if (chosen->media_type != kIndexType) return *chosen;
    what = "index " + chosen->digest;
    text = SNAPRUN_TRY(ReadJsonBlob(layout, chosen->digest));
  }
  return Error(ErrorCode::kUnsupported, "OCI index nested more than two levels");
}

Result<void> ApplyLayer(int layout, const Descriptor& layer, TreeWriter& writer) {
  if (layer.media_type.find("tar") == std::string::npos) {
    return Error(ErrorCode::kUnsupported, "layer " + layer.digest + ": media type '" +
                                              layer.media_type + "' is not a tar layer");
  }
  UniqueFd fd = SNAPRUN_TRY(OpenBlob(layout, layer.digest));
  writer.BeginLayer();
  StreamResult stream = SNAPRUN_TRY(ExtractTarStream(fd.get(), "layer " + layer.digest, writer));
  if ("sha256:" + stream.raw_sha256 != layer.digest) {
    return Error(ErrorCode::kCorrupt, "layer " + layer.digest + " does not match its digest");
  }
  return Ok();
}

}  // namespace

Result<ImportOutcome> ImportOciLayout(const std::string& layout, const std::string& rootfs,
                                      const ImportOptions& options, const IsStored& is_stored) {
  UniqueFd dir(::open(layout.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return Error::FromErrno("open directory", layout);
  Descriptor manifest_desc = SNAPRUN_TRY(SelectManifest(dir.get(), options.platform));
  std::string manifest_text = SNAPRUN_TRY(ReadJsonBlob(dir.get(), manifest_desc.digest));
  json::ObjectPtr manifest = SNAPRUN_TRY(json::ParseObject(manifest_text, "manifest"));
  json::ObjectPtr config_object = json::OptionalObject(manifest, "config");
  if (config_object.isNull()) return Error(ErrorCode::kInvalidInput, "manifest without config");
  Descriptor config_desc = SNAPRUN_TRY(ReadDescriptor(config_object, "manifest config"));
  std::string config_text = SNAPRUN_TRY(ReadJsonBlob(dir.get(), config_desc.digest));

  ImportOutcome outcome;
  ImageRecord& record = outcome.record;
  record.digest = manifest_desc.digest;
  record.format = ImageFormat::kOci;
  record.source = layout;
  SNAPRUN_TRY(ReadImageConfigInto(config_text, record));
  if (is_stored(record.digest)) {
    outcome.rootfs_built = false;
    return outcome;
  }
  TreeWriter writer =
      SNAPRUN_TRY(TreeWriter::Open(rootfs, options.limits, DefaultOwnership(), Whiteouts::kOci));
  json::ArrayPtr layers = json::OptionalArray(manifest, "layers");
  for (size_t i = 0; layers && i < layers->size(); ++i) {
    json::ObjectPtr item = layers->getObject(static_cast<unsigned>(i));
    if (item.isNull()) return Error(ErrorCode::kInvalidInput, "manifest: malformed layers");
    Descriptor layer = SNAPRUN_TRY(ReadDescriptor(item, "manifest layer"));
    SNAPRUN_TRY(ApplyLayer(dir.get(), layer, writer));
  }
  SNAPRUN_TRY(writer.Finish());
  record.size = writer.report().bytes;
  record.skipped = writer.report().skipped;
  record.setid = writer.report().setid;
  return outcome;
}

}  // namespace snaprun::images
