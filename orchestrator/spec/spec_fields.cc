#include "orchestrator/spec/spec_fields.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "orchestrator/spec/units.h"

namespace snaprun::orchestrator {
namespace {

using Type = SpecNode::ScalarType;

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitute = diagonal + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

std::string KeyNames(KeyList keys) {
  std::string out;
  for (std::string_view key : keys) {
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out;
}

Error Expected(const SpecNode& node, std::string_view path, std::string_view what) {
  return NodeError(node, path, "expected " + std::string(what) + ", got " + node.Describe());
}

bool IsScalarOf(const SpecNode& node, Type type) {
  return node.kind == SpecNode::Kind::kScalar && node.Resolve() == type;
}

// Integer text under the YAML 1.2 core schema, saturating; nullopt for a negative value.
std::optional<uint64_t> IntegerValue(const std::string& text) {
  if (!text.empty() && text[0] == '-') {
    return text.find_first_not_of("-0") == std::string::npos ? std::optional<uint64_t>(0)
                                                             : std::nullopt;
  }
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0o")) {
    base = digits[1] == 'x' ? 16 : 8;
    digits.remove_prefix(2);
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (char c : digits) {
    uint64_t digit =
        std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    value = value > (kMax - digit) / base ? kMax : value * base + digit;
  }
  return value;
}

Error OutOfRange(const SpecNode& node, std::string_view path, std::string_view shown, uint64_t min,
                 uint64_t max, std::string (*format)(uint64_t)) {
  return NodeError(
      node, path,
      std::string(shown) + " is out of range; expected " + format(min) + " to " + format(max));
}

std::string Plain(uint64_t value) { return std::to_string(value); }

}  // namespace

std::string JoinPath(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

std::string SuggestKey(std::string_view word, KeyList candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

Result<void> ExpectMap(const SpecNode& node, std::string_view path, KeyList allowed,
                       KeyList required) {
  if (node.kind != SpecNode::Kind::kMap) return Expected(node, path, "a mapping");
  for (const auto& [key, value] : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), key.text) != allowed.end()) continue;
    std::string message = "unknown key '" + key.text + "'";
    std::string suggestion = SuggestKey(key.text, allowed);
    message += suggestion.empty() ? "; expected one of: " + KeyNames(allowed)
                                  : "; did you mean '" + suggestion + "'?";
    return NodeError(key, path, message);
  }
  for (std::string_view key : required) {
    if (node.Find(key) == nullptr) {
      return NodeError(node, path, "missing required key '" + std::string(key) + "'");
    }
  }
  return Ok();
}

// YAML's "\0" escape can put a NUL into a string; no path, name or argv can hold one.
static Result<std::string> RefuseNul(const SpecNode& node, std::string_view path) {
  if (node.text.find('\0') != std::string::npos) {
    return NodeError(node, path, "must not contain a NUL character");
  }
  return node.text;
}

Result<std::string> ReadString(const SpecNode& node, std::string_view path) {
  if (!IsScalarOf(node, Type::kString)) return Expected(node, path, "a string");
  return RefuseNul(node, path);
}

Result<std::string> ReadScalarText(const SpecNode& node, std::string_view path) {
  if (node.kind != SpecNode::Kind::kScalar || node.Resolve() == Type::kNull) {
    return Expected(node, path, "a string (write \"\" for an empty one)");
  }
  return RefuseNul(node, path);
}

Result<size_t> ReadChoice(const SpecNode& node, std::string_view path, KeyList choices) {
  std::string expected;
  for (std::string_view choice : choices) {
    expected += expected.empty() ? "" : " or ";
    expected += choice;
  }
  if (IsScalarOf(node, Type::kString)) {
    auto found = std::find(choices.begin(), choices.end(), node.text);
    if (found != choices.end()) return static_cast<size_t>(found - choices.begin());
  }
  return Expected(node, path, expected);
}

Result<bool> ReadBool(const SpecNode& node, std::string_view path) {
  if (!IsScalarOf(node, Type::kBool)) return Expected(node, path, "true or false");
  return node.text[0] == 't' || node.text[0] == 'T';
}

Result<uint64_t> ReadInteger(const SpecNode& node, std::string_view path, uint64_t min,
                             uint64_t max) {
  std::optional<uint64_t> value;
  if (IsScalarOf(node, Type::kInteger)) {
    value = IntegerValue(node.text);
  } else if (IsScalarOf(node, Type::kFloat)) {
    double number = std::strtod(node.text.c_str(), nullptr);
    if (!std::isfinite(number) || number != std::floor(number)) {
      return Expected(node, path, "an integer");
    }
    if (number >= 0) value = number >= 1.8e19 ? max + 1 : static_cast<uint64_t>(number);
  } else {
    return Expected(node, path, "an integer");
  }
  if (!value || *value < min || *value > max) {
    return OutOfRange(node, path, node.text, min, max, Plain);
  }
  return *value;
}

Result<double> ReadPositiveNumber(const SpecNode& node, std::string_view path, double max) {
  if (!IsScalarOf(node, Type::kInteger) && !IsScalarOf(node, Type::kFloat)) {
    return Expected(node, path, "a number");
  }
  double value = std::strtod(node.text.c_str(), nullptr);
  if (node.text.starts_with("0x") || node.text.starts_with("0o")) {
    value = static_cast<double>(IntegerValue(node.text).value_or(0));
  }
  if (!(value > 0) || !(value <= max)) {
    return NodeError(node, path,
                     node.text + " is out of range; expected a number above 0 and at most " +
                         std::to_string(static_cast<uint64_t>(max)));
  }
  return value;
}

Result<uint64_t> ReadSize(const SpecNode& node, std::string_view path, uint64_t max) {
  if (IsScalarOf(node, Type::kInteger)) {
    std::optional<uint64_t> value = IntegerValue(node.text);
    if (!value || *value < 1 || *value > max) {
      return OutOfRange(node, path, node.text, 1, max, FormatSize);
    }
    return *value;
  }
  if (!IsScalarOf(node, Type::kString)) {
    return Expected(node, path, "a size such as 512MiB or a number of bytes");
  }
  Result<uint64_t> size = ParseSize(node.text);
  if (!size) return NodeError(node, path, size.error().message());
  if (*size < 1 || *size > max) return OutOfRange(node, path, node.text, 1, max, FormatSize);
  return *size;
}

Result<std::chrono::milliseconds> ReadDuration(const SpecNode& node, std::string_view path,
                                               std::chrono::milliseconds max) {
  if (!IsScalarOf(node, Type::kString)) {
    return Expected(node, path, "a duration with a unit, such as 90s, 10m or 1h30m");
  }
  Result<std::chrono::milliseconds> duration = ParseDuration(node.text);
  if (!duration) return NodeError(node, path, duration.error().message());
  if (duration->count() <= 0 || *duration > max) {
    return NodeError(
        node, path,
        node.text + " is out of range; expected more than 0s and at most " + FormatDuration(max));
  }
  return *duration;
}

}  // namespace snaprun::orchestrator
