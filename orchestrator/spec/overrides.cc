#include "orchestrator/spec/overrides.h"

#include <vector>

#include "orchestrator/spec/spec_yaml.h"

namespace snaprun::orchestrator {
namespace {

void Relabel(SpecNode& node, const SourcePosition& position) {
  node.position = position;
  for (auto& item : node.items) Relabel(item, position);
  for (auto& [key, value] : node.entries) {
    Relabel(key, position);
    Relabel(value, position);
  }
}

std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

Result<SpecNode> ParseValue(const std::string& value, const SourcePosition& at) {
  SpecNode node;
  if (value.empty()) {
    node.kind = SpecNode::Kind::kScalar;
    node.quoted = true;
  } else {
    Result<SpecNode> parsed = ParseSpecYaml(value, at.file);
    if (!parsed) return Error(ErrorCode::kInvalidInput, parsed.error().message()).At(at);
    node = std::move(*parsed);
  }
  Relabel(node, at);
  return node;
}

// The value under KEY in MAP, added as null when absent.
SpecNode& Child(SpecNode& map, const std::string& key, const SourcePosition& at) {
  if (SpecNode* existing = map.Find(key)) return *existing;
  SpecNode key_node;
  key_node.kind = SpecNode::Kind::kScalar;
  key_node.text = key;
  key_node.position = at;
  SpecNode value;
  value.position = at;
  map.entries.emplace_back(std::move(key_node), std::move(value));
  return map.entries.back().second;
}

}  // namespace

Result<void> ApplyOverride(SpecNode& root, const std::string& assignment) {
  const SourcePosition at{"--set " + assignment, 0, 0};
  size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    return Error(ErrorCode::kInvalidInput, "expected KEY=VALUE, e.g. resources.memory=2GiB").At(at);
  }
  std::vector<std::string> path = SplitKey(assignment.substr(0, equals));
  SpecNode value = SNAPRUN_TRY(ParseValue(assignment.substr(equals + 1), at));
  SpecNode* node = &root;
  std::string walked;
  for (const std::string& part : path) {
    if (part.empty()) {
      return Error(ErrorCode::kInvalidInput,
                   "empty key component in \"" + assignment.substr(0, equals) + "\"")
          .At(at);
    }
    if (node->kind == SpecNode::Kind::kNull) {
      node->kind = SpecNode::Kind::kMap;
      node->position = at;
    }
    if (node->kind != SpecNode::Kind::kMap) {
      return Error(ErrorCode::kInvalidInput,
                   "cannot set a key inside '" + walked + "', which is " + node->Describe())
          .At(at);
    }
    walked += walked.empty() ? part : "." + part;
    node = &Child(*node, part, at);
  }
  *node = std::move(value);
  return Ok();
}

}  // namespace snaprun::orchestrator
