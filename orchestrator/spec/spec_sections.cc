#include "orchestrator/spec/spec_sections.h"

#include <filesystem>

#include "orchestrator/spec/spec_fields.h"

namespace snaprun::orchestrator {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlnum(char c) { return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z'); }

// One path component of an image name: [a-z0-9]+([._-][a-z0-9]+)*.
bool IsNameComponent(std::string_view part) {
  if (part.empty() || !IsLowerAlnum(part.front()) || !IsLowerAlnum(part.back())) return false;
  for (size_t i = 0; i < part.size(); ++i) {
    if (IsLowerAlnum(part[i])) continue;
    if (part[i] != '.' && part[i] != '_' && part[i] != '-') return false;
    if (!IsLowerAlnum(part[i + 1])) return false;
  }
  return true;
}

bool IsImageName(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    if (!IsNameComponent(name.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || tag[0] == '.' || tag[0] == '-') return false;
  return IsSimpleName(tag, 128);
}

bool IsDigest(std::string_view text) {
  if (!text.starts_with("sha256:") || text.size() != 7 + 64) return false;
  return text.substr(7).find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The sandbox's own mount points; a datastore there would shadow them.
constexpr std::string_view kReservedMounts[] = {"/proc", "/sys", "/dev", "/snapshot", "/workspace"};

std::string DatastorePathProblem(std::string_view path) {
  if (path.empty() || path[0] != '/') return "must be an absolute path";
  if (path == "/" || path.back() == '/' || path.find("//") != std::string_view::npos) {
    return "must be a clean absolute path below / (no trailing or double slash)";
  }
  for (const auto& part : std::filesystem::path(path)) {
    if (part == "." || part == "..") return "must not contain . or .. components";
  }
  for (std::string_view reserved : kReservedMounts) {
    if (path == reserved || path.starts_with(std::string(reserved) + "/")) {
      return "must not be at or below " + std::string(reserved) +
             ", which the sandbox mounts itself";
    }
  }
  return "";
}

Result<DatastoreMode> DecodeMode(const SpecNode& node, const std::string& path) {
  size_t choice = SNAPRUN_TRY(ReadChoice(node, path, {"ro", "rw"}));
  return choice == 0 ? DatastoreMode::kReadOnly : DatastoreMode::kReadWrite;
}

Result<DatastoreRequest> DecodeDatastore(const SpecNode& node, const std::string& at) {
  SNAPRUN_TRY(ExpectMap(node, at, {"name", "path", "mode"}, {"name"}));
  DatastoreRequest store;
  const SpecNode& name = *node.Find("name");
  store.name = SNAPRUN_TRY(ReadString(name, at + ".name"));
  if (!IsSimpleName(store.name, 64) || !IsAlnum(store.name[0])) {
    return NodeError(name, at + ".name",
                     "\"" + store.name +
                         "\" is not a datastore name; expected 1 to 64 characters of "
                         "[A-Za-z0-9._-] starting with a letter or digit");
  }
  store.path = "/data/" + store.name;
  if (const SpecNode* path = node.Find("path")) {
    store.path = SNAPRUN_TRY(ReadString(*path, at + ".path"));
    std::string problem = DatastorePathProblem(store.path);
    if (!problem.empty())
      return NodeError(*path, at + ".path", "\"" + store.path + "\" " + problem);
  }
  if (const SpecNode* mode = node.Find("mode"))
    store.mode = SNAPRUN_TRY(DecodeMode(*mode, at + ".mode"));
  return store;
}

// Two requests for one datastore, or two mounts at one path, are refused at the second.
Result<void> CheckDistinct(const std::vector<DatastoreRequest>& stores, const SpecNode& list) {
  for (size_t i = 0; i < stores.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      std::string at = "datastores[" + std::to_string(i) + "]";
      const SpecNode& item = list.items[i];
      if (stores[i].name == stores[j].name) {
        return NodeError(*item.Find("name"), at + ".name",
                         "datastore '" + stores[i].name + "' is already requested by datastores[" +
                             std::to_string(j) + "]");
      }
      if (stores[i].path == stores[j].path) {
        const SpecNode* path = item.Find("path");
        return NodeError(path ? *path : item, at + ".path",
                         "mount path " + stores[i].path + " is already used by datastores[" +
                             std::to_string(j) + "]");
      }
    }
  }
  return Ok();
}

}  // namespace

bool IsSimpleName(std::string_view text, size_t max_length) {
  if (text.empty() || text.size() > max_length) return false;
  for (char c : text) {
    if (!IsAlnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

bool IsImageReference(std::string_view text) {
  if (text.size() > 255) return false;
  if (text == "host") return true;
  // "sha256:abc" is a mistyped digest, not an image called sha256 with tag abc.
  if (text.starts_with("sha256:")) return IsDigest(text);
  size_t at = text.find('@');
  if (at != std::string_view::npos)
    return IsImageName(text.substr(0, at)) && IsDigest(text.substr(at + 1));
  size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find('/', colon) == std::string_view::npos) {
    return IsImageName(text.substr(0, colon)) && IsTag(text.substr(colon + 1));
  }
  return IsImageName(text);
}

bool IsEnvName(std::string_view text) {
  if (text.empty() || text.size() > 255 || (text[0] >= '0' && text[0] <= '9')) return false;
  for (char c : text) {
    if (!IsAlnum(c) && c != '_') return false;
  }
  return true;
}

Result<std::map<std::string, std::string>> DecodeEnv(const SpecNode& node) {
  if (node.kind != SpecNode::Kind::kMap) {
    return NodeError(node, "env", "expected a mapping of NAME: value, got " + node.Describe());
  }
  std::map<std::string, std::string> env;
  for (const auto& [key, value] : node.entries) {
    if (!IsEnvName(key.text)) {
      return NodeError(
          key, "env",
          "'" + key.text + "' is not a valid variable name; expected [A-Za-z_][A-Za-z0-9_]*");
    }
    std::string path = JoinPath("env", key.text);
    env[key.text] = SNAPRUN_TRY(ReadScalarText(value, path));
  }
  return env;
}

// Fields are read in document order, so of two mistakes the first one is reported.
Result<ResourceRequest> DecodeResources(const SpecNode& node) {
  SNAPRUN_TRY(ExpectMap(node, "resources",
                        {"cpus", "memory", "pids", "scratch", "tmp", "timeout", "nofile",
                         "outputs_size", "logs_size"}));
  ResourceRequest r;
  for (const auto& [key, value] : node.entries) {
    const std::string path = JoinPath("resources", key.text);
    const std::string& k = key.text;
    if (k == "cpus") r.cpus = SNAPRUN_TRY(ReadPositiveNumber(value, path, kMaxCpus));
    if (k == "memory") r.memory_bytes = SNAPRUN_TRY(ReadSize(value, path, kMaxSizeBytes));
    if (k == "pids") r.pids = SNAPRUN_TRY(ReadInteger(value, path, 1, kMaxPids));
    if (k == "scratch") r.scratch_bytes = SNAPRUN_TRY(ReadSize(value, path, kMaxSizeBytes));
    if (k == "tmp") r.tmp_bytes = SNAPRUN_TRY(ReadSize(value, path, kMaxSizeBytes));
    if (k == "timeout") r.timeout = SNAPRUN_TRY(ReadDuration(value, path, kMaxTimeout));
    if (k == "nofile") r.nofile = SNAPRUN_TRY(ReadInteger(value, path, 1, kMaxNofile));
    if (k == "outputs_size") r.outputs_bytes = SNAPRUN_TRY(ReadSize(value, path, kMaxSizeBytes));
    if (k == "logs_size") r.logs_bytes = SNAPRUN_TRY(ReadSize(value, path, kMaxSizeBytes));
  }
  return r;
}

Result<std::vector<DatastoreRequest>> DecodeDatastores(const SpecNode& node) {
  if (node.kind != SpecNode::Kind::kSequence) {
    return NodeError(node, "datastores",
                     "expected a list of {name, path, mode}, got " + node.Describe());
  }
  std::vector<DatastoreRequest> stores;
  for (size_t i = 0; i < node.items.size(); ++i) {
    stores.push_back(
        SNAPRUN_TRY(DecodeDatastore(node.items[i], "datastores[" + std::to_string(i) + "]")));
  }
  SNAPRUN_TRY(CheckDistinct(stores, node));
  return stores;
}

Result<SnapshotLimits> DecodeSnapshot(const SpecNode& node) {
  SNAPRUN_TRY(ExpectMap(node, "snapshot", {"max_size", "max_files"}));
  SnapshotLimits limits;
  if (const SpecNode* n = node.Find("max_size")) {
    limits.max_size_bytes = SNAPRUN_TRY(ReadSize(*n, "snapshot.max_size", kMaxSizeBytes));
  }
  if (const SpecNode* n = node.Find("max_files")) {
    limits.max_files = SNAPRUN_TRY(ReadInteger(*n, "snapshot.max_files", 1, kMaxSnapshotFiles));
  }
  return limits;
}

}  // namespace snaprun::orchestrator
