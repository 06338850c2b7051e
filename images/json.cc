#include "images/json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace snaprun::images::json {
namespace {

Result<Poco::Dynamic::Var> Parse(const std::string& text, const std::string& what) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text);
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kInvalidInput, what + ": invalid JSON: " + e.displayText());
  }
}

}  // namespace

Result<ObjectPtr> ParseObject(const std::string& text, const std::string& what) {
  Poco::Dynamic::Var value = SNAPRUN_TRY(Parse(text, what));
  if (value.type() != typeid(ObjectPtr)) {
    return Error(ErrorCode::kInvalidInput, what + ": expected a JSON object");
  }
  return value.extract<ObjectPtr>();
}

Result<ArrayPtr> ParseArray(const std::string& text, const std::string& what) {
  Poco::Dynamic::Var value = SNAPRUN_TRY(Parse(text, what));
  if (value.type() != typeid(ArrayPtr)) {
    return Error(ErrorCode::kInvalidInput, what + ": expected a JSON array");
  }
  return value.extract<ArrayPtr>();
}

Result<std::string> String(const ObjectPtr& object, const std::string& key,
                           const std::string& what) {
  if (!object->has(key) || !object->get(key).isString()) {
    return Error(ErrorCode::kInvalidInput, what + ": missing string field '" + key + "'");
  }
  return object->getValue<std::string>(key);
}

std::string OptionalString(const ObjectPtr& object, const std::string& key) {
  if (!object->has(key) || !object->get(key).isString()) return "";
  return object->getValue<std::string>(key);
}

Result<std::vector<std::string>> Strings(const ObjectPtr& object, const std::string& key,
                                         const std::string& what) {
  std::vector<std::string> out;
  ArrayPtr array = OptionalArray(object, key);
  if (array.isNull()) return out;
  for (size_t i = 0; i < array->size(); ++i) {
    if (!array->get(static_cast<unsigned>(i)).isString()) {
      return Error(ErrorCode::kInvalidInput, what + ": '" + key + "' must hold strings");
    }
    out.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
  }
  return out;
}

ObjectPtr OptionalObject(const ObjectPtr& object, const std::string& key) {
  return object->has(key) ? object->getObject(key) : ObjectPtr();
}

ArrayPtr OptionalArray(const ObjectPtr& object, const std::string& key) {
  return object->has(key) ? object->getArray(key) : ArrayPtr();
}

ArrayPtr ToArray(const std::vector<std::string>& values) {
  ArrayPtr array = new Poco::JSON::Array();
  for (const std::string& v : values) array->add(v);
  return array;
}

std::string Dump(const ObjectPtr& object) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(object, out, 2);
  out << '\n';
  return out.str();
}

ObjectPtr NewObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

}  // namespace snaprun::images::json
