#include "orchestrator/repro/repro_report.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "orchestrator/compare/compare_render.h"

namespace snaprun::orchestrator {
namespace {

std::string Ending(const ReproRun& run) {
  std::string out = RunStateName(run.state);
  if (run.state == RunState::kCompleted || run.state == RunState::kFailed) {
    out += " (exit status " + std::to_string(run.status) + ")";
  }
  return out;
}

std::string VariedList(const VariationSet& set) {
  std::string out;
  for (VariationKind kind : set) out += std::string(out.empty() ? "" : ", ") + VariationName(kind);
  return out.empty() ? "nothing" : out;
}

Poco::Dynamic::Var ParsedOrEmpty(const std::string& json) {
  if (json.empty()) return Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  try {
    return Poco::JSON::Parser().parse(json);
  } catch (const Poco::Exception&) {
    return json;
  }
}

}  // namespace

std::string RenderReproText(const ReproReport& report, bool colour) {
  Palette p = Palette::For(colour);
  std::ostringstream out;
  out << "repro " << report.repro_id << ": " << report.runs.size() << " runs of snapshot "
      << report.snapshot_digest << "\n";
  out << "varied from run 2 on: " << VariedList(report.variations) << "\n";
  const ReproRun& control = report.runs.front();
  out << "run 1 (control) " << control.id << ": " << Ending(control) << "\n";
  for (const ReproComparison& c : report.comparisons) {
    const ReproRun& run = report.runs[static_cast<size_t>(c.index - 1)];
    out << "\nrun " << c.index << " " << run.id << ": " << Ending(run);
    if (!c.same_end) out << "  " << p.Paint("ended differently from the control", p.red);
    out << "\n" << RenderComparisonText(c.outputs, colour);
  }
  out << "\n"
      << (report.Reproducible() ? p.Paint("reproducible", p.green)
                                : p.Paint(p.Paint("NOT reproducible", p.red), p.bold))
      << "\n";
  return out.str();
}

std::string ReproToJson(const ReproReport& report) {
  Poco::JSON::Object top;
  top.set("repro", report.repro_id);
  top.set("reproducible", report.Reproducible());
  top.set("snapshot", report.snapshot_digest);
  Poco::JSON::Array variations;
  for (VariationKind kind : report.variations) variations.add(std::string(VariationName(kind)));
  top.set("variations", variations);
  Poco::JSON::Array runs;
  for (const ReproRun& run : report.runs) {
    Poco::JSON::Object r;
    r.set("index", run.index);
    r.set("id", run.id);
    r.set("state", std::string(RunStateName(run.state)));
    r.set("status", run.status);
    r.set("outputs", run.outputs_digest);
    r.set("variation", ParsedOrEmpty(run.variation_json));
    runs.add(r);
  }
  top.set("runs", runs);
  Poco::JSON::Array comparisons;
  for (const ReproComparison& c : report.comparisons) {
    Poco::JSON::Object o;
    o.set("run", c.index);
    o.set("same_end", c.same_end);
    o.set("outputs", ComparisonToJson(c.outputs));
    comparisons.add(o);
  }
  top.set("comparisons", comparisons);
  std::ostringstream text;
  Poco::JSON::Stringifier::stringify(top, text, 2);
  return text.str() + "\n";
}

}  // namespace snaprun::orchestrator
