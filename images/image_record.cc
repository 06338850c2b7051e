#include "images/image_record.h"

#include <ctime>

#include "images/json.h"

namespace snaprun::images {
namespace {

constexpr const char* kFormatNames[] = {"dir", "tar", "oci", "docker", "host"};

Result<ImageFormat> ParseFormat(const std::string& name, const std::string& file) {
  for (size_t i = 0; i < std::size(kFormatNames); ++i) {
    if (name == kFormatNames[i]) return static_cast<ImageFormat>(i);
  }
  return Error(ErrorCode::kCorrupt, file + ": unknown image format '" + name + "'");
}

json::ObjectPtr ConfigToJson(const ImageConfig& config) {
  json::ObjectPtr object = json::NewObject();
  object->set("env", json::ToArray(config.env));
  object->set("entrypoint", json::ToArray(config.entrypoint));
  object->set("cmd", json::ToArray(config.cmd));
  object->set("working_dir", config.working_dir);
  object->set("user", config.user);
  return object;
}

json::ObjectPtr SetidToJson(const std::map<std::string, mode_t>& setid) {
  json::ObjectPtr object = json::NewObject();
  char mode[8];
  for (const auto& [path, bits] : setid) {
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(bits));
    object->set(path, std::string(mode));
  }
  return object;
}

Result<ImageConfig> ConfigFromJson(const json::ObjectPtr& object, const std::string& file) {
  ImageConfig config;
  if (object.isNull()) return config;
  config.env = SNAPRUN_TRY(json::Strings(object, "env", file));
  config.entrypoint = SNAPRUN_TRY(json::Strings(object, "entrypoint", file));
  config.cmd = SNAPRUN_TRY(json::Strings(object, "cmd", file));
  config.working_dir = json::OptionalString(object, "working_dir");
  config.user = json::OptionalString(object, "user");
  return config;
}

}  // namespace

const char* FormatName(ImageFormat format) { return kFormatNames[static_cast<int>(format)]; }

std::string RecordToJson(const ImageRecord& record) {
  json::ObjectPtr object = json::NewObject();
  object->set("digest", record.digest);
  object->set("names", json::ToArray(record.names));
  object->set("format", std::string(FormatName(record.format)));
  object->set("source", record.source);
  object->set("created", record.created);
  object->set("imported", record.imported);
  object->set("size", record.size);
  object->set("platform", record.platform);
  object->set("config", ConfigToJson(record.config));
  object->set("skipped", json::ToArray(record.skipped));
  object->set("setid", SetidToJson(record.setid));
  if (record.format == ImageFormat::kHost)
    object->set("host_paths", json::ToArray(record.host_paths));
  return json::Dump(object);
}

Result<ImageRecord> RecordFromJson(const std::string& text, const std::string& file) {
  json::ObjectPtr object = SNAPRUN_TRY(json::ParseObject(text, file));
  ImageRecord record;
  record.digest = SNAPRUN_TRY(json::String(object, "digest", file));
  record.names = SNAPRUN_TRY(json::Strings(object, "names", file));
  record.format = SNAPRUN_TRY(ParseFormat(json::OptionalString(object, "format"), file));
  record.source = json::OptionalString(object, "source");
  record.created = json::OptionalString(object, "created");
  record.imported = json::OptionalString(object, "imported");
  record.size = object->optValue<uint64_t>("size", 0);
  record.platform = json::OptionalString(object, "platform");
  record.config = SNAPRUN_TRY(ConfigFromJson(json::OptionalObject(object, "config"), file));
  record.skipped = SNAPRUN_TRY(json::Strings(object, "skipped", file));
  record.host_paths = SNAPRUN_TRY(json::Strings(object, "host_paths", file));
  if (json::ObjectPtr setid = json::OptionalObject(object, "setid"); !setid.isNull()) {
    for (const std::string& path : setid->getNames()) {
      record.setid[path] =
          static_cast<mode_t>(std::stoul(json::OptionalString(setid, path), nullptr, 8));
    }
  }
  return record;
}

Result<ImageConfig> ParseImageConfig(const std::string& text, const std::string& what) {
  json::ObjectPtr object = SNAPRUN_TRY(json::ParseObject(text, what));
  json::ObjectPtr config = json::OptionalObject(object, "config");
  ImageConfig out;
  if (config.isNull()) return out;
  out.env = SNAPRUN_TRY(json::Strings(config, "Env", what));
  out.entrypoint = SNAPRUN_TRY(json::Strings(config, "Entrypoint", what));
  out.cmd = SNAPRUN_TRY(json::Strings(config, "Cmd", what));
  out.working_dir = json::OptionalString(config, "WorkingDir");
  out.user = json::OptionalString(config, "User");
  return out;
}

Result<void> ReadImageConfigInto(const std::string& config_text, ImageRecord& record) {
  record.config = SNAPRUN_TRY(ParseImageConfig(config_text, "image config"));
  json::ObjectPtr config = SNAPRUN_TRY(json::ParseObject(config_text, "image config"));
  record.created = json::OptionalString(config, "created");
  record.platform =
      json::OptionalString(config, "os") + "/" + json::OptionalString(config, "architecture");
  return Ok();
}

std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string DigestHex(const std::string& digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (!digest.starts_with(kPrefix) || digest.size() != kPrefix.size() + 64) return "";
  std::string hex = digest.substr(kPrefix.size());
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return "";
  }
  return hex;
}

}  // namespace snaprun::images
