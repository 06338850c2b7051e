#include "orchestrator/run/record_view.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdio>
#include <ctime>
#include <sstream>

namespace snaprun::orchestrator {
namespace {

using Poco::JSON::Object;

// Embeds a stored JSON text as a value; a text that does not parse stays a string.
Poco::Dynamic::Var EmbeddedJson(const std::string& text) {
  if (text.empty()) return Poco::Dynamic::Var();
  try {
    return Poco::JSON::Parser().parse(text);
  } catch (const Poco::Exception&) {
    return text;
  }
}

Object::Ptr StatesObject(const RunRecord& run) {
  Object::Ptr states = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (size_t i = 0; i < kRunStateCount; ++i) {
    if (run.state_times_ms[i]) {
      states->set(RunStateName(static_cast<RunState>(i)), FormatTimeMs(*run.state_times_ms[i]));
    }
  }
  return states;
}

Object::Ptr UsageObject(const ResourceUsage& u) {
  Object::Ptr o = new Object;
  if (u.wall_ms) o->set("wall_ms", *u.wall_ms);
  if (u.cpu_user_ms) o->set("cpu_user_ms", *u.cpu_user_ms);
  if (u.cpu_sys_ms) o->set("cpu_sys_ms", *u.cpu_sys_ms);
  if (u.peak_memory_bytes) o->set("peak_memory_bytes", *u.peak_memory_bytes);
  return o;
}

Object::Ptr GitObject(const GitProvenance& g) {
  Object::Ptr o = new Object;
  o->set("remote_url", g.remote_url);
  o->set("branch", g.branch);
  o->set("commit", g.commit);
  o->set("dirty", g.dirty);
  return o;
}

std::optional<int64_t> EndMs(const RunRecord& run) {
  for (RunState s : {RunState::kCompleted, RunState::kFailed, RunState::kCanceled,
                     RunState::kTimedOut, RunState::kLost}) {
    if (run.TimeOf(s)) return run.TimeOf(s);
  }
  return std::nullopt;
}

std::string Outcome(const RunRecord& run) {
  if (run.signal) return "signal " + std::to_string(*run.signal);
  if (run.exit_code) return std::to_string(*run.exit_code);
  return "-";
}

std::string Duration(const RunRecord& run) {
  auto start = run.TimeOf(RunState::kRunning);
  auto end = EndMs(run);
  if (!start || !end) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(*end - *start) / 1000.0);
  return text;
}

}  // namespace

std::string FormatTimeMs(int64_t ms) {
  time_t seconds = static_cast<time_t>(ms / 1000);
  tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

std::string RecordJson(const RunRecord& run, bool pretty) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", run.id);
  o->set("name", run.name);
  o->set("state", RunStateName(run.state));
  o->set("user", run.user);
  o->set("host", run.host);
  o->set("states", StatesObject(run));
  if (run.exit_code) o->set("exit_code", *run.exit_code);
  if (run.signal) o->set("signal", *run.signal);
  o->set("usage", UsageObject(run.usage));
  o->set("snapshot_digest", run.snapshot_digest);
  o->set("image_digest", run.image_digest);
  o->set("outputs_digest", run.outputs_digest);
  o->set("isolation", EmbeddedJson(run.isolation_json));
  o->set("spec", EmbeddedJson(run.spec_json));
  if (run.git) o->set("git", GitObject(*run.git));
  if (run.supervisor_pid) o->set("supervisor_pid", *run.supervisor_pid);
  if (!run.repro_id.empty()) {
    o->set("repro", run.repro_id);
    o->set("variation", EmbeddedJson(run.variation_json));
  }
  std::ostringstream out;
  o->stringify(out, pretty ? 2 : 0);
  return out.str();
}

std::string RecordTableHeader() {
  char line[512];
  std::snprintf(line, sizeof line, "%-12s  %-24s  %-10s  %-9s  %-24s  %s", "ID", "NAME", "STATE",
                "EXIT", "CREATED", "DURATION");
  return line;
}

std::string RecordTableRow(const RunRecord& run) {
  auto created = run.TimeOf(RunState::kQueued);
  char line[512];
  std::snprintf(line, sizeof line, "%-12s  %-24.24s  %-10s  %-9s  %-24s  %s",
                run.id.substr(0, 12).c_str(), run.name.c_str(), RunStateName(run.state),
                Outcome(run).c_str(), created ? FormatTimeMs(*created).c_str() : "-",
                Duration(run).c_str());
  return line;
}

std::string RecordText(const RunRecord& run) {
  std::ostringstream out;
  out << "id:        " << run.id << "\nname:      " << run.name
      << "\nstate:     " << RunStateName(run.state) << "\nexit:      " << Outcome(run)
      << "\nuser:      " << run.user << "@" << run.host << "\nstates:\n";
  for (size_t i = 0; i < kRunStateCount; ++i) {
    if (!run.state_times_ms[i]) continue;
    out << "  " << RunStateName(static_cast<RunState>(i)) << ": "
        << FormatTimeMs(*run.state_times_ms[i]) << "\n";
  }
  out << "duration:  " << Duration(run) << "\nsnapshot:  " << run.snapshot_digest
      << "\nimage:     " << run.image_digest << "\noutputs:   " << run.outputs_digest << "\n";
  if (run.usage.peak_memory_bytes) out << "peak mem:  " << *run.usage.peak_memory_bytes << " B\n";
  if (run.usage.cpu_user_ms) out << "cpu:       " << *run.usage.cpu_user_ms << " ms user, "
                                 << run.usage.cpu_sys_ms.value_or(0) << " ms sys\n";
  if (run.git) {
    out << "git:       " << run.git->remote_url << " " << run.git->branch << " "
        << run.git->commit << (run.git->dirty ? " (dirty)" : "") << "\n";
  }
  if (!run.isolation_json.empty()) out << "isolation: " << run.isolation_json << "\n";
  if (!run.repro_id.empty()) {
    out << "repro:     " << run.repro_id << " " << run.variation_json << "\n";
  }
  return out.str();
}

}  // namespace snaprun::orchestrator
