#include "orchestrator/run/run_report.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace snaprun::orchestrator {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Array::Ptr Strings(const std::vector<std::string>& values) {
  Array::Ptr array = new Array;
  for (const std::string& v : values) array->add(v);
  return array;
}

std::string Stringify(const Object::Ptr& object) {
  std::ostringstream out;
  object->stringify(out, 2);
  return out.str();
}

bool OverlayCopied(const sandbox::RunResult& result) {
  for (const std::string& f : result.fallbacks) {
    if (f.find("overlay") != std::string::npos) return true;
  }
  return false;
}

Object::Ptr IsolationObject(const sandbox::RunResult& result,
                            const std::vector<std::string>& notes) {
  Object::Ptr o = new Object;
  o->set("workspace", OverlayCopied(result) ? "copy-to-tmpfs" : "overlay");
  o->set("steps", Strings(result.steps));
  o->set("fallbacks", Strings(result.fallbacks));
  o->set("limits", Strings(result.limits));
  o->set("notes", Strings(notes));
  return o;
}

Object::Ptr OutcomeObject(const sandbox::RunResult& r) {
  Object::Ptr o = new Object;
  if (r.exit_code) o->set("exit_code", *r.exit_code);
  if (r.signal) o->set("signal", r.signal);
  o->set("timed_out", r.timed_out);
  o->set("wall_ms", r.wall_ms);
  o->set("cpu_user_ms", r.cpu_user_ms);
  o->set("cpu_system_ms", r.cpu_system_ms);
  o->set("peak_rss_kb", r.peak_rss_kb);
  return o;
}

Object::Ptr OutputsObject(const HarvestSummary& h) {
  Object::Ptr o = new Object;
  o->set("digest", h.outputs_digest);
  o->set("files", h.files);
  o->set("bytes", h.bytes);
  o->set("notes", Strings(h.notes));
  return o;
}

}  // namespace

std::string IsolationJson(const sandbox::RunResult& result, const std::vector<std::string>& notes) {
  return Stringify(IsolationObject(result, notes));
}

std::string ReportJson(const RunReport& report) {
  Object::Ptr o = new Object;
  o->set("id", report.id);
  o->set("state", RunStateName(report.state));
  if (report.result) o->set("outcome", OutcomeObject(*report.result));
  if (report.result) o->set("isolation", IsolationObject(*report.result, report.notes));
  o->set("canceled", report.canceled);
  if (!report.snapshot_digest.empty()) o->set("snapshot_digest", report.snapshot_digest);
  if (!report.image_digest.empty()) o->set("image_digest", report.image_digest);
  if (report.outputs) o->set("outputs", OutputsObject(*report.outputs));
  if (!report.error.empty()) o->set("error", report.error);
  return Stringify(o) + "\n";
}

ResourceUsage UsageOf(const sandbox::RunResult& result) {
  ResourceUsage usage;
  usage.wall_ms = result.wall_ms;
  usage.cpu_user_ms = result.cpu_user_ms;
  usage.cpu_sys_ms = result.cpu_system_ms;
  usage.peak_memory_bytes = result.peak_rss_kb * 1024;
  return usage;
}

}  // namespace snaprun::orchestrator
