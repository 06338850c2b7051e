// One fixture for tests that drive snaprun-sandbox through its CLI on an OCI bundle
// over a busybox rootfs (built once per suite), rootless as the unprivileged test user
// and as root (instantiate with SNAPRUN_INSTANTIATE_MODES). Each test gets its own directory (state root, bundle, a bind-mounted
// out/ for the container to leave evidence in), owned by the user the CLI runs as.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/modes.h"
#include "tests/support/process.h"

namespace snaprun::testing {

// JSON string literal of S (quotes and backslashes escaped).
std::string JsonQuote(const std::string& s);

class OciBundleTest : public ::testing::TestWithParam<Mode> {
 public:
  // The suite's busybox rootfs (shared: tests must not write it).
  static std::string RootfsPath();

 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  // Skips root mode when not root and rootless mode without the test user.
  void SetUp() override;
  // Deletes (forced) every container left under Root() by a failed test.
  void TearDown() override;

  std::string Root() const { return dir_.path() + "/state"; }
  std::string Out() const { return dir_.path() + "/out"; }
  std::string Bundle() const { return dir_.path() + "/bundle"; }

  // The config a test starts from: /bin/sh -c SCRIPT, PATH=/bin, read-only root, /proc,
  // Out() bound rw at /out, every namespace but cgroup, an annotation.
  Poco::JSON::Object::Ptr DefaultConfig(const std::string& script) const;
  void WriteConfig(const Poco::JSON::Object::Ptr& config);
  void WriteBundle(const std::string& script) { WriteConfig(DefaultConfig(script)); }
  // Makes every file under the test's directory the CLI user's again.
  void Chown();

  // snaprun-sandbox --root Root() ARGS…, as the mode's user.
  std::vector<std::string> Argv(const std::vector<std::string>& args) const;
  CommandResult Cli(const std::vector<std::string>& args) const { return RunCommand(Argv(args)); }
  // create leaves the container holding its caller's stdio, so capture pipes would
  // stay open: its output goes to a file, returned as err. GLOBAL_FLAGS go before the
  // verb (--log, --log-format).
  CommandResult Create(const std::string& id, const std::vector<std::string>& flags = {},
                       const std::vector<std::string>& global_flags = {});

  Poco::JSON::Object::Ptr State(const std::string& id) const;
  std::string Status(const std::string& id) const;
  // Polls (bounded, ten seconds) until ID reaches STATUS; returns the last status seen.
  std::string AwaitStatus(const std::string& id, const std::string& status) const;
  // Polls (bounded, ten seconds) until PATH exists.
  static bool AwaitFile(const std::string& path);

  TempDir dir_;
  std::optional<TestUser> user_;

 private:
  static TempDir* rootfs_dir_;
};

}  // namespace snaprun::testing
