// A run exported from one SNAPRUN_HOME runs again from its bundle in another (its code
// directory gone), with the same snapshot and, for a deterministic command, the same
// outputs; the original is in the second history too. Broken bundles are refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "tests/integration/run/run_harness.h"

namespace snaprun::testing {
namespace {

namespace fs = std::filesystem;

class BundleCli : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    std::string why;
    a_.emplace(GetParam(), &why);
    b_.emplace(GetParam(), &why);
    if (!why.empty()) GTEST_SKIP() << why;
  }
  // Runs SPEC in A and exports it; returns the original run's id.
  std::string RunAndExport(const std::string& spec, const std::vector<std::string>& flags = {}) {
    CommandResult ran = a_->Snaprun({"run", spec});
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    std::vector<std::string> args = {"export", "last", "-o", Bundle()};
    args.insert(args.end(), flags.begin(), flags.end());
    CommandResult exported = a_->Snaprun(args);
    EXPECT_EQ(exported.exit_code, 0) << exported.err;
    auto shown = a_->Show("last");
    return shown ? shown->getValue<std::string>("id") : "";
  }
  std::string Bundle() const { return a_->home() + "/run.bundle"; }
  std::string Field(const RunHarness& h, const std::string& run, const std::string& key) {
    auto shown = h.Show(run);
    return shown ? shown->getValue<std::string>(key) : "<missing>";
  }

  std::optional<RunHarness> a_, b_;
};

TEST_P(BundleCli, RunFromBundleOnAnotherHomeGivesTheSameSnapshotAndOutputs) {
  std::string spec = a_->WriteSpec(
      "name: copy\ncommand: \"cat data.txt > outputs/copy.txt && echo done\"\n",
      {{"data.txt", "payload\n"}});
  std::string original = RunAndExport(spec);
  ASSERT_FALSE(original.empty());
  fs::remove_all(fs::path(spec).parent_path());  // the code is in the bundle only

  CommandResult rerun = b_->Snaprun({"run", "--from", Bundle()});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(rerun.out, "done\n");
  std::string fresh = Field(*b_, "last", "id");
  ASSERT_NE(fresh, original);
  EXPECT_EQ(Field(*b_, fresh, "state"), "completed");
  EXPECT_EQ(Field(*b_, original, "state"), "completed");
  for (const char* key : {"snapshot_digest", "outputs_digest"}) {
    EXPECT_EQ(Field(*b_, fresh, key), Field(*a_, original, key)) << key;
    EXPECT_EQ(Field(*b_, original, key), Field(*a_, original, key)) << key;
  }
  std::string events = ReadText(b_->RunDir(fresh) + "/events");
  EXPECT_NE(events.find("of run " + original), std::string::npos) << events;

  CommandResult again = b_->Snaprun({"import", Bundle()});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  CommandResult listed = b_->Snaprun({"ls"});
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 3) << listed.out;
}

TEST_P(BundleCli, TruncatedBundleIsRefusedAndNothingIsRecorded) {
  RunAndExport(a_->WriteSpec("name: hi\ncommand: \"echo hi > outputs/x\"\n"));
  fs::resize_file(Bundle(), fs::file_size(Bundle()) / 2);
  CommandResult refused = b_->Snaprun({"run", "--from", Bundle()});
  EXPECT_EQ(refused.exit_code, 7) << refused.err;
  EXPECT_NE(refused.err.find("bundle " + Bundle()), std::string::npos) << refused.err;
  CommandResult listed = b_->Snaprun({"ls"});
  EXPECT_EQ(std::count(listed.out.begin(), listed.out.end(), '\n'), 1) << listed.out;
}

TEST_P(BundleCli, HostImageRunCannotCarryItsImage) {
  std::string spec = a_->WriteSpec("name: hi\ncommand: \"true\"\n");
  ASSERT_EQ(a_->Snaprun({"run", spec}).exit_code, 0);
  CommandResult refused = a_->Snaprun({"export", "last", "-o", Bundle(), "--with-image"});
  EXPECT_EQ(refused.exit_code, 8) << refused.err;
  EXPECT_NE(refused.err.find("host image"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(Bundle()));
}

TEST_P(BundleCli, BundledBusyboxImageRunsOnAHomeWithoutIt) {
  TempDir images;
  std::string rootfs = images.path() + "/busybox";
  CommandResult built = RunCommand({SourcePath("images/scripts/build-busybox-rootfs.sh"), rootfs});
  if (built.exit_code != 0) GTEST_SKIP() << "no busybox rootfs: " << built.err;
  CommandResult imported = a_->Snaprun({"image", "import", rootfs, "--name", "busybox"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  std::string original = RunAndExport(
      a_->WriteSpec("name: bb\nimage: busybox\ncommand: \"busybox echo ok > outputs/x\"\n"),
      {"--with-image"});
  ASSERT_FALSE(original.empty());
  CommandResult rerun = b_->Snaprun({"run", "--from", Bundle()});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  std::string fresh = Field(*b_, "last", "id");
  EXPECT_EQ(Field(*b_, fresh, "state"), "completed");
  EXPECT_EQ(Field(*b_, fresh, "image_digest"), Field(*a_, original, "image_digest"));
  EXPECT_EQ(Field(*b_, fresh, "outputs_digest"), Field(*a_, original, "outputs_digest"));
}

TEST_P(BundleCli, MissingImageIsNamedByItsDigest) {
  TempDir images;
  std::string rootfs = images.path() + "/busybox";
  CommandResult built = RunCommand({SourcePath("images/scripts/build-busybox-rootfs.sh"), rootfs});
  if (built.exit_code != 0) GTEST_SKIP() << "no busybox rootfs: " << built.err;
  ASSERT_EQ(a_->Snaprun({"image", "import", rootfs, "--name", "busybox"}).exit_code, 0);
  std::string original =
      RunAndExport(a_->WriteSpec("name: bb\nimage: busybox\ncommand: \"busybox true\"\n"));
  std::string digest = Field(*a_, original, "image_digest");
  CommandResult refused = b_->Snaprun({"run", "--from", Bundle()});
  EXPECT_EQ(refused.exit_code, 4) << refused.err;
  EXPECT_NE(refused.err.find(digest), std::string::npos) << refused.err;
}

SNAPRUN_INSTANTIATE_MODES(BundleCli);

}  // namespace
}  // namespace snaprun::testing
