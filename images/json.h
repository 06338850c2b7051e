// The one adapter between the store and Poco::JSON: parse errors and missing or
// mistyped fields become Error values naming the document and the field.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "sandbox/base/error.h"

namespace snaprun::images::json {

using ObjectPtr = Poco::JSON::Object::Ptr;
using ArrayPtr = Poco::JSON::Array::Ptr;

Result<ObjectPtr> ParseObject(const std::string& text, const std::string& what);
Result<ArrayPtr> ParseArray(const std::string& text, const std::string& what);
// A required string field.
Result<std::string> String(const ObjectPtr& object, const std::string& key,
                           const std::string& what);
// An optional string field ("" when absent or null).
std::string OptionalString(const ObjectPtr& object, const std::string& key);
// An optional array of strings (empty when absent or null); other element types are errors.
Result<std::vector<std::string>> Strings(const ObjectPtr& object, const std::string& key,
                                         const std::string& what);
ObjectPtr OptionalObject(const ObjectPtr& object, const std::string& key);
ArrayPtr OptionalArray(const ObjectPtr& object, const std::string& key);
ArrayPtr ToArray(const std::vector<std::string>& values);
// Pretty JSON with keys in insertion order.
std::string Dump(const ObjectPtr& object);
ObjectPtr NewObject();

}  // namespace snaprun::images::json
