// What a run of a reproducibility check changes around the command, in the manner of
// reprotest: each variation is a knob the command should not depend on. The first run of
// a check is the control (nothing varied); every later run applies the chosen set.
// Variations never override what the spec pins: a spec that sets LANG or TZ has fixed
// that dependency, and the check honours the fix.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::orchestrator {

enum class VariationKind {
  kHostname,  // another hostname
  kEnvOrder,  // the environment in reverse order
  kUmask,     // 0002 instead of 0022
  kLocale,    // LANG/LC_ALL fr_CH.UTF-8 instead of C.UTF-8
  kTimezone,  // TZ at UTC+14 instead of the image's zone
  kCpus,      // one CPU visible instead of all
  kClock,     // CLOCK_MONOTONIC and CLOCK_BOOTTIME a year ahead (time namespace)
  kPath,      // the workspace at another path, and the run's own id in SNAPRUN_RUN_ID
  kDirOrder,  // every workspace directory lists its entries in reverse order
};
inline constexpr VariationKind kAllVariations[] = {
    VariationKind::kHostname, VariationKind::kEnvOrder, VariationKind::kUmask,
    VariationKind::kLocale,   VariationKind::kTimezone, VariationKind::kCpus,
    VariationKind::kClock,    VariationKind::kPath,     VariationKind::kDirOrder};

const char* VariationName(VariationKind kind);  // "hostname", "env-order", …

using VariationSet = std::vector<VariationKind>;  // distinct, in kAllVariations order

// Everything but cpus, which slows a parallel command down rather than probing it, and
// dir-order, which copies the snapshot into memory (counted against a memory limit).
VariationSet DefaultVariations();

// `--vary` text: a comma list. Bare names alone ("hostname,umask") name the whole set;
// otherwise items apply in order to the default set: "all", "none", "+NAME", "-NAME"
// (e.g. "+cpus", "all,-clock"). kInvalidInput names an unknown item and the known ones.
Result<VariationSet> ParseVariations(const std::string& text);

// How one run is set up. The control run of a check also uses one (nothing varied, with
// the check's stable hostname and identity), so the runs differ only in what is varied.
struct RunVariation {
  bool in_repro = false;
  VariationSet applied;
  std::string hostname;  // empty: the ordinary run's
  bool reverse_env = false;
  std::optional<mode_t> umask;
  std::vector<std::pair<std::string, std::string>> env;  // set unless the spec sets them
  std::vector<unsigned> cpus;                            // affinity; empty: the caller's
  std::optional<sandbox::TimeOffsets> clock;
  std::string workspace = "/workspace";
  bool reverse_dir_order = false;
  std::string visible_run_id;      // SNAPRUN_RUN_ID; empty: the run's own id
  std::vector<std::string> notes;  // variations that could not be applied here, and why
};

// The control run of the check REPRO_ID (the id every run of the check shows).
RunVariation ControlVariation(const std::string& repro_id);
// Run number INDEX (2, 3, …) of the check REPRO_ID with SET applied; RUN_ID is its own id.
// ALLOWED_CPUS: the CPUs the caller may use (sched_getaffinity).
RunVariation VariedRun(const std::string& repro_id, const std::string& run_id, int index,
                       const VariationSet& set, const std::vector<unsigned>& allowed_cpus);

// The CPUs this process may run on.
std::vector<unsigned> AllowedCpus();

// {"run": 2, "varied": ["hostname", …], "notes": […]}: what the history records.
std::string VariationJson(const RunVariation& variation, int index);

}  // namespace snaprun::orchestrator
