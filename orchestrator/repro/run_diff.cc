#include "orchestrator/repro/run_diff.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <fstream>
#include <map>
#include <sstream>

#include "orchestrator/compare/compare_render.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/logs/console_log.h"
#include "orchestrator/run/run_dir.h"
#include "orchestrator/snapshot/snapshot.h"
#include "orchestrator/store/object_store.h"

namespace snaprun::orchestrator {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;
using Flat = std::map<std::string, std::string>;

std::string Compact(const Var& value) {
  if (value.isString()) return value.extract<std::string>();
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

// Objects become dotted paths; arrays and scalars are compared whole (a command is one
// value, not a list of positions).
void Flatten(const Var& value, const std::string& prefix, Flat& out) {
  if (value.type() == typeid(Object::Ptr)) {
    Object::Ptr object = value.extract<Object::Ptr>();
    for (const auto& [key, child] : *object) {
      Flatten(child, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  out[prefix] = Compact(value);
}

Flat FlattenJson(const std::string& json) {
  Flat out;
  if (json.empty()) return out;
  try {
    Flatten(Poco::JSON::Parser().parse(json), "", out);
  } catch (const Poco::Exception& e) {
    out["(unreadable)"] = e.displayText();
  }
  return out;
}

std::vector<ValueChange> Changes(const Flat& a, const Flat& b) {
  std::vector<ValueChange> changes;
  auto ia = a.begin();
  auto ib = b.begin();
  while (ia != a.end() || ib != b.end()) {
    if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
      changes.push_back({ia->first, ia->second, ""});
      ++ia;
    } else if (ia == a.end() || ib->first < ia->first) {
      changes.push_back({ib->first, "", ib->second});
      ++ib;
    } else {
      if (ia->second != ib->second) changes.push_back({ia->first, ia->second, ib->second});
      ++ia;
      ++ib;
    }
  }
  return changes;
}

// The spec without env (shown as environment), and the environment with what a repro
// run varied.
void SplitSpec(const RunRecord& run, Flat& spec, Flat& environment) {
  for (auto& [key, value] : FlattenJson(run.spec_json)) {
    if (key.rfind("env.", 0) == 0) {
      environment[key] = value;
    } else if (key != "spec_path") {
      spec[key] = value;
    }
  }
  for (auto& [key, value] : FlattenJson(run.variation_json)) {
    if (key != "run") environment["variation." + key] = value;
  }
}

std::string Optional(const std::optional<int64_t>& value) {
  return value ? std::to_string(*value) : "";
}

Flat Ending(const RunRecord& run) {
  Flat out = {{"state", RunStateName(run.state)}};
  if (run.exit_code) out["exit_code"] = std::to_string(*run.exit_code);
  if (run.signal) out["signal"] = std::to_string(*run.signal);
  return out;
}

std::vector<ValueChange> Usage(const RunRecord& a, const RunRecord& b) {
  return {{"wall_ms", Optional(a.usage.wall_ms), Optional(b.usage.wall_ms)},
          {"cpu_user_ms", Optional(a.usage.cpu_user_ms), Optional(b.usage.cpu_user_ms)},
          {"cpu_sys_ms", Optional(a.usage.cpu_sys_ms), Optional(b.usage.cpu_sys_ms)},
          {"peak_memory_bytes", Optional(a.usage.peak_memory_bytes),
           Optional(b.usage.peak_memory_bytes)}};
}

// One console record without its time: "out TEXT" / "err TEXT".
std::optional<std::string> NextConsoleLine(std::ifstream& in) {
  for (std::string line; std::getline(in, line);) {
    auto record = ParseConsoleRecord(line);
    if (!record) return line;
    return std::string(record->stream == ConsoleStream::kOut ? "out " : "err ") + record->text;
  }
  return std::nullopt;
}

std::optional<ConsoleDifference> DiffConsole(const std::string& path_a, const std::string& path_b) {
  std::ifstream a(path_a);
  std::ifstream b(path_b);
  for (size_t line = 1;; ++line) {
    auto la = NextConsoleLine(a);
    auto lb = NextConsoleLine(b);
    if (!la && !lb) return std::nullopt;
    if (la != lb) return ConsoleDifference{line, la, lb};
  }
}

std::string Hex(const std::string& digest) { return digest.substr(digest.rfind(':') + 1); }

Result<std::optional<TreeComparison>> DiffSnapshots(const RunRecord& a, const RunRecord& b,
                                                    const ObjectStore& store,
                                                    std::vector<std::string>& notes) {
  if (a.snapshot_digest.empty() || b.snapshot_digest.empty()) {
    notes.push_back("snapshot: not compared, a run ended before its snapshot was taken");
    return std::optional<TreeComparison>();
  }
  Manifest ma = SNAPRUN_TRY(LoadManifest(store, Hex(a.snapshot_digest)));
  Manifest mb = SNAPRUN_TRY(LoadManifest(store, Hex(b.snapshot_digest)));
  CompareOptions names_only;
  names_only.content = false;
  return std::optional<TreeComparison>(SNAPRUN_TRY(CompareTrees(ma, mb, store, names_only)));
}

Result<std::optional<TreeComparison>> DiffOutputs(const RunRecord& a, const RunRecord& b,
                                                  const ObjectStore& store,
                                                  const CompareOptions& options,
                                                  std::vector<std::string>& notes) {
  if (a.outputs_digest.empty() || b.outputs_digest.empty()) {
    notes.push_back("outputs: not compared, a run has no harvested outputs");
    return std::optional<TreeComparison>();
  }
  Manifest ma = SNAPRUN_TRY(LoadOutputsManifest(store, a.outputs_digest));
  Manifest mb = SNAPRUN_TRY(LoadOutputsManifest(store, b.outputs_digest));
  return std::optional<TreeComparison>(SNAPRUN_TRY(CompareTrees(ma, mb, store, options)));
}

void RenderChanges(std::ostringstream& out, const char* title,
                   const std::vector<ValueChange>& changes, const Palette& p) {
  out << p.Paint(title, p.bold) << ": ";
  if (changes.empty()) {
    out << "same\n";
    return;
  }
  out << changes.size() << " differ\n";
  for (const ValueChange& c : changes) {
    out << "  " << c.field << ": " << p.Paint(c.a.empty() ? "(unset)" : Printable(c.a), p.red)
        << " -> " << p.Paint(c.b.empty() ? "(unset)" : Printable(c.b), p.green) << "\n";
  }
}

Array::Ptr ChangesJson(const std::vector<ValueChange>& changes) {
  Array::Ptr out = new Array;
  for (const ValueChange& c : changes) {
    Object::Ptr o = new Object;
    o->set("field", c.field);
    o->set("a", c.a);
    o->set("b", c.b);
    out->add(o);
  }
  return out;
}

}  // namespace

bool RunDiff::Same() const {
  return spec.empty() && (!snapshot || snapshot->Same()) && snapshot_a == snapshot_b && !image &&
         environment.empty() && ending.empty() && (!outputs || outputs->Same()) && !console;
}

Result<RunDiff> DiffRuns(const RunRecord& a, const RunRecord& b, const std::string& home,
                         const CompareOptions& options) {
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(home));
  RunDiff diff;
  diff.a_id = a.id;
  diff.b_id = b.id;
  Flat spec_a, spec_b, env_a, env_b;
  SplitSpec(a, spec_a, env_a);
  SplitSpec(b, spec_b, env_b);
  diff.spec = Changes(spec_a, spec_b);
  diff.environment = Changes(env_a, env_b);
  diff.snapshot_a = a.snapshot_digest;
  diff.snapshot_b = b.snapshot_digest;
  diff.snapshot = SNAPRUN_TRY_CTX(DiffSnapshots(a, b, store, diff.notes), "comparing snapshots");
  if (a.image_digest != b.image_digest)
    diff.image = ValueChange{"image", a.image_digest, b.image_digest};
  diff.ending = Changes(Ending(a), Ending(b));
  diff.usage = Usage(a, b);
  diff.outputs =
      SNAPRUN_TRY_CTX(DiffOutputs(a, b, store, options, diff.notes), "comparing outputs");
  diff.console = DiffConsole(RunDirFor(home, a.id).console(), RunDirFor(home, b.id).console());
  return diff;
}

std::string RenderRunDiffText(const RunDiff& diff, bool colour) {
  Palette p = Palette::For(colour);
  std::ostringstream out;
  out << "--- " << diff.a_id << "\n+++ " << diff.b_id << "\n";
  RenderChanges(out, "spec", diff.spec, p);
  out << p.Paint("snapshot", p.bold) << ": ";
  if (diff.snapshot_a == diff.snapshot_b) {
    out << "same (" << diff.snapshot_a << ")\n";
  } else {
    out << diff.snapshot_a << " -> " << diff.snapshot_b << "\n";
    if (diff.snapshot) out << RenderComparisonText(*diff.snapshot, colour);
  }
  out << p.Paint("image", p.bold) << ": "
      << (diff.image ? diff.image->a + " -> " + diff.image->b : std::string("same")) << "\n";
  RenderChanges(out, "environment", diff.environment, p);
  RenderChanges(out, "ending", diff.ending, p);
  out << p.Paint("usage", p.bold) << " (not a difference):\n";
  for (const ValueChange& u : diff.usage) {
    out << "  " << u.field << ": " << (u.a.empty() ? "-" : u.a) << " / "
        << (u.b.empty() ? "-" : u.b) << "\n";
  }
  out << p.Paint("outputs", p.bold) << ":\n";
  if (diff.outputs) out << RenderComparisonText(*diff.outputs, colour);
  out << p.Paint("console", p.bold) << ": ";
  if (!diff.console) {
    out << "same\n";
  } else {
    out << "first difference at line " << diff.console->line << "\n"
        << "  " << p.Paint("- " + Printable(diff.console->a.value_or("(end of output)")), p.red)
        << "\n"
        << "  " << p.Paint("+ " + Printable(diff.console->b.value_or("(end of output)")), p.green)
        << "\n";
  }
  for (const std::string& note : diff.notes) out << "note: " << note << "\n";
  out << (diff.Same() ? "runs match\n" : "runs differ\n");
  return out.str();
}

std::string RunDiffToJson(const RunDiff& diff) {
  Object top;
  top.set("a", diff.a_id);
  top.set("b", diff.b_id);
  top.set("same", diff.Same());
  top.set("spec", ChangesJson(diff.spec));
  Object::Ptr snapshot = new Object;
  snapshot->set("a", diff.snapshot_a);
  snapshot->set("b", diff.snapshot_b);
  if (diff.snapshot) snapshot->set("files", ComparisonToJson(*diff.snapshot));
  top.set("snapshot", snapshot);
  top.set("image", diff.image ? Var(ChangesJson({*diff.image})) : Var());
  top.set("environment", ChangesJson(diff.environment));
  top.set("ending", ChangesJson(diff.ending));
  top.set("usage", ChangesJson(diff.usage));
  top.set("outputs", diff.outputs ? Var(ComparisonToJson(*diff.outputs)) : Var());
  if (diff.console) {
    Object::Ptr console = new Object;
    console->set("line", static_cast<Poco::UInt64>(diff.console->line));
    console->set("a", diff.console->a ? Var(*diff.console->a) : Var());
    console->set("b", diff.console->b ? Var(*diff.console->b) : Var());
    top.set("console", console);
  } else {
    top.set("console", Var());
  }
  Array::Ptr notes = new Array;
  for (const std::string& note : diff.notes) notes->add(note);
  top.set("notes", notes);
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(top, text, 2);
  return text.str() + "\n";
}

}  // namespace snaprun::orchestrator
