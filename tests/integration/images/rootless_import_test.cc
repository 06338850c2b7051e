// Imports as the unprivileged test user (files become the caller's, no chown, setuid
// stripped) and as root (owners from the image kept).
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/images/image_cli.h"

namespace snaprun::testing {
namespace {

class ImportAs : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandResult made = Shell(SourcePath("tests/integration/images/make_oci_fixture.sh") + " " +
                               fixture_.path() + " && chmod -R a+rX " + fixture_.path());
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  TempDir fixture_;
  TempDir home_;
};

TEST_F(ImportAs, UnprivilegedUserOwnsEverythingAndNoSetuidSurvives) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to the test user";
  std::optional<TestUser> user = UnprivilegedUser();
  if (!user) GTEST_SKIP() << "test user missing: run scripts/test-user.sh";
  home_.ChownTo(*user);
  CommandResult r =
      Snaprun(home_.path(), {"image", "import", fixture_.path() + "/layout", "--name", "t"}, user);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string rootfs = RootfsOf(home_.path(), Trimmed(r.out));
  for (const char* path : {"owned", "bin/su", "keep/b", "opq"}) {
    struct stat st {};
    ASSERT_EQ(::lstat((rootfs + "/" + path).c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_uid, user->uid) << path;
    EXPECT_EQ(st.st_mode & (S_ISUID | S_ISGID), 0u) << path;
  }
  CommandResult inspect = Snaprun(home_.path(), {"image", "inspect", "t"}, user);
  EXPECT_NE(inspect.out.find("\"bin/su\": \"4755\""), std::string::npos) << inspect.out;
}

TEST_F(ImportAs, UnprivilegedTarballAndDockerArchive) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to the test user";
  std::optional<TestUser> user = UnprivilegedUser();
  if (!user) GTEST_SKIP() << "test user missing: run scripts/test-user.sh";
  home_.ChownTo(*user);
  std::string busybox = fixture_.path() + "/busybox";
  ASSERT_EQ(Shell(SourcePath("images/scripts/build-busybox-rootfs.sh") + " " + busybox +
                  " >/dev/null && tar -C " + busybox + " --zstd -cf " + busybox + ".tar.zst .")
                .exit_code,
            0);
  CommandResult tar = Snaprun(home_.path(), {"image", "import", busybox + ".tar.zst"}, user);
  EXPECT_EQ(tar.exit_code, 0) << tar.err;
  CommandResult dir =
      Snaprun(home_.path(), {"image", "import", busybox, "--name", "busybox"}, user);
  EXPECT_EQ(dir.exit_code, 0) << dir.err;
  EXPECT_EQ(tar.out, dir.out) << "a tree's digest depends on who imported it";
  CommandResult docker =
      Snaprun(home_.path(), {"image", "import", fixture_.path() + "/docker.tar"}, user);
  EXPECT_EQ(docker.exit_code, 0) << docker.err;
}

TEST_F(ImportAs, UnreadableEntriesImportDigestAndRemoveAlikeForRootAndUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to the test user";
  std::optional<TestUser> user = UnprivilegedUser();
  if (!user) GTEST_SKIP() << "test user missing: run scripts/test-user.sh";
  std::string tarball = fixture_.path() + "/locked.tar";
  CommandResult made = RunCommand(
      {"python3", "-c",
       "import io, sys, tarfile\n"
       "def add(tf, name, kind, mode, data=b''):\n"
       "  ti = tarfile.TarInfo(name); ti.type = kind; ti.mode = mode; ti.size = len(data)\n"
       "  tf.addfile(ti, io.BytesIO(data) if data else None)\n"
       "with tarfile.open(sys.argv[1], 'w') as tf:\n"
       "  add(tf, 'locked', tarfile.DIRTYPE, 0o755)\n"
       "  add(tf, 'locked/secret', tarfile.REGTYPE, 0o000, b'secret')\n"
       "  add(tf, 'locked/inner', tarfile.DIRTYPE, 0o000)\n"
       "  add(tf, 'locked/inner/f', tarfile.REGTYPE, 0o644, b'f')\n"
       "  add(tf, 'locked', tarfile.DIRTYPE, 0o500)\n",
       tarball});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  ASSERT_EQ(::chmod(tarball.c_str(), 0644), 0);
  home_.ChownTo(*user);
  CommandResult rootless = Snaprun(home_.path(), {"image", "import", tarball, "--name", "l"}, user);
  ASSERT_EQ(rootless.exit_code, 0) << rootless.err;
  TempDir root_home;
  CommandResult as_root = Snaprun(root_home.path(), {"image", "import", tarball});
  ASSERT_EQ(as_root.exit_code, 0) << as_root.err;
  EXPECT_EQ(rootless.out, as_root.out);
  struct stat st {};
  ASSERT_EQ(::lstat((RootfsOf(home_.path(), Trimmed(rootless.out)) + "/locked").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0500u);
  CommandResult rm = Snaprun(home_.path(), {"image", "rm", "l"}, user);
  EXPECT_EQ(rm.exit_code, 0) << rm.err;
  EXPECT_TRUE(StoreEntries(home_.path()).empty());
}

TEST_F(ImportAs, RootKeepsOwnersFromTheImage) {
  if (::geteuid() != 0) GTEST_SKIP() << "the root path needs root";
  CommandResult r = Snaprun(home_.path(), {"image", "import", fixture_.path() + "/layout"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::lstat((RootfsOf(home_.path(), Trimmed(r.out)) + "/owned").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 1234u);
  ASSERT_EQ(::lstat((RootfsOf(home_.path(), Trimmed(r.out)) + "/bin/su").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
}

}  // namespace
}  // namespace snaprun::testing
