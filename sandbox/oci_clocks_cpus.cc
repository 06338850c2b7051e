// The OCI keys behind a sandbox's clocks and CPUs. Nanosecond offsets and the "initial"
// affinity (for the runtime's own setup process) are refused rather than dropped: the
// runtime has no place for them and a silently ignored key would be a lie.
#include <sched.h>

#include <cerrno>
#include <cstdlib>

#include "sandbox/oci_mounts.h"

namespace snaprun::sandbox {
namespace {

using Poco::Dynamic::Var;

Result<int64_t> ClockOffset(OciReader& r, const Poco::JSON::Object::Ptr& o, const char* clock) {
  std::string at = std::string("linux.timeOffsets.") + clock;
  if (!o->has(clock)) return int64_t{0};
  auto offset = SNAPRUN_TRY(r.AsObject(o->get(clock), at));
  SNAPRUN_TRY(r.OnlyKeys(offset, at, {"secs", "nanosecs"}));
  if (offset->has("nanosecs")) {
    uint64_t nanosecs = SNAPRUN_TRY(r.U64(offset->get("nanosecs"), at + ".nanosecs"));
    if (nanosecs != 0)
      return r.Invalid(at + ".nanosecs", "only whole-second offsets are supported");
  }
  return offset->has("secs") ? SNAPRUN_TRY(r.I64(offset->get("secs"), at + ".secs")) : 0;
}

// "0-3,7" → {0, 1, 2, 3, 7}; ranges ascend, numbers are decimal.
Result<std::vector<unsigned>> ParseCpuList(OciReader& r, const std::string& text,
                                           const std::string& at) {
  std::vector<unsigned> cpus;
  const char* p = text.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    errno = 0;
    unsigned long first = std::strtoul(p, &end, 10);
    if (end == p || errno != 0 || first >= CPU_SETSIZE) {
      return r.Invalid(at, "bad CPU list \"" + text + "\"");
    }
    unsigned long last = first;
    if (*end == '-') {
      p = end + 1;
      last = std::strtoul(p, &end, 10);
      if (end == p || last < first || last >= CPU_SETSIZE) {
        return r.Invalid(at, "bad CPU range in \"" + text + "\"");
      }
    }
    for (unsigned long cpu = first; cpu <= last; ++cpu) cpus.push_back(static_cast<unsigned>(cpu));
    if (*end == ',') {
      ++end;
    } else if (*end != '\0') {
      return r.Invalid(at, "bad CPU list \"" + text + "\"");
    }
    p = end;
  }
  if (cpus.empty()) return r.Invalid(at, "an empty CPU list");
  return cpus;
}

}  // namespace

Result<void> ParseTimeOffsets(OciReader& r, const Var& v, Config& c) {
  auto o = SNAPRUN_TRY(r.AsObject(v, "linux.timeOffsets"));
  SNAPRUN_TRY(r.OnlyKeys(o, "linux.timeOffsets", {"monotonic", "boottime"}));
  if (!c.time_offsets) {
    return r.Invalid("linux.timeOffsets", "needs a \"time\" namespace in linux.namespaces");
  }
  c.time_offsets->monotonic_seconds = SNAPRUN_TRY(ClockOffset(r, o, "monotonic"));
  c.time_offsets->boottime_seconds = SNAPRUN_TRY(ClockOffset(r, o, "boottime"));
  return Ok();
}

Result<void> ParseCpuAffinity(OciReader& r, const Var& v, Config& c) {
  auto o = SNAPRUN_TRY(r.AsObject(v, "process.execCPUAffinity"));
  SNAPRUN_TRY(r.OnlyKeys(o, "process.execCPUAffinity", {"final"}));
  if (!o->has("final")) return Ok();
  std::string at = "process.execCPUAffinity.final";
  std::string list = SNAPRUN_TRY(r.Str(o->get("final"), at));
  c.cpu_affinity = SNAPRUN_TRY(ParseCpuList(r, list, at));
  return Ok();
}

}  // namespace snaprun::sandbox
