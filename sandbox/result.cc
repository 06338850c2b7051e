#include "sandbox/result.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace snaprun::sandbox {
namespace {

Poco::JSON::Array::Ptr ToArray(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const auto& item : items) array->add(item);
  return array;
}

}  // namespace

std::string RunResultToJson(const RunResult& result) {
  Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (result.exit_code) {
    object.set("exit_code", *result.exit_code);
  } else {
    object.set("exit_code", Poco::Dynamic::Var());
  }
  object.set("signal", result.signal);
  object.set("timed_out", result.timed_out);
  object.set("wall_ms", result.wall_ms);
  object.set("cpu_user_ms", result.cpu_user_ms);
  object.set("cpu_system_ms", result.cpu_system_ms);
  object.set("peak_rss_kb", result.peak_rss_kb);
  if (result.cgroup_memory_peak_bytes) {
    object.set("cgroup_memory_peak_bytes", *result.cgroup_memory_peak_bytes);
  }
  object.set("oom_killed", result.oom_killed);
  object.set("steps", ToArray(result.steps));
  object.set("fallbacks", ToArray(result.fallbacks));
  object.set("limits", ToArray(result.limits));
  std::ostringstream out;
  object.stringify(out, 2);
  return out.str();
}

std::string ErrorResultJson(const std::string& message) {
  Poco::JSON::Object object;
  object.set("error", message);
  std::ostringstream out;
  object.stringify(out, 2);
  return out.str();
}

}  // namespace snaprun::sandbox
