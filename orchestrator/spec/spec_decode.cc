// The top level of a run spec: which keys exist, and the scalar fields. The nested
// sections (env, resources, datastores, snapshot) are in spec_sections.cc.
#include <filesystem>

#include "orchestrator/spec/spec_fields.h"
#include "orchestrator/spec/spec_loader.h"
#include "orchestrator/spec/spec_sections.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

Result<std::string> DecodeName(const SpecNode& node) {
  std::string name = SNAPRUN_TRY(ReadString(node, "name"));
  if (!IsSimpleName(name, kMaxNameLength) || name[0] == '.' || name[0] == '-' || name[0] == '_') {
    return NodeError(node, "name",
                     "\"" + name +
                         "\" is not a valid run name; expected 1 to 128 characters of "
                         "[A-Za-z0-9._-] starting with a letter or digit");
  }
  return name;
}

Result<std::string> DecodeCodeDir(const SpecNode* node, bool allow_outside,
                                  const std::string& spec_path) {
  fs::path spec_dir = fs::absolute(fs::path(spec_path)).parent_path();
  if (node == nullptr) return spec_dir.lexically_normal().string();
  std::string code = SNAPRUN_TRY(ReadString(*node, "code"));
  if (code.empty())
    return NodeError(*node, "code", "must not be empty; use \".\" for the spec's directory");
  fs::path relative(code);
  bool escapes = relative.is_absolute();
  for (const fs::path& part : relative) escapes = escapes || part == "..";
  if (escapes && !allow_outside) {
    return NodeError(*node, "code",
                     "\"" + code +
                         "\" leaves the spec's directory; write a relative path without "
                         "\"..\", or set allow_outside_code: true");
  }
  std::string resolved = (spec_dir / relative).lexically_normal().string();
  if (resolved.size() > 1 && resolved.back() == '/') resolved.pop_back();
  return resolved;
}

Result<void> DecodeCommand(const SpecNode& node, RunSpec& spec) {
  if (node.kind == SpecNode::Kind::kSequence) {
    if (node.items.empty()) return NodeError(node, "command", "must not be an empty list");
    for (size_t i = 0; i < node.items.size(); ++i) {
      std::string path = "command[" + std::to_string(i) + "]";
      spec.command.push_back(SNAPRUN_TRY(ReadScalarText(node.items[i], path)));
    }
    if (spec.command[0].empty())
      return NodeError(node.items[0], "command[0]", "the program must not be empty");
    return Ok();
  }
  if (node.kind != SpecNode::Kind::kScalar || node.Resolve() != SpecNode::ScalarType::kString) {
    return NodeError(
        node, "command",
        "expected a list of arguments or a shell command string, got " + node.Describe());
  }
  std::string script = SNAPRUN_TRY(ReadString(node, "command"));
  if (script.find_first_not_of(" \t\n") == std::string::npos) {
    return NodeError(node, "command", "must not be empty");
  }
  spec.command = {"/bin/sh", "-c", std::move(script)};
  spec.command_is_shell = true;
  return Ok();
}

Result<std::string> DecodeImage(const SpecNode& node) {
  std::string image = SNAPRUN_TRY(ReadString(node, "image"));
  if (!IsImageReference(image)) {
    return NodeError(node, "image",
                     "\"" + image +
                         "\" is not an image reference; expected host, NAME[:TAG], "
                         "sha256:<64 hex digits> or NAME@sha256:<64 hex digits>");
  }
  return image;
}

Result<NetworkMode> DecodeNetwork(const SpecNode& node) {
  size_t choice = SNAPRUN_TRY(ReadChoice(node, "network", {"none", "host"}));
  return choice == 0 ? NetworkMode::kNone : NetworkMode::kHost;
}

Result<SeccompChoice> DecodeSeccomp(const SpecNode& node) {
  size_t choice = SNAPRUN_TRY(ReadChoice(node, "seccomp", {"default", "strict"}));
  return choice == 0 ? SeccompChoice::kDefault : SeccompChoice::kStrict;
}

Result<std::string> DecodeDirName(const SpecNode& node, std::string_view key) {
  std::string name = SNAPRUN_TRY(ReadString(node, key));
  if (!IsSimpleName(name, 255) || name == "." || name == "..") {
    return NodeError(node, key,
                     "\"" + name +
                         "\" is not a simple directory name; expected [A-Za-z0-9._-], "
                         "no slashes, not . or ..");
  }
  return name;
}

Result<void> DecodeDirs(const SpecNode& root, RunSpec& spec) {
  const SpecNode* outputs = root.Find("outputs");
  const SpecNode* logs = root.Find("logs");
  if (outputs) spec.outputs = SNAPRUN_TRY(DecodeDirName(*outputs, "outputs"));
  if (logs) spec.logs = SNAPRUN_TRY(DecodeDirName(*logs, "logs"));
  if (spec.outputs == spec.logs) {
    const SpecNode& at = logs ? *logs : *outputs;
    return NodeError(
        at, logs ? "logs" : "outputs",
        "outputs and logs must be different directories, both are \"" + spec.logs + "\"");
  }
  return Ok();
}

Result<void> DecodeScalars(const SpecNode& root, RunSpec& spec) {
  spec.name = SNAPRUN_TRY(DecodeName(*root.Find("name")));
  if (const SpecNode* node = root.Find("allow_outside_code")) {
    spec.allow_outside_code = SNAPRUN_TRY(ReadBool(*node, "allow_outside_code"));
  }
  spec.code_dir =
      SNAPRUN_TRY(DecodeCodeDir(root.Find("code"), spec.allow_outside_code, spec.spec_path));
  SNAPRUN_TRY(DecodeCommand(*root.Find("command"), spec));
  if (const SpecNode* node = root.Find("image")) spec.image = SNAPRUN_TRY(DecodeImage(*node));
  if (const SpecNode* node = root.Find("network")) spec.network = SNAPRUN_TRY(DecodeNetwork(*node));
  if (const SpecNode* node = root.Find("seccomp")) spec.seccomp = SNAPRUN_TRY(DecodeSeccomp(*node));
  return DecodeDirs(root, spec);
}

}  // namespace

Result<RunSpec> DecodeRunSpec(const SpecNode& root, const std::string& spec_path) {
  if (root.kind == SpecNode::Kind::kNull) {
    return NodeError(root, "",
                     "the spec is empty; expected a mapping with at least name and command");
  }
  if (root.kind != SpecNode::Kind::kMap) {
    return NodeError(root, "",
                     "expected a mapping with keys such as name and command at the top "
                     "level, got " +
                         root.Describe());
  }
  SNAPRUN_TRY(ExpectMap(root, "",
                        {"name", "code", "allow_outside_code", "command", "image", "env",
                         "resources", "network", "seccomp", "datastores", "snapshot", "outputs",
                         "logs"},
                        {"name", "command"}));
  RunSpec spec;
  spec.spec_path = fs::absolute(fs::path(spec_path)).lexically_normal().string();
  SNAPRUN_TRY(DecodeScalars(root, spec));
  if (const SpecNode* node = root.Find("env")) spec.env = SNAPRUN_TRY(DecodeEnv(*node));
  if (const SpecNode* node = root.Find("resources")) {
    spec.resources = SNAPRUN_TRY(DecodeResources(*node));
  }
  if (const SpecNode* node = root.Find("datastores")) {
    spec.datastores = SNAPRUN_TRY(DecodeDatastores(*node));
  }
  if (const SpecNode* node = root.Find("snapshot"))
    spec.snapshot = SNAPRUN_TRY(DecodeSnapshot(*node));
  return spec;
}

}  // namespace snaprun::orchestrator
