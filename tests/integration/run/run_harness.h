// Drives `snaprun` end to end through its CLI, as the unprivileged test user (rootless)
// or as root, with SNAPRUN_HOME in a fresh temp dir owned by whoever runs it.
#pragma once

#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/modes.h"
#include "tests/support/process.h"

namespace snaprun::testing {

class RunHarness {
 public:
  // *WHY is set (and the harness unusable) when MODE cannot be tested here.
  RunHarness(Mode mode, std::string* why);

  // Writes run.yaml (and FILES: name → content) into a fresh code dir; returns its path.
  std::string WriteSpec(const std::string& yaml,
                        const std::vector<std::pair<std::string, std::string>>& files = {});
  CommandResult Snaprun(const std::vector<std::string>& args) const;
  // ARGV as this mode runs it: through the test user rootless, as it is as root.
  std::vector<std::string> AsCaller(std::vector<std::string> argv) const;
  // `show RUN --json`, parsed; null when it fails.
  Poco::JSON::Object::Ptr Show(const std::string& run) const;
  std::string State(const std::string& run) const;
  // Polls until RUN's state is one of STATES (at most about 60 s); returns the last state.
  std::string WaitForState(const std::string& run, const std::vector<std::string>& states) const;
  std::string RunDir(const std::string& id) const { return home_.path() + "/runs/" + id; }
  const std::string& home() const { return home_.path(); }

 private:
  Mode mode_;
  std::optional<TestUser> user_;
  TempDir home_;
  TempDir code_;
  int specs_ = 0;
};

// A test run once rootless and once as root, skipped with the reason where a mode cannot
// be tested here. Instantiate with SNAPRUN_INSTANTIATE_MODES(Suite) (tests/support/modes.h).
class ModeTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override;
  RunHarness& h() { return *harness_; }
  std::unique_ptr<RunHarness> harness_;
};

// The run id `snaprun run` prints first on stderr ("snaprun: run ID"); "" when absent.
std::string RunIdFrom(const std::string& err);

std::string ReadText(const std::string& path);
// Whether any process's command line contains MARKER (NUL-separated args joined by ' ').
bool ProcessWithArgsExists(const std::string& marker);

}  // namespace snaprun::testing
