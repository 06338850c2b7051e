// `snaprun snapshot` run as the unprivileged test user (root can read anything, so the
// unreadable-file path is only real rootless).
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/support/process.h"
#include "tests/unit/orchestrator/snapshot/tree_helpers.h"

namespace snaprun::orchestrator {
namespace {

using snaprun::testing::AsUser;
using snaprun::testing::BinaryPath;
using snaprun::testing::CommandResult;
using snaprun::testing::RunCommand;
using testing_tree::WriteFile;

class SnapshotCli : public ::testing::Test {
 protected:
  void SetUp() override {
    auto found = snaprun::testing::UnprivilegedUser();
    if (!found) GTEST_SKIP() << "no unprivileged test user (scripts/test-user.sh)";
    user_ = *found;
    code_ = root_.path() + "/code";
    WriteFile(code_ + "/train.py", "print('hi')\n");
    WriteFile(code_ + "/.gitignore", "*.ckpt\noutputs/\n");
    WriteFile(code_ + "/model.ckpt", std::string(3000, 'c'));
    WriteFile(code_ + "/outputs/run1/log.txt", "log");
  }
  // Hands the tree to the user last, after each test has finished building it.
  CommandResult Snaprun(std::vector<std::string> args) {
    root_.ChownTo(user_);
    std::vector<std::string> argv = {"env", "SNAPRUN_HOME=" + root_.path() + "/home",
                                     BinaryPath("snaprun"), "snapshot"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(AsUser(user_, argv));
  }

  snaprun::testing::TestUser user_{};
  snaprun::testing::TempDir root_;
  std::string code_;
};

TEST_F(SnapshotCli, ReportsIncludedAndWhatEachIgnoreFileExcluded) {
  CommandResult r = Snaprun({code_, "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("train.py"), std::string::npos);
  EXPECT_NE(r.out.find(".gitignore"), std::string::npos);
  EXPECT_EQ(r.out.find("model.ckpt"), std::string::npos);
  EXPECT_NE(r.out.find("snapshot sha256:"), std::string::npos);
  EXPECT_NE(r.out.find("included: 2 files"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("excluded by .gitignore: 2 files, 1 directories (2.9 KB)"),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;  // no progress output when not on a terminal
}

TEST_F(SnapshotCli, JsonOutputParses) {
  CommandResult r = Snaprun({code_, "--json", "--list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Poco::JSON::Parser parser;
  auto object = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("digest").size(), 64u);
  EXPECT_EQ(object->getValue<int>("files"), 2);
  EXPECT_EQ(object->getArray("paths")->size(), 2u);
  EXPECT_EQ(object->getArray("excluded")->getObject(0)->getValue<std::string>("source"),
            ".gitignore");
}

TEST_F(SnapshotCli, UnreadableFileIsAClearErrorNamingIt) {
  WriteFile(code_ + "/secret.py", "no", 0000);
  CommandResult r = Snaprun({code_});
  EXPECT_EQ(r.exit_code, 70);
  EXPECT_NE(r.err.find(code_ + "/secret.py"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(root_.path() + "/home/snapshots") &&
               !std::filesystem::is_empty(root_.path() + "/home/snapshots"));
}

// The limit is checked on sizes from the walk, before a byte is read: an unreadable file in
// an over-limit tree yields the limit error, not the read error.
TEST_F(SnapshotCli, LimitIsReportedBeforeAnyFileIsRead) {
  WriteFile(code_ + "/secret.py", std::string(2000, 's'), 0000);
  CommandResult r = Snaprun({code_, "--max-size", "1000"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("While attempting to take snapshot of " + code_ +
                       "\n"
                       "Your total snapshot size exceeds the limit of 0.0 MB\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("Permission denied"), std::string::npos) << r.err;
}

TEST_F(SnapshotCli, MissingDirectoryIsNotFound) {
  CommandResult r = Snaprun({root_.path() + "/nowhere"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace snaprun::orchestrator
