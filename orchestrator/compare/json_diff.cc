// JSON comparison. Integers are compared exactly as integers first, so two large ids that
// collide as doubles still differ; otherwise numbers go through NumbersEqual. Values shown
// in a change are compact JSON, cut at kMaxValueChars so one added subtree stays readable.
#include "orchestrator/compare/json_diff.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <set>
#include <sstream>

#include "orchestrator/compare/numbers.h"

namespace snaprun::orchestrator {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr size_t kMaxValueChars = 200;

std::string JsonText(const Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  std::string text = out.str();
  if (text.size() > kMaxValueChars) {
    text.resize(kMaxValueChars);
    text += "…";
  }
  return text;
}

std::string PointerToken(const std::string& key) {
  std::string token;
  for (char c : key) {
    if (c == '~') {
      token += "~0";
    } else if (c == '/') {
      token += "~1";
    } else {
      token += c;
    }
  }
  return token;
}

bool IsObject(const Var& v) { return v.type() == typeid(Object::Ptr); }
bool IsArray(const Var& v) { return v.type() == typeid(Array::Ptr); }

bool ScalarsEqual(const Var& a, const Var& b, const CompareOptions& options) {
  if (a.isEmpty() || b.isEmpty()) return a.isEmpty() && b.isEmpty();
  if (a.isBoolean() || b.isBoolean()) {
    return a.isBoolean() && b.isBoolean() && a.extract<bool>() == b.extract<bool>();
  }
  if (a.isString() || b.isString()) {
    return a.isString() && b.isString() && a.extract<std::string>() == b.extract<std::string>();
  }
  if (!a.isNumeric() || !b.isNumeric()) return false;
  if (a.isInteger() && b.isInteger()) {
    // Decimal text is exact at any width; doubles would merge integers beyond 2^53.
    if (a.convert<std::string>() == b.convert<std::string>()) return true;
    if (options.atol == 0 && options.rtol == 0) return false;
  }
  return NumbersEqual(a.convert<double>(), b.convert<double>(), options);
}

class JsonDiffer {
 public:
  explicit JsonDiffer(const CompareOptions& options) : options_(options) {}
  std::vector<StructuralChange> Take() { return std::move(changes_); }

  void Compare(const Var& a, const Var& b, const std::string& pointer) {
    if (IsObject(a) && IsObject(b))
      return CompareObjects(a.extract<Object::Ptr>(), b.extract<Object::Ptr>(), pointer);
    if (IsArray(a) && IsArray(b))
      return CompareArrays(a.extract<Array::Ptr>(), b.extract<Array::Ptr>(), pointer);
    bool containers = IsObject(a) || IsObject(b) || IsArray(a) || IsArray(b);
    if (containers || !ScalarsEqual(a, b, options_)) Record(pointer, &a, &b);
  }

 private:
  void Record(const std::string& pointer, const Var* a, const Var* b) {
    StructuralChange change;
    change.location = pointer;
    if (a != nullptr) change.a = JsonText(*a);
    if (b != nullptr) change.b = JsonText(*b);
    changes_.push_back(std::move(change));
  }

  void CompareObjects(const Object::Ptr& a, const Object::Ptr& b, const std::string& pointer) {
    std::set<std::string> keys;
    for (const auto& entry : *a) keys.insert(entry.first);
    for (const auto& entry : *b) keys.insert(entry.first);
    for (const std::string& key : keys) {
      std::string child = pointer + "/" + PointerToken(key);
      bool in_a = a->has(key), in_b = b->has(key);
      Var value_a = in_a ? a->get(key) : Var(), value_b = in_b ? b->get(key) : Var();
      if (in_a && in_b) {
        Compare(value_a, value_b, child);
      } else {
        Record(child, in_a ? &value_a : nullptr, in_b ? &value_b : nullptr);
      }
    }
  }

  void CompareArrays(const Array::Ptr& a, const Array::Ptr& b, const std::string& pointer) {
    size_t common = std::min(a->size(), b->size());
    for (size_t i = 0; i < std::max(a->size(), b->size()); ++i) {
      std::string child = pointer + "/" + std::to_string(i);
      Var value_a = i < a->size() ? a->get(i) : Var(), value_b = i < b->size() ? b->get(i) : Var();
      if (i < common) {
        Compare(value_a, value_b, child);
      } else {
        Record(child, i < a->size() ? &value_a : nullptr, i < b->size() ? &value_b : nullptr);
      }
    }
  }

  const CompareOptions& options_;
  std::vector<StructuralChange> changes_;
};

std::optional<Var> ParseJson(std::string_view text, const char* side, std::string* error) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(std::string(text));
  } catch (const Poco::Exception& e) {
    *error = std::string(side) + " side is not valid JSON: " + e.displayText();
  } catch (const std::exception& e) {
    *error = std::string(side) + " side is not valid JSON: " + e.what();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<StructuralChange>> DiffJson(std::string_view a, std::string_view b,
                                                      const CompareOptions& options,
                                                      std::string* parse_error) {
  std::optional<Var> value_a = ParseJson(a, "a", parse_error);
  if (!value_a) return std::nullopt;
  std::optional<Var> value_b = ParseJson(b, "b", parse_error);
  if (!value_b) return std::nullopt;
  JsonDiffer differ(options);
  try {
    differ.Compare(*value_a, *value_b, "");
  } catch (const Poco::Exception& e) {
    // A value Poco cannot convert (it parsed, so this is unexpected): compare as text.
    *parse_error = "JSON values not comparable: " + e.displayText();
    return std::nullopt;
  }
  return differ.Take();
}

}  // namespace snaprun::orchestrator
