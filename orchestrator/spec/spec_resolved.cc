#include "orchestrator/spec/spec_resolved.h"

#include <algorithm>

#include "orchestrator/spec/overrides.h"
#include "orchestrator/spec/spec_loader.h"
#include "orchestrator/spec/spec_yaml.h"

namespace snaprun::orchestrator {
namespace {

// Takes KEY's string value out of ROOT (it is not a run.yaml key, or it is one whose
// recorded value the decoder would re-resolve against the spec's directory).
Result<std::string> TakeString(SpecNode& root, std::string_view key, const std::string& label) {
  auto it = std::find_if(root.entries.begin(), root.entries.end(),
                         [&](const auto& entry) { return entry.first.text == key; });
  if (it == root.entries.end()) {
    return Error(ErrorCode::kInvalidInput, label + ": the resolved spec has no \"" +
                                               std::string(key) + "\"");
  }
  if (it->second.kind != SpecNode::Kind::kScalar || it->second.text.empty()) {
    return NodeError(it->second, key, "expected a non-empty string");
  }
  std::string value = it->second.text;
  root.entries.erase(it);
  return value;
}

}  // namespace

Result<RunSpec> RunSpecFromJson(std::string_view json, const std::string& label,
                                const std::vector<std::string>& overrides) {
  // JSON is YAML 1.2 flow syntax, so the one strict adapter reads it with positions.
  SpecNode root = SNAPRUN_TRY(ParseSpecYaml(json, label));
  if (root.kind != SpecNode::Kind::kMap) {
    return Error(ErrorCode::kInvalidInput, label + ": a resolved spec is a JSON object");
  }
  std::string spec_path = SNAPRUN_TRY(TakeString(root, "spec", label));
  std::string code_dir = SNAPRUN_TRY(TakeString(root, "code", label));
  // allow_outside_code stays as recorded; it only governs how "code" is written.
  bool allow_outside = false;
  if (const SpecNode* node = root.Find("allow_outside_code")) allow_outside = node->text == "true";
  std::erase_if(root.entries, [](const auto& e) { return e.first.text == "allow_outside_code"; });
  for (const std::string& assignment : overrides) {
    SNAPRUN_TRY(ApplyOverride(root, assignment));
    if (root.Find("code") != nullptr || root.Find("allow_outside_code") != nullptr) {
      return Error(ErrorCode::kInvalidInput,
                   "--set " + assignment +
                       ": the code of this run is its stored snapshot; code and "
                       "allow_outside_code cannot be changed");
    }
  }
  if (spec_path.front() != '/' || code_dir.front() != '/') {
    return Error(ErrorCode::kInvalidInput,
                 label + ": the resolved spec's \"spec\" and \"code\" must be absolute paths");
  }
  RunSpec spec = SNAPRUN_TRY(DecodeRunSpec(root, spec_path));
  spec.code_dir = code_dir;
  spec.allow_outside_code = allow_outside;
  return spec;
}

}  // namespace snaprun::orchestrator
