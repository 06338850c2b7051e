// `snaprun outputs` and `snaprun gc` run rootless, as the unprivileged test user, on a
// SNAPRUN_HOME with runs recorded in its history.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "orchestrator/harvest/harvest.h"
#include "orchestrator/history/run_id.h"
#include "orchestrator/history/sqlite_history_store.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/harvest/harvest_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;
using snaprun::testing::AsUser;
using snaprun::testing::BinaryPath;
using snaprun::testing::CommandResult;
using snaprun::testing::RunCommand;

class OutputsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto found = snaprun::testing::UnprivilegedUser();
    if (!found) GTEST_SKIP() << "no unprivileged test user (scripts/test-user.sh)";
    user_ = *found;
    home_ = root_.path() + "/home";
    outputs_ = root_.path() + "/outputs";
    WriteFile(outputs_ + "/metrics.json", "{\"loss\": 0.25}\n", 0644);
    WriteFile(outputs_ + "/bin/eval.sh", "#!/bin/sh\necho eval\n", 0755);
    fs::create_directories(outputs_);
    ::symlink("metrics.json", (outputs_ + "/latest").c_str());
    auto store = ObjectStore::Open(home_);
    ASSERT_TRUE(store);
    auto harvested = HarvestOutputs(outputs_, *store, {});
    ASSERT_TRUE(harvested) << harvested.error().message();
    digest_ = harvested->digest;
    orphan_ = *store->Put("an orphan nobody references");
    auto history = SqliteHistoryStore::Open(home_ + "/history.db");
    ASSERT_TRUE(history);
    RunRecord run;
    run.id = NewRunId();
    run.name = "train";
    ASSERT_TRUE((*history)->Create(run));
    RunUpdate update;
    update.outputs_digest = "sha256:" + digest_;
    ASSERT_TRUE((*history)->Update(run.id, update));
    run_id_ = run.id;
    root_.ChownTo(user_);
  }

  CommandResult Snaprun(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "SNAPRUN_HOME=" + home_, BinaryPath("snaprun")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(AsUser(user_, argv));
  }

  snaprun::testing::TestUser user_{};
  snaprun::testing::TempDir root_;
  std::string home_, outputs_, digest_, orphan_, run_id_;
};

TEST_F(OutputsCli, ListsTheManifestAsJson) {
  CommandResult r = Snaprun({"outputs", "last", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Poco::JSON::Parser parser;
  auto root = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(root->getValue<std::string>("run"), run_id_);
  EXPECT_EQ(root->getValue<std::string>("digest"), "sha256:" + digest_);
  auto entries = root->getArray("entries");
  bool saw_script = false;
  for (size_t i = 0; i < entries->size(); ++i) {
    auto e = entries->getObject(static_cast<unsigned>(i));
    if (e->getValue<std::string>("path") != "bin/eval.sh") continue;
    saw_script = true;
    EXPECT_EQ(e->getValue<std::string>("mode"), "0755");
    EXPECT_EQ(e->getValue<uint64_t>("size"), 20u);
  }
  EXPECT_TRUE(saw_script) << r.out;
}

TEST_F(OutputsCli, ListsByUniquePrefixAsText) {
  CommandResult r = Snaprun({"outputs", run_id_.substr(0, 20)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("metrics.json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-> metrics.json"), std::string::npos) << r.out;
}

TEST_F(OutputsCli, ExportsAndRefusesToOverwriteWithoutForce) {
  std::string dest = root_.path() + "/exported";
  CommandResult r = Snaprun({"outputs", "last", "--export", dest});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadWhole(dest + "/metrics.json"), "{\"loss\": 0.25}\n");
  EXPECT_EQ(ModeOf(dest + "/bin/eval.sh") & 07777, 0755u);
  struct stat st {};
  ASSERT_EQ(::stat((dest + "/metrics.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, user_.uid);
  CommandResult again = Snaprun({"outputs", "last", "--export", dest});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_EQ(Snaprun({"outputs", "last", "--export", dest, "--force"}).exit_code, 0);
}

TEST_F(OutputsCli, UnknownRunIsNotFound) {
  CommandResult r = Snaprun({"outputs", "zzzz"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("snaprun: error:"), std::string::npos) << r.err;
}

TEST_F(OutputsCli, GcDryRunThenGcFreesOnlyTheOrphan) {
  auto store = ObjectStore::Open(home_);
  ASSERT_TRUE(store);
  CommandResult dry = Snaprun({"gc", "--dry-run", "--now"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would free 1 objects"), std::string::npos) << dry.out;
  EXPECT_TRUE(store->Has(orphan_));
  CommandResult gc = Snaprun({"gc", "--now"});
  ASSERT_EQ(gc.exit_code, 0) << gc.err;
  EXPECT_NE(gc.out.find("freed 1 objects"), std::string::npos) << gc.out;
  EXPECT_FALSE(store->Has(orphan_));
  std::string dest = root_.path() + "/after-gc";
  EXPECT_EQ(Snaprun({"outputs", "last", "--export", dest}).exit_code, 0);
}

TEST_F(OutputsCli, GcKeepsYoungObjectsWithoutNow) {
  CommandResult gc = Snaprun({"gc"});
  ASSERT_EQ(gc.exit_code, 0) << gc.err;
  EXPECT_NE(gc.out.find("freed 0 objects"), std::string::npos) << gc.out;
}

}  // namespace
}  // namespace snaprun::orchestrator
