#include "orchestrator/run/variation.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <sched.h>

#include <algorithm>
#include <sstream>

namespace snaprun::orchestrator {
namespace {

constexpr int64_t kClockOffsetSeconds = int64_t{366} * 24 * 3600;

bool Has(const VariationSet& set, VariationKind kind) {
  return std::find(set.begin(), set.end(), kind) != set.end();
}

std::optional<VariationKind> KindNamed(const std::string& name) {
  for (VariationKind kind : kAllVariations) {
    if (name == VariationName(kind)) return kind;
  }
  return std::nullopt;
}

std::string KnownNames() {
  std::string names;
  for (VariationKind kind : kAllVariations) {
    names += std::string(names.empty() ? "" : ", ") + VariationName(kind);
  }
  return names + " (and all, none, +NAME, -NAME)";
}

VariationSet Ordered(const std::vector<bool>& on) {
  VariationSet set;
  for (VariationKind kind : kAllVariations) {
    if (on[static_cast<size_t>(kind)]) set.push_back(kind);
  }
  return set;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

}  // namespace

const char* VariationName(VariationKind kind) {
  switch (kind) {
    case VariationKind::kHostname:
      return "hostname";
    case VariationKind::kEnvOrder:
      return "env-order";
    case VariationKind::kUmask:
      return "umask";
    case VariationKind::kLocale:
      return "locale";
    case VariationKind::kTimezone:
      return "timezone";
    case VariationKind::kCpus:
      return "cpus";
    case VariationKind::kClock:
      return "clock";
    case VariationKind::kPath:
      return "path";
    case VariationKind::kDirOrder:
      return "dir-order";
  }
  return "unknown";
}

VariationSet DefaultVariations() {
  VariationSet set;
  for (VariationKind kind : kAllVariations) {
    if (kind != VariationKind::kCpus && kind != VariationKind::kDirOrder) set.push_back(kind);
  }
  return set;
}

Result<VariationSet> ParseVariations(const std::string& text) {
  std::vector<std::string> items = SplitCommas(text);
  bool only_names = std::all_of(items.begin(), items.end(), [](const std::string& item) {
    return KindNamed(item).has_value();
  });
  std::vector<bool> on(std::size(kAllVariations), false);
  if (!only_names) {
    for (VariationKind kind : DefaultVariations()) on[static_cast<size_t>(kind)] = true;
  }
  for (const std::string& item : items) {
    if (item == "all" || item == "none") {
      std::fill(on.begin(), on.end(), item == "all");
      continue;
    }
    bool add = item[0] != '-';
    std::string name = item[0] == '+' || item[0] == '-' ? item.substr(1) : item;
    auto kind = KindNamed(name);
    if (!kind) {
      return Error(ErrorCode::kInvalidInput,
                   "--vary: unknown variation \"" + item + "\"; known: " + KnownNames());
    }
    on[static_cast<size_t>(*kind)] = add;
  }
  return Ordered(on);
}

RunVariation ControlVariation(const std::string& repro_id) {
  RunVariation v;
  v.in_repro = true;
  v.hostname = "snaprun-repro";
  v.visible_run_id = repro_id;
  v.umask = 0022;
  return v;
}

RunVariation VariedRun(const std::string& repro_id, const std::string& run_id, int index,
                       const VariationSet& set, const std::vector<unsigned>& allowed_cpus) {
  RunVariation v = ControlVariation(repro_id);
  v.applied = set;
  if (Has(set, VariationKind::kHostname)) v.hostname = "snaprun-variant-" + std::to_string(index);
  v.reverse_env = Has(set, VariationKind::kEnvOrder);
  if (Has(set, VariationKind::kUmask)) v.umask = 0002;
  if (Has(set, VariationKind::kLocale)) {
    v.env.emplace_back("LANG", "fr_CH.UTF-8");
    v.env.emplace_back("LC_ALL", "fr_CH.UTF-8");
    v.env.emplace_back("LANGUAGE", "fr_CH:fr");
  }
  // POSIX TZ text needs no zone database in the image: "GMT-14" is UTC+14.
  if (Has(set, VariationKind::kTimezone)) v.env.emplace_back("TZ", "GMT-14");
  if (Has(set, VariationKind::kCpus)) {
    if (allowed_cpus.size() > 1) {
      v.cpus = {allowed_cpus.back()};
    } else {
      v.notes.push_back("cpus: not varied, only one CPU is available");
      v.applied.erase(std::find(v.applied.begin(), v.applied.end(), VariationKind::kCpus));
    }
  }
  if (Has(set, VariationKind::kClock)) {
    v.clock = sandbox::TimeOffsets{kClockOffsetSeconds, kClockOffsetSeconds};
  }
  v.reverse_dir_order = Has(set, VariationKind::kDirOrder);
  if (Has(set, VariationKind::kPath)) {
    v.workspace = "/workspace-" + run_id.substr(run_id.size() - 8);
    v.visible_run_id.clear();
  }
  return v;
}

std::vector<unsigned> AllowedCpus() {
  cpu_set_t set;
  std::vector<unsigned> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (unsigned cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

std::string VariationJson(const RunVariation& variation, int index) {
  Poco::JSON::Object out;
  out.set("run", index);
  Poco::JSON::Array varied;
  for (VariationKind kind : variation.applied) varied.add(std::string(VariationName(kind)));
  out.set("varied", varied);
  Poco::JSON::Array notes;
  for (const std::string& note : variation.notes) notes.add(note);
  out.set("notes", notes);
  std::ostringstream text;
  Poco::JSON::Stringifier::condense(out, text);
  return text.str();
}

}  // namespace snaprun::orchestrator
