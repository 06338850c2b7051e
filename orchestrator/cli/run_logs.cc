// `snaprun logs RUN [-f] [--raw]`: the console (stdout and stderr lines, as recorded) and
// every file under the run's logs/ (prefixed "[path] "). With -f it follows until the run
// ends. Control characters the command wrote are shown escaped unless --raw.
#include <unistd.h>

#include <cstdio>

#include "orchestrator/cli/commands.h"
#include "orchestrator/cli/run_history.h"
#include "orchestrator/home/home.h"
#include "orchestrator/logs/console_log.h"
#include "orchestrator/logs/log_follower.h"
#include "orchestrator/logs/terminal_text.h"
#include "orchestrator/run/run_dir.h"

namespace snaprun::orchestrator::cli {
namespace {

void Print(const FollowedLine& line, bool raw) {
  std::string text = line.text;
  if (line.source == "console") {
    auto record = ParseConsoleRecord(line.text);
    if (record) text = record->text;
  }
  if (!raw) text = EscapeForTerminal(text);
  std::string out =
      line.source == "console" ? text : "[" + EscapeForTerminal(line.source) + "] " + text;
  out += "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

int Logs(const std::string& reference, bool follow, bool raw) {
  auto history = OpenRunHistory();
  if (!history) return ReportError(history.error());
  auto run = FindRun(**history, reference);
  if (!run) return ReportError(run.error());
  RunDir dir = RunDirFor(SnaprunHomePath(), run->id);
  auto follower = LogFollower::Open(dir.console(), dir.logs());
  if (!follower) return ReportError(follower.error());
  std::string id = run->id;
  HistoryStore& store = **history;
  auto ended = [&store, id] {
    auto now = store.Get(id);
    return !now || IsTerminal(now->state);
  };
  auto print = [raw](const FollowedLine& line) { Print(line, raw); };
  if (auto done = follower->Run(print, ended, follow); !done) return ReportError(done.error());
  return 0;
}

}  // namespace

void AddLogsCommand(CLI::App& app, int* exit_code) {
  auto run = std::make_shared<std::string>();
  auto follow = std::make_shared<bool>(false);
  auto raw = std::make_shared<bool>(false);
  auto* logs = app.add_subcommand("logs", "a run's console and logs/ files");
  logs->add_option("run", *run, "id, unique prefix, or last")->required();
  logs->add_flag("--follow,-f", *follow, "keep printing new lines until the run ends");
  logs->add_flag("--raw", *raw, "print control characters as written, not escaped");
  logs->callback([run, follow, raw, exit_code] { *exit_code = Logs(*run, *follow, *raw); });
}

}  // namespace snaprun::orchestrator::cli
