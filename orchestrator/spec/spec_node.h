// SpecNode: a YAML document as plain data, with the source position of every node,
// produced by the one yaml-cpp adapter (spec_yaml.cc). Invariants: aliases are
// already expanded, map keys are scalars and unique, the tree is small (bounded).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct SpecNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  // How a scalar resolves under the YAML 1.2 core schema; quoted and block
  // scalars are always strings.
  enum class ScalarType { kString, kInteger, kFloat, kBool, kNull };

  Kind kind = Kind::kNull;
  SourcePosition position;
  std::string text;                                    // scalar value
  bool quoted = false;                                 // quoted or block scalar
  std::vector<SpecNode> items;                         // kSequence
  std::vector<std::pair<SpecNode, SpecNode>> entries;  // kMap, in document order

  ScalarType Resolve() const;
  // "a mapping", "a list", "an integer", "a string", … for error messages.
  std::string Describe() const;
  // Null, or an entry's value for KEY; nullptr when absent.
  const SpecNode* Find(std::string_view key) const;
  SpecNode* Find(std::string_view key);
};

// An error at NODE's position: kInvalidInput, "PATH: MESSAGE" (PATH may be empty).
Error NodeError(const SpecNode& node, std::string_view path, std::string_view message);

}  // namespace snaprun::orchestrator
