// JSON adapter for seccomp profiles (the OCI linux.seccomp object). Strict: every
// unknown key, action, architecture, operator or flag is kInvalidInput naming its
// key path ("syscalls[3].args[0].op"), because a silently ignored rule is a hole.
// Poco exceptions stop here.
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <initializer_list>
#include <sstream>

#include "sandbox/seccomp.h"
#include "sandbox/seccomp_names.h"

namespace snaprun::sandbox {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

class Reader {
 public:
  explicit Reader(std::string_view origin) : origin_(origin) {}

  Error Invalid(const std::string& path, const std::string& what) const {
    return Error(ErrorCode::kInvalidInput, path + ": " + what).At(SourcePosition{origin_, 0, 0});
  }

  Result<Object::Ptr> AsObject(const Var& v, const std::string& path) const {
    if (v.type() != typeid(Object::Ptr)) return Invalid(path, "expected an object");
    return v.extract<Object::Ptr>();
  }
  Result<Array::Ptr> AsArray(const Var& v, const std::string& path) const {
    if (v.type() != typeid(Array::Ptr)) return Invalid(path, "expected an array");
    return v.extract<Array::Ptr>();
  }
  Result<std::string> AsString(const Var& v, const std::string& path) const {
    if (!v.isString()) return Invalid(path, "expected a string");
    return v.extract<std::string>();
  }
  Result<uint64_t> AsUint(const Var& v, const std::string& path, uint64_t max) const {
    if (!v.isInteger()) return Invalid(path, "expected a non-negative integer");
    if (v.isSigned() && v.convert<Poco::Int64>() < 0) {
      return Invalid(path, "expected a non-negative integer");
    }
    uint64_t value = v.convert<Poco::UInt64>();
    if (value > max) return Invalid(path, "value " + std::to_string(value) + " is too large");
    return value;
  }
  Result<std::vector<std::string>> AsStrings(const Var& v, const std::string& path) const {
    Array::Ptr array = SNAPRUN_TRY(AsArray(v, path));
    std::vector<std::string> out;
    for (size_t i = 0; i < array->size(); ++i) {
      out.push_back(SNAPRUN_TRY(AsString(array->get(i), path + "[" + std::to_string(i) + "]")));
    }
    return out;
  }

  Result<void> CheckKeys(const Object& object, const std::string& path,
                         std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : object) {
      bool known = false;
      for (std::string_view name : allowed) known = known || key == name;
      if (!known) return Invalid(Join(path, key), "unknown key");
    }
    return Ok();
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  std::string origin_;
};

Result<std::string> ReadAction(const Reader& r, const Var& v, const std::string& path) {
  std::string action = SNAPRUN_TRY(r.AsString(v, path));
  if (!SeccompActionFromName(action)) return r.Invalid(path, "unknown action \"" + action + "\"");
  return action;
}

Result<SeccompArg> ReadArg(const Reader& r, const Var& v, const std::string& path) {
  Object::Ptr object = SNAPRUN_TRY(r.AsObject(v, path));
  SNAPRUN_TRY(r.CheckKeys(*object, path, {"index", "value", "valueTwo", "op"}));
  if (!object->has("index") || !object->has("op")) {
    return r.Invalid(path, "an argument needs \"index\" and \"op\"");
  }
  SeccompArg arg;
  arg.index = static_cast<unsigned>(SNAPRUN_TRY(r.AsUint(object->get("index"), path + ".index", 5)));
  if (object->has("value")) {
    arg.value = SNAPRUN_TRY(r.AsUint(object->get("value"), path + ".value", UINT64_MAX));
  }
  if (object->has("valueTwo")) {
    arg.value_two = SNAPRUN_TRY(r.AsUint(object->get("valueTwo"), path + ".valueTwo", UINT64_MAX));
  }
  arg.op = SNAPRUN_TRY(r.AsString(object->get("op"), path + ".op"));
  if (!SeccompOperatorFromName(arg.op)) {
    return r.Invalid(path + ".op", "unknown operator \"" + arg.op + "\"");
  }
  return arg;
}

Result<SeccompRule> ReadRule(const Reader& r, const Var& v, const std::string& path) {
  Object::Ptr object = SNAPRUN_TRY(r.AsObject(v, path));
  SNAPRUN_TRY(r.CheckKeys(*object, path, {"names", "action", "errnoRet", "args"}));
  if (!object->has("names") || !object->has("action")) {
    return r.Invalid(path, "a syscall rule needs \"names\" and \"action\"");
  }
  SeccompRule rule;
  rule.names = SNAPRUN_TRY(r.AsStrings(object->get("names"), path + ".names"));
  if (rule.names.empty()) return r.Invalid(path + ".names", "must name at least one syscall");
  rule.action = SNAPRUN_TRY(ReadAction(r, object->get("action"), path + ".action"));
  if (object->has("errnoRet")) {
    rule.errno_ret = static_cast<uint32_t>(
        SNAPRUN_TRY(r.AsUint(object->get("errnoRet"), path + ".errnoRet", 0xffff)));
  }
  if (object->has("args")) {
    Array::Ptr args = SNAPRUN_TRY(r.AsArray(object->get("args"), path + ".args"));
    for (size_t i = 0; i < args->size(); ++i) {
      rule.args.push_back(
          SNAPRUN_TRY(ReadArg(r, args->get(i), path + ".args[" + std::to_string(i) + "]")));
    }
  }
  return rule;
}

Result<void> CheckNames(const Reader& r, const std::vector<std::string>& names,
                        const std::string& path, bool (*known)(std::string_view),
                        std::string_view what) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (!known(names[i])) {
      return r.Invalid(path + "[" + std::to_string(i) + "]",
                       "unknown " + std::string(what) + " \"" + names[i] + "\"");
    }
  }
  return Ok();
}

bool KnownArch(std::string_view name) { return SeccompArchFromName(name).has_value(); }
bool KnownFlag(std::string_view name) { return SeccompFlagFromName(name).has_value(); }

Result<SeccompProfile> ReadProfile(const Reader& r, const Var& root) {
  Object::Ptr object = SNAPRUN_TRY(r.AsObject(root, "(top level)"));
  SNAPRUN_TRY(r.CheckKeys(*object, "",
                          {"defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls"}));
  if (!object->has("defaultAction")) return r.Invalid("defaultAction", "missing");
  SeccompProfile profile;
  profile.default_action = SNAPRUN_TRY(ReadAction(r, object->get("defaultAction"), "defaultAction"));
  if (object->has("defaultErrnoRet")) {
    profile.default_errno_ret = static_cast<uint32_t>(
        SNAPRUN_TRY(r.AsUint(object->get("defaultErrnoRet"), "defaultErrnoRet", 0xffff)));
  }
  if (object->has("architectures")) {
    profile.architectures = SNAPRUN_TRY(r.AsStrings(object->get("architectures"), "architectures"));
    SNAPRUN_TRY(CheckNames(r, profile.architectures, "architectures", KnownArch, "architecture"));
  }
  if (object->has("flags")) {
    profile.flags = SNAPRUN_TRY(r.AsStrings(object->get("flags"), "flags"));
    SNAPRUN_TRY(CheckNames(r, profile.flags, "flags", KnownFlag, "flag"));
  }
  if (object->has("syscalls")) {
    Array::Ptr rules = SNAPRUN_TRY(r.AsArray(object->get("syscalls"), "syscalls"));
    for (size_t i = 0; i < rules->size(); ++i) {
      profile.syscalls.push_back(
          SNAPRUN_TRY(ReadRule(r, rules->get(i), "syscalls[" + std::to_string(i) + "]")));
    }
  }
  return profile;
}

Object::Ptr ArgToJson(const SeccompArg& arg) {
  Object::Ptr object = new Object;
  object->set("index", arg.index);
  object->set("value", Poco::UInt64{arg.value});
  object->set("valueTwo", Poco::UInt64{arg.value_two});
  object->set("op", arg.op);
  return object;
}

Array::Ptr StringsToJson(const std::vector<std::string>& strings) {
  Array::Ptr array = new Array;
  for (const std::string& s : strings) array->add(s);
  return array;
}

Object::Ptr RuleToJson(const SeccompRule& rule) {
  Object::Ptr object = new Object;
  object->set("names", StringsToJson(rule.names));
  object->set("action", rule.action);
  if (rule.errno_ret) object->set("errnoRet", *rule.errno_ret);
  if (!rule.args.empty()) {
    Array::Ptr args = new Array;
    for (const SeccompArg& arg : rule.args) args->add(ArgToJson(arg));
    object->set("args", args);
  }
  return object;
}

}  // namespace

Result<SeccompProfile> SeccompProfileFromJson(std::string_view json, std::string_view origin) {
  Reader reader(origin);
  Var root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(std::string(json));
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kInvalidInput, "not valid JSON: " + e.displayText())
        .At(SourcePosition{std::string(origin), 0, 0});
  }
  return ReadProfile(reader, root);
}

Result<SeccompProfile> LoadSeccompProfileFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::FromErrno("open seccomp profile", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error::FromErrno("read seccomp profile", path);
  return SeccompProfileFromJson(text.str(), path);
}

std::string SeccompProfileToJson(const SeccompProfile& profile) {
  Object object;
  object.set("defaultAction", profile.default_action);
  if (profile.default_errno_ret) object.set("defaultErrnoRet", *profile.default_errno_ret);
  object.set("architectures", StringsToJson(profile.architectures));
  object.set("flags", StringsToJson(profile.flags));
  Array::Ptr rules = new Array;
  for (const SeccompRule& rule : profile.syscalls) rules->add(RuleToJson(rule));
  object.set("syscalls", rules);
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

}  // namespace snaprun::sandbox
