// OCI "hooks", "annotations" and "linux.sysctl" → Config. Strict like the rest of the
// adapter: unknown keys are errors naming their path; sysctl keys are checked against
// the namespaces the config creates (sysctl.h), so call after the namespaces.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "sandbox/oci_mounts.h"
#include "sandbox/sysctl.h"

namespace snaprun::sandbox {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

Result<Hook> ParseHook(OciReader& r, const Object::Ptr& o, const std::string& at) {
  SNAPRUN_TRY(r.OnlyKeys(o, at, {"path", "args", "env", "timeout"}));
  Hook hook;
  hook.path = SNAPRUN_TRY(r.Str(o->get("path"), at + ".path"));
  if (hook.path.empty() || hook.path[0] != '/') return r.Invalid(at + ".path", "must be absolute");
  if (o->has("args")) hook.args = SNAPRUN_TRY(r.Strings(o->get("args"), at + ".args"));
  if (o->has("env")) hook.env = SNAPRUN_TRY(r.Strings(o->get("env"), at + ".env"));
  if (o->has("timeout")) {
    int64_t seconds = SNAPRUN_TRY(r.I64(o->get("timeout"), at + ".timeout"));
    if (seconds <= 0 || seconds > 86400 * 365) {
      return r.Invalid(at + ".timeout", "must be a positive number of seconds");
    }
    hook.timeout_seconds = static_cast<int>(seconds);
  }
  return hook;
}

Result<std::vector<Hook>> ParseHookList(OciReader& r, const Var& v, const std::string& path) {
  auto a = SNAPRUN_TRY(r.AsArray(v, path));
  std::vector<Hook> hooks;
  for (size_t i = 0; i < a->size(); ++i) {
    std::string at = path + "[" + std::to_string(i) + "]";
    auto o = SNAPRUN_TRY(r.AsObject(a->get(i), at));
    hooks.push_back(SNAPRUN_TRY(ParseHook(r, o, at)));
  }
  return hooks;
}

}  // namespace

Result<void> ParseHooks(OciReader& r, const Var& v, Config& c) {
  auto o = SNAPRUN_TRY(r.AsObject(v, "hooks"));
  SNAPRUN_TRY(r.OnlyKeys(o, "hooks", {"prestart", "createRuntime", "createContainer",
                                      "startContainer", "poststart", "poststop"}));
  const std::pair<const char*, std::vector<Hook>*> lists[] = {
      {"prestart", &c.hooks.prestart},
      {"createRuntime", &c.hooks.create_runtime},
      {"createContainer", &c.hooks.create_container},
      {"startContainer", &c.hooks.start_container},
      {"poststart", &c.hooks.poststart},
      {"poststop", &c.hooks.poststop}};
  for (const auto& [name, list] : lists) {
    if (!o->has(name)) continue;
    *list = SNAPRUN_TRY(ParseHookList(r, o->get(name), std::string("hooks.") + name));
  }
  return Ok();
}

Result<void> ParseAnnotations(OciReader& r, const Var& v, Config& c) {
  auto o = SNAPRUN_TRY(r.AsObject(v, "annotations"));
  for (const auto& [key, value] : *o) {
    std::string text = SNAPRUN_TRY(r.Str(value, "annotations." + key));
    c.annotations.emplace_back(key, std::move(text));
  }
  return Ok();
}

Result<void> ParseSysctl(OciReader& r, const Var& v, Config& c) {
  auto o = SNAPRUN_TRY(r.AsObject(v, "linux.sysctl"));
  for (const auto& [key, value] : *o) {
    // The value first: an early return from inside a braced initializer leaks the key.
    std::string text = SNAPRUN_TRY(r.Str(value, "linux.sysctl." + key));
    Sysctl sysctl{key, std::move(text)};
    if (auto valid = ValidateSysctl(sysctl, c); !valid) {
      return r.Invalid("linux.sysctl." + key, valid.error().message());
    }
    c.sysctls.push_back(std::move(sysctl));
  }
  return Ok();
}

}  // namespace snaprun::sandbox
