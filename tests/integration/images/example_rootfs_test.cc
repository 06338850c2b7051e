// The example rootfs scripts build trees that import with one command and work:
// their programs run when chrooted into the stored rootfs.
#include <unistd.h>

#include "tests/integration/images/image_cli.h"

namespace snaprun::testing {
namespace {

std::string BuildAndImport(const TempDir& home, const std::string& script,
                           const std::string& name) {
  std::string out = home.path() + "/" + name;
  CommandResult built = RunCommand({SourcePath("images/scripts/" + script), out});
  EXPECT_EQ(built.exit_code, 0) << built.err;
  CommandResult imported = Snaprun(home.path(), {"image", "import", out, "--name", name});
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  return RootfsOf(home.path(), Trimmed(imported.out));
}

TEST(ExampleRootfs, BusyboxImportsAndRuns) {
  TempDir home;
  std::string rootfs = BuildAndImport(home, "build-busybox-rootfs.sh", "busybox");
  if (::geteuid() != 0) GTEST_SKIP() << "chroot needs root";
  CommandResult r = RunCommand({"chroot", rootfs, "/bin/sh", "-c", "echo ok"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
}

TEST(ExampleRootfs, PythonImportsAndRuns) {
  TempDir home;
  std::string rootfs = BuildAndImport(home, "build-python-rootfs.sh", "python");
  if (::geteuid() != 0) GTEST_SKIP() << "chroot needs root";
  CommandResult r = RunCommand({"chroot", rootfs, "/usr/bin/python3", "-c",
                                "import json, hashlib; print(json.dumps([1, 2]))"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[1, 2]\n");
}

}  // namespace
}  // namespace snaprun::testing
