// Hostile tarballs (written by Python's tarfile): each is refused with an error naming
// the entry, nothing lands outside the store, and no partial image is left behind.
#include "tests/integration/images/image_cli.h"

namespace snaprun::testing {
namespace {

struct Attack {
  std::string kind;
  std::vector<std::string> extra_flags;
  std::string outside;  // a path the attack tries to create; must stay absent
};

class HostileArchive : public ::testing::TestWithParam<Attack> {};

TEST_P(HostileArchive, IsRefusedAndLeavesNothing) {
  const Attack& attack = GetParam();
  TempDir dir;
  std::string tarball = dir.path() + "/" + attack.kind + ".tar";
  CommandResult made =
      RunCommand({"python3", SourcePath("tests/integration/images/make_hostile_archive.py"),
                  attack.kind, tarball});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string entry = Trimmed(made.out);
  std::vector<std::string> args = {"image", "import", tarball, "--name", "evil"};
  args.insert(args.end(), attack.extra_flags.begin(), attack.extra_flags.end());
  CommandResult r = Snaprun(dir.path() + "/home", args);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 70) << "refusal reported as an internal error: " << r.err;
  EXPECT_NE(r.err.find("refused entry"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(entry), std::string::npos)
      << "error does not name " << entry << ": " << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_TRUE(StoreEntries(dir.path() + "/home").empty());
  if (!attack.outside.empty()) {
    EXPECT_FALSE(PathExists(attack.outside));
  }
  EXPECT_NE(Snaprun(dir.path() + "/home", {"image", "inspect", "evil"}).exit_code, 0);
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileArchive,
                         ::testing::Values(Attack{"traversal", {}, ""},
                                           Attack{"absolute", {}, "/tmp/snaprun-absolute"},
                                           Attack{"symlink-then-file", {}, "/etc/snaprun-through"},
                                           Attack{"symlink-escape", {}, ""},
                                           Attack{"hardlink-outside", {}, ""},
                                           Attack{"hardlink-dotdot", {}, ""},
                                           Attack{"many-entries", {"--max-entries", "2000"}, ""},
                                           Attack{"huge-size", {}, ""}, Attack{"deep", {}, ""},
                                           Attack{"long-name", {}, ""}, Attack{"ratio", {}, ""}),
                         [](const ::testing::TestParamInfo<Attack>& param_info) {
                           std::string name = param_info.param.kind;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(HostileArchiveLimits, RaisingTheCapLetsTheArchiveIn) {
  TempDir dir;
  std::string tarball = dir.path() + "/many.tar";
  ASSERT_EQ(RunCommand({"python3", SourcePath("tests/integration/images/make_hostile_archive.py"),
                        "many-entries", tarball})
                .exit_code,
            0);
  CommandResult r =
      Snaprun(dir.path() + "/home", {"image", "import", tarball, "--max-entries", "5000"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace snaprun::testing
