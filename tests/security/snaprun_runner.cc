#include "tests/security/snaprun_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace snaprun::security {

std::optional<ProbeRun> RunProbeThroughSnaprun(const SnaprunAttack& attack, std::string* why) {
  std::optional<testing::TestUser> user;
  if (!RootMode()) {
    user = testing::UnprivilegedUser();
    if (!user) {
      *why = "no unprivileged test user (scripts/test-user.sh creates snaprun-test)";
      return std::nullopt;
    }
  }
  testing::TempDir home;
  testing::TempDir code;
  std::string probe = code.path() + "/snaprun-probe";
  std::filesystem::copy_file(testing::BinaryPath("snaprun-probe"), probe);
  if (attack.setuid_copy) {
    std::string suid = code.path() + "/snaprun-probe-suid";
    std::filesystem::copy_file(testing::BinaryPath("snaprun-probe"), suid);
    ::chown(suid.c_str(), 0, 0);
    ::chmod(suid.c_str(), 04755);
  }
  std::string yaml = "name: attack\ncommand: [./snaprun-probe";
  for (const std::string& arg : attack.probe_args) yaml += ", \"" + arg + "\"";
  yaml += "]\n" + attack.spec_extra;
  std::ofstream(code.path() + "/run.yaml") << yaml;
  if (user) {
    // The setuid copy stays root's: the snapshot is what decides what it becomes.
    testing::RunCommand({"chown", std::to_string(user->uid) + ":" + std::to_string(user->gid),
                         home.path(), code.path(), probe, code.path() + "/run.yaml"});
  }
  std::vector<std::string> argv = attack.launcher;
  for (const std::string& a : {std::string("env"), "SNAPRUN_HOME=" + home.path(),
                               testing::BinaryPath("snaprun"), std::string("run"),
                               code.path() + "/run.yaml"}) {
    argv.push_back(a);
  }
  ProbeRun run;
  run.command = testing::RunCommand(user ? testing::AsUser(*user, argv) : argv);
  run.line = ParseProbeLine(run.command.out);
  std::printf("probe: %s", run.line ? run.command.out.c_str() : "(no verdict)\n");
  return run;
}

}  // namespace snaprun::security
