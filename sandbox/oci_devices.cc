// OCI linux.devices and linux.resources.devices → Config, strictly (unknown keys are
// errors naming their path). What may be created and allowed is decided in
// device_nodes.cc, for every config source alike.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "sandbox/oci_mounts.h"

namespace snaprun::sandbox {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

Result<char> DeviceType(OciReader& r, const Var& v, const std::string& at, const char* allowed) {
  std::string type = SNAPRUN_TRY(r.Str(v, at));
  if (type.size() != 1 || std::string(allowed).find(type[0]) == std::string::npos) {
    return r.Invalid(at, "must be one of " + std::string(allowed));
  }
  return type[0];
}

Result<DeviceNode> ParseDevice(OciReader& r, const Object::Ptr& o, const std::string& at) {
  SNAPRUN_TRY(r.OnlyKeys(o, at, {"path", "type", "major", "minor", "fileMode", "uid", "gid"}));
  DeviceNode d;
  d.path = SNAPRUN_TRY(r.Str(o->get("path"), at + ".path"));
  d.type = SNAPRUN_TRY(DeviceType(r, o->get("type"), at + ".type", "cbup"));
  if (d.type != 'p') {
    d.major = SNAPRUN_TRY(r.U32(o->get("major"), at + ".major"));
    d.minor = SNAPRUN_TRY(r.U32(o->get("minor"), at + ".minor"));
  }
  if (o->has("fileMode")) d.file_mode = SNAPRUN_TRY(r.U32(o->get("fileMode"), at + ".fileMode"));
  if (d.file_mode > 07777) return r.Invalid(at + ".fileMode", "at most 07777");
  if (o->has("uid")) d.uid = SNAPRUN_TRY(r.U32(o->get("uid"), at + ".uid"));
  if (o->has("gid")) d.gid = SNAPRUN_TRY(r.U32(o->get("gid"), at + ".gid"));
  return d;
}

Result<DeviceRule> ParseRule(OciReader& r, const Object::Ptr& o, const std::string& at) {
  SNAPRUN_TRY(r.OnlyKeys(o, at, {"allow", "type", "major", "minor", "access"}));
  DeviceRule rule;
  rule.allow = SNAPRUN_TRY(r.Bool(o->get("allow"), at + ".allow"));
  if (o->has("type")) rule.type = SNAPRUN_TRY(DeviceType(r, o->get("type"), at + ".type", "acb"));
  // -1 is how some generators spell "any", as an absent key does.
  if (o->has("major") && SNAPRUN_TRY(r.I64(o->get("major"), at + ".major")) >= 0) {
    rule.major = SNAPRUN_TRY(r.I64(o->get("major"), at + ".major"));
  }
  if (o->has("minor") && SNAPRUN_TRY(r.I64(o->get("minor"), at + ".minor")) >= 0) {
    rule.minor = SNAPRUN_TRY(r.I64(o->get("minor"), at + ".minor"));
  }
  if (o->has("access")) {
    rule.access = SNAPRUN_TRY(r.Str(o->get("access"), at + ".access"));
    if (rule.access.empty() || rule.access.find_first_not_of("rwm") != std::string::npos) {
      return r.Invalid(at + ".access", "letters of \"rwm\"");
    }
  }
  return rule;
}

}  // namespace

namespace {

// Each object of the array at PATH, parsed by PARSE into OUT; errors name the index.
template <typename T, typename Parse>
Result<void> ParseEach(OciReader& r, const Var& v, const std::string& path, std::vector<T>& out,
                       Parse parse) {
  auto a = SNAPRUN_TRY(r.AsArray(v, path));
  for (size_t i = 0; i < a->size(); ++i) {
    std::string at = path + "[" + std::to_string(i) + "]";
    auto o = SNAPRUN_TRY(r.AsObject(a->get(i), at));
    out.push_back(SNAPRUN_TRY(parse(r, o, at)));
  }
  return Ok();
}

}  // namespace

Result<void> ParseDevices(OciReader& r, const Var& v, Config& c) {
  return ParseEach(r, v, "linux.devices", c.devices, ParseDevice);
}

Result<void> ParseDeviceRules(OciReader& r, const Var& v, Config& c) {
  return ParseEach(r, v, "linux.resources.devices", c.device_rules, ParseRule);
}

}  // namespace snaprun::sandbox
