#include "orchestrator/spec/spec_node.h"

#include <string_view>

namespace snaprun::orchestrator {
namespace {

bool MatchesAny(const std::string& text, std::initializer_list<const char*> words) {
  for (const char* word : words) {
    if (text == word) return true;
  }
  return false;
}

bool AllOf(std::string_view text, const char* alphabet) {
  return !text.empty() && text.find_first_not_of(alphabet) == std::string_view::npos;
}

// The YAML 1.2 core schema's integer and float forms, by hand: std::regex recurses
// per character and a scalar may be a megabyte long.
bool IsCoreInteger(std::string_view text) {
  if (text.starts_with("0o")) return AllOf(text.substr(2), "01234567");
  if (text.starts_with("0x")) return AllOf(text.substr(2), "0123456789abcdefABCDEF");
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  return AllOf(text, "0123456789");
}

bool IsCoreFloat(std::string_view text) {
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) text.remove_prefix(1);
  if (text == ".inf" || text == ".Inf" || text == ".INF") return true;
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return true;
  size_t exponent = text.find_first_of("eE");
  std::string_view mantissa = text.substr(0, exponent);
  if (exponent != std::string_view::npos) {
    std::string_view power = text.substr(exponent + 1);
    if (!power.empty() && (power[0] == '-' || power[0] == '+')) power.remove_prefix(1);
    if (!AllOf(power, "0123456789")) return false;
  }
  size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) return AllOf(mantissa, "0123456789");
  std::string_view whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
  if (whole.empty()) return AllOf(fraction, "0123456789");
  return AllOf(whole, "0123456789") && (fraction.empty() || AllOf(fraction, "0123456789"));
}

}  // namespace

SpecNode::ScalarType SpecNode::Resolve() const {
  if (kind == Kind::kNull) return ScalarType::kNull;
  if (quoted) return ScalarType::kString;
  if (MatchesAny(text, {"", "~", "null", "Null", "NULL"})) return ScalarType::kNull;
  if (MatchesAny(text, {"true", "True", "TRUE", "false", "False", "FALSE"})) {
    return ScalarType::kBool;
  }
  if (IsCoreInteger(text)) return ScalarType::kInteger;
  if (IsCoreFloat(text)) return ScalarType::kFloat;
  return ScalarType::kString;
}

std::string SpecNode::Describe() const {
  switch (kind) {
    case Kind::kNull:
      return "nothing (null)";
    case Kind::kSequence:
      return "a list";
    case Kind::kMap:
      return "a mapping";
    case Kind::kScalar:
      break;
  }
  switch (Resolve()) {
    case ScalarType::kString:
      return "the string \"" + (text.size() > 60 ? text.substr(0, 57) + "..." : text) + "\"";
    case ScalarType::kInteger:
      return "the integer " + text;
    case ScalarType::kFloat:
      return "the number " + text;
    case ScalarType::kBool:
      return "the boolean " + text;
    case ScalarType::kNull:
      return "nothing (null)";
  }
  return "a value";
}

const SpecNode* SpecNode::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.text == key) return &v;
  }
  return nullptr;
}

SpecNode* SpecNode::Find(std::string_view key) {
  for (auto& [k, v] : entries) {
    if (k.text == key) return &v;
  }
  return nullptr;
}

Error NodeError(const SpecNode& node, std::string_view path, std::string_view message) {
  std::string text(path);
  if (!text.empty()) text += ": ";
  text += message;
  return Error(ErrorCode::kInvalidInput, std::move(text)).At(node.position);
}

}  // namespace snaprun::orchestrator
