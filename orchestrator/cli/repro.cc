// `snaprun repro FILE [--runs N] [--vary LIST] [--rtol X] [--atol X] [--json]` and
// `snaprun diff RUN_A RUN_B [--json]`. Both exit like diff(1), so CI can gate on them:
// 0 the same (reproducible), 1 different, 2 trouble (the error is printed).
#include "orchestrator/repro/repro.h"

#include <unistd.h>

#include <cstdio>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/run_history.h"
#include "orchestrator/home/home.h"
#include "orchestrator/repro/repro_report.h"
#include "orchestrator/repro/run_diff.h"

namespace snaprun::orchestrator::cli {
namespace {

constexpr int kTrouble = 2;
// Per differing file, on a terminal: enough to see the pattern, not a whole table.
constexpr size_t kDefaultLines = 40;

struct ReproOptions {
  std::string file;
  std::vector<std::string> sets;
  int runs = 2;
  std::string vary;
  double rtol = 0;
  double atol = 0;
  size_t lines = kDefaultLines;
  bool json = false;
  bool allow_host_network = false;
};

struct DiffOptions {
  std::string a, b;
  double rtol = 0;
  double atol = 0;
  size_t lines = kDefaultLines;
  bool json = false;
};

int Trouble(const Error& error) {
  ReportError(error);
  return kTrouble;
}

bool Colour() { return ::isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr; }

int Repro(const ReproOptions& options) {
  ReproRequest request;
  request.spec_file = options.file;
  request.overrides = options.sets;
  request.runs = options.runs;
  request.allowed.host_network = options.allow_host_network;
  if (!options.vary.empty()) {
    auto set = ParseVariations(options.vary);
    if (!set) return Trouble(set.error());
    request.variations = *set;
  }
  request.compare.rtol = options.rtol;
  request.compare.atol = options.atol;
  request.compare.max_diff_lines = options.lines;
  auto home = EnsureSnaprunHome();
  if (!home) return Trouble(home.error());
  auto history = OpenRunHistory();
  if (!history) return Trouble(history.error());
  SuperviseOptions supervise;
  supervise.echo = false;  // each run's output is in its console log
  supervise.progress = ::isatty(STDERR_FILENO) == 1;
  supervise.harvest = OutputsHarvesterForRuns();
  auto report = RunRepro(request, *home, **history, supervise);
  if (!report) return Trouble(report.error());
  std::string text = options.json ? ReproToJson(*report) : RenderReproText(*report, Colour());
  std::fwrite(text.data(), 1, text.size(), stdout);
  return report->Reproducible() ? 0 : 1;
}

int Diff(const DiffOptions& options) {
  auto home = EnsureSnaprunHome();
  if (!home) return Trouble(home.error());
  auto history = OpenRunHistory();
  if (!history) return Trouble(history.error());
  auto a = FindRun(**history, options.a);
  if (!a) return Trouble(a.error());
  auto b = FindRun(**history, options.b);
  if (!b) return Trouble(b.error());
  CompareOptions compare;
  compare.rtol = options.rtol;
  compare.atol = options.atol;
  compare.max_diff_lines = options.lines;
  auto diff = DiffRuns(*a, *b, *home, compare);
  if (!diff) return Trouble(diff.error());
  std::string text = options.json ? RunDiffToJson(*diff) : RenderRunDiffText(*diff, Colour());
  std::fwrite(text.data(), 1, text.size(), stdout);
  return diff->Same() ? 0 : 1;
}

void AddComparisonOptions(CLI::App* cmd, double* rtol, double* atol, size_t* lines) {
  cmd->add_option("--lines", *lines, "diff lines or changed values shown per file (default 40)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--rtol", *rtol, "relative tolerance for numbers in JSON and CSV outputs")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--atol", *atol, "absolute tolerance for numbers in JSON and CSV outputs")
      ->check(CLI::NonNegativeNumber);
}

}  // namespace

void AddReproCommands(CLI::App& app, int* exit_code) {
  auto repro = std::make_shared<ReproOptions>();
  auto* cmd = app.add_subcommand(
      "repro", "run the same snapshot several times, with variations, and compare the outputs");
  cmd->add_option("file", repro->file, "the run spec (run.yaml)")->required();
  cmd->add_option("--runs,-n", repro->runs, "how many runs (the first is the control)")
      ->check(CLI::Range(2, 100));
  cmd->add_option("--vary", repro->vary,
                  "what later runs vary: hostname, env-order, umask, locale, timezone, cpus, "
                  "clock, path, dir-order; all, none, +NAME, -NAME (default: all but cpus "
                  "and dir-order)");
  cmd->add_option("--set", repro->sets, "override a spec value: key.path=VALUE (repeatable)");
  cmd->add_flag("--json", repro->json, "print the report as JSON");
  cmd->add_flag("--allow-host-network", repro->allow_host_network,
                "let a spec with `network: host` share the host's network");
  AddComparisonOptions(cmd, &repro->rtol, &repro->atol, &repro->lines);
  cmd->callback([repro, exit_code] { *exit_code = Repro(*repro); });

  auto diff = std::make_shared<DiffOptions>();
  auto* dcmd = app.add_subcommand("diff",
                                  "compare two runs: spec, snapshot, image, environment, "
                                  "ending, usage, outputs, console");
  dcmd->add_option("a", diff->a, "a run id, unique prefix or `last`")->required();
  dcmd->add_option("b", diff->b, "a run id, unique prefix or `last`")->required();
  dcmd->add_flag("--json", diff->json, "print the comparison as JSON");
  AddComparisonOptions(dcmd, &diff->rtol, &diff->atol, &diff->lines);
  dcmd->callback([diff, exit_code] { *exit_code = Diff(*diff); });
}

}  // namespace snaprun::orchestrator::cli
