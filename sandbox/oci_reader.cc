#include <limits>

#include "sandbox/oci_mounts.h"

namespace snaprun::sandbox {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Error OciReader::Invalid(const std::string& path, const std::string& what) const {
  return Error(ErrorCode::kInvalidInput, path + ": " + what).At(SourcePosition{origin_, 0, 0});
}

Result<void> OciReader::OnlyKeys(const Object::Ptr& o, const std::string& path,
                                 std::initializer_list<const char*> allowed) const {
  for (const auto& [key, value] : *o) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      std::string at = path.empty() ? key : path + "." + key;
      return Invalid(at, "unknown or unsupported key");
    }
  }
  return Ok();
}

Result<Object::Ptr> OciReader::AsObject(const Var& v, const std::string& path) const {
  if (v.isEmpty()) return Invalid(path, "missing");
  if (v.type() != typeid(Object::Ptr)) return Invalid(path, "expected an object");
  return v.extract<Object::Ptr>();
}

Result<Array::Ptr> OciReader::AsArray(const Var& v, const std::string& path) const {
  if (v.isEmpty()) return Invalid(path, "missing");
  if (v.type() != typeid(Array::Ptr)) return Invalid(path, "expected an array");
  return v.extract<Array::Ptr>();
}

Result<std::string> OciReader::Str(const Var& v, const std::string& path) const {
  if (v.isEmpty()) return Invalid(path, "missing");
  if (!v.isString()) return Invalid(path, "expected a string");
  return v.extract<std::string>();
}

Result<std::vector<std::string>> OciReader::Strings(const Var& v, const std::string& path) const {
  auto a = SNAPRUN_TRY(AsArray(v, path));
  std::vector<std::string> out;
  for (size_t i = 0; i < a->size(); ++i) {
    out.push_back(SNAPRUN_TRY(Str(a->get(i), path + "[" + std::to_string(i) + "]")));
  }
  return out;
}

Result<bool> OciReader::Bool(const Var& v, const std::string& path) const {
  if (v.type() != typeid(bool)) return Invalid(path, "expected true or false");
  return v.extract<bool>();
}

Result<uint64_t> OciReader::U64(const Var& v, const std::string& path) const {
  if (v.isEmpty() || !v.isNumeric() || !v.isInteger()) return Invalid(path, "expected an integer");
  if (v.isSigned() && v.convert<int64_t>() < 0) {
    // -1 means "unlimited" for rlimits and limits alike.
    if (v.convert<int64_t>() == -1) return std::numeric_limits<uint64_t>::max();
    return Invalid(path, "must not be negative");
  }
  return v.convert<uint64_t>();
}

Result<uint32_t> OciReader::U32(const Var& v, const std::string& path) const {
  uint64_t n = SNAPRUN_TRY(U64(v, path));
  if (n > std::numeric_limits<uint32_t>::max()) return Invalid(path, "out of range");
  return static_cast<uint32_t>(n);
}

Result<int64_t> OciReader::I64(const Var& v, const std::string& path) const {
  if (v.isEmpty() || !v.isNumeric() || !v.isInteger()) return Invalid(path, "expected an integer");
  if (!v.isSigned() && v.convert<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()}) {
    return Invalid(path, "out of range");
  }
  return v.convert<int64_t>();
}

}  // namespace snaprun::sandbox
