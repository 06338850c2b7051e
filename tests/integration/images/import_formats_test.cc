// Every source format through the CLI, with OCI layouts written by umoci and skopeo.
#include <sys/stat.h>

#include <fstream>

#include "tests/integration/images/image_cli.h"

namespace snaprun::testing {
namespace {

class OciFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fixture_ = new TempDir();
    CommandResult made = Shell(SourcePath("tests/integration/images/make_oci_fixture.sh") + " " +
                               fixture_->path() + " && chmod -R a+rX " + fixture_->path());
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  static void TearDownTestSuite() { delete fixture_; }
  std::string Fixture(const std::string& name) { return fixture_->path() + "/" + name; }
  std::string Import(const std::string& source) {
    CommandResult r = Snaprun(home_.path(), {"image", "import", source, "--name", "t"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Trimmed(r.out);
  }
  static TempDir* fixture_;
  TempDir home_;
};
TempDir* OciFixture::fixture_ = nullptr;

void ExpectLayersApplied(const std::string& rootfs) {
  EXPECT_TRUE(PathExists(rootfs + "/keep/b"));
  EXPECT_FALSE(PathExists(rootfs + "/keep/a")) << "opaque directory kept a lower-layer file";
  EXPECT_FALSE(PathExists(rootfs + "/del")) << "whiteout ignored";
  EXPECT_FALSE(PathExists(rootfs + "/gone"));
  EXPECT_TRUE(PathExists(rootfs + "/opq/new"));
  EXPECT_FALSE(PathExists(rootfs + "/opq/old"));
  EXPECT_FALSE(PathExists(rootfs + "/dev/null"));
  EXPECT_FALSE(PathExists(rootfs + "/keep/.wh..wh..opq"));
  struct stat su {};
  ASSERT_EQ(::stat((rootfs + "/bin/su").c_str(), &su), 0);
  EXPECT_EQ(su.st_mode & 07777, 0755u) << "setuid bit left on disk";
}

TEST_F(OciFixture, UmociLayoutWithWhiteoutsAndOpaqueDirectory) {
  std::string digest = Import(Fixture("layout"));
  ExpectLayersApplied(RootfsOf(home_.path(), digest));
  CommandResult inspect = Snaprun(home_.path(), {"image", "inspect", "t"});
  EXPECT_NE(inspect.out.find("\"bin/su\": \"4755\""), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("dev/null: device node"), std::string::npos);
  EXPECT_NE(inspect.out.find("PATH=/bin:/usr/bin"), std::string::npos);
  EXPECT_NE(inspect.out.find("\"working_dir\": \"/work\""), std::string::npos);
}

TEST_F(OciFixture, MatchesUmociUnpack) {
  std::string digest = Import(Fixture("layout"));
  std::string bundle = home_.path() + "/umoci-bundle";
  CommandResult unpack =
      RunCommand({"umoci", "unpack", "--rootless", "--image", Fixture("layout") + ":t", bundle});
  ASSERT_EQ(unpack.exit_code, 0) << unpack.err;
  // umoci leaves an empty file where a rootless unpack cannot make dev/null; we skip it.
  CommandResult diff = RunCommand({"diff", "-r", "--no-dereference", "--exclude=null",
                                   bundle + "/rootfs", RootfsOf(home_.path(), digest)});
  EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
}

TEST_F(OciFixture, OciArchiveIsTheSameImage) {
  std::string layout = Import(Fixture("layout"));
  std::string archive = Import(Fixture("oci.tar"));
  EXPECT_EQ(layout, archive);
  EXPECT_EQ(StoreEntries(home_.path()).size(), 1u);
}

TEST_F(OciFixture, DockerArchiveDigestIsTheConfigDigest) {
  std::string docker = Import(Fixture("docker.tar"));
  ExpectLayersApplied(RootfsOf(home_.path(), docker));
  std::string layout = Import(Fixture("layout"));
  CommandResult config =
      Shell("cd " + Fixture("layout") +
            " && python3 -c 'import json;"
            "i=json.load(open(\"index.json\"))[\"manifests\"][0][\"digest\"][7:];"
            "print(json.load(open(\"blobs/sha256/\"+i))[\"config\"][\"digest\"])'");
  EXPECT_EQ(docker, Trimmed(config.out));
  CommandResult diff = RunCommand({"diff", "-r", "--no-dereference", RootfsOf(home_.path(), docker),
                                   RootfsOf(home_.path(), layout)});
  EXPECT_EQ(diff.exit_code, 0) << diff.out;
}

TEST_F(OciFixture, CorruptLayerBlobIsRefusedAndLeavesNothing) {
  std::string copy = home_.path() + "/copy";
  CommandResult corrupt =
      Shell("cp -r " + Fixture("layout") + " " + copy + " && cd " + copy + " && " +
            "blob=$(ls -S blobs/sha256 | head -1) && chmod u+w blobs/sha256/$blob && "
            "printf 'X' | dd of=blobs/sha256/$blob bs=1 seek=100 conv=notrunc status=none");
  ASSERT_EQ(corrupt.exit_code, 0) << corrupt.err;
  CommandResult r = Snaprun(home_.path(), {"image", "import", copy});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("snaprun: error:"), std::string::npos) << r.err;
  EXPECT_TRUE(StoreEntries(home_.path()).empty());
}

TEST_F(OciFixture, PlatformChoosesFromAMultiImageIndex) {
  std::string copy = home_.path() + "/multi";
  CommandResult made =
      Shell("cp -r " + Fixture("layout") + " " + copy + " && cd " + copy +
            " && python3 -c '"
            "import json; i=json.load(open(\"index.json\")); m=i[\"manifests\"][0];"
            "a=dict(m, platform={\"os\":\"linux\",\"architecture\":\"amd64\"});"
            "b=dict(m, platform={\"os\":\"linux\",\"architecture\":\"arm64\"});"
            "i[\"manifests\"]=[b,a]; json.dump(i, open(\"index.json\",\"w\"))'");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_EQ(Snaprun(home_.path(), {"image", "import", copy}).exit_code, 0);
  CommandResult missing =
      Snaprun(home_.path(), {"image", "import", copy, "--platform", "linux/s390x"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_NE(missing.err.find("no image for platform linux/s390x"), std::string::npos)
      << missing.err;
}

class TreeFormats : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = dir_.path() + "/tree";
    CommandResult made =
        Shell("set -e; mkdir -p " + tree_ + "/usr/bin " + tree_ + "/etc; cd " + tree_ +
              "; echo hi > etc/motd; printf 'x' > usr/bin/tool; chmod 755 usr/bin/tool;"
              "ln -s /usr/bin/tool usr/bin/alias; ln usr/bin/tool usr/bin/hard; mkdir -m 0555 ro");
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  std::string Import(const std::string& source) {
    CommandResult r = Snaprun(home_.path(), {"image", "import", source});
    EXPECT_EQ(r.exit_code, 0) << source << ": " << r.err;
    return Trimmed(r.out);
  }
  TempDir dir_;
  TempDir home_;
  std::string tree_;
};

TEST_F(TreeFormats, DirectoryAndEveryTarballCompressionGiveOneDigest) {
  std::string digest = Import(tree_);
  ASSERT_EQ(digest.size(), 71u);
  for (std::string flag : {"", "--gzip", "--zstd", "--xz"}) {
    std::string tarball = dir_.path() + "/t" + (flag.empty() ? "" : flag.substr(2)) + ".tar";
    ASSERT_EQ(Shell("tar -C " + tree_ + " " + flag + " -cf " + tarball + " .").exit_code, 0);
    EXPECT_EQ(Import(tarball), digest) << flag;
  }
  // Entry order and mtimes differ; the digest does not.
  ASSERT_EQ(Shell("cd " + tree_ + " && touch -d @0 etc/motd && tar --sort=none -cf " + dir_.path() +
                  "/r.tar usr ro etc")
                .exit_code,
            0);
  EXPECT_EQ(Import(dir_.path() + "/r.tar"), digest);
  EXPECT_EQ(StoreEntries(home_.path()).size(), 1u);
}

TEST_F(TreeFormats, ReferencesLsTagAndRm) {
  std::string digest = Import(tree_);
  ASSERT_EQ(Snaprun(home_.path(), {"image", "tag", digest.substr(7, 10), "mine"}).exit_code, 0);
  CommandResult ls = Snaprun(home_.path(), {"image", "ls"});
  EXPECT_NE(ls.out.find("mine"), std::string::npos);
  EXPECT_NE(ls.out.find("host"), std::string::npos);
  EXPECT_EQ(Snaprun(home_.path(), {"image", "inspect", "mine@" + digest}).exit_code, 0);
  CommandResult pinned =
      Snaprun(home_.path(), {"image", "inspect", "mine@sha256:" + std::string(64, 'a')});
  EXPECT_NE(pinned.exit_code, 0);
  EXPECT_NE(pinned.err.find("not the pinned"), std::string::npos);
  EXPECT_EQ(std::count(pinned.err.begin(), pinned.err.end(), '\n'), 1);
  EXPECT_EQ(Snaprun(home_.path(), {"image", "rm", "mine"}).exit_code, 0);
  EXPECT_TRUE(StoreEntries(home_.path()).empty());
  EXPECT_EQ(Snaprun(home_.path(), {"image", "inspect", "mine"}).exit_code, 4);
}

TEST(HostImageCli, InspectShowsPathsAndPackageDigest) {
  TempDir home;
  CommandResult r = Snaprun(home.path(), {"image", "inspect", "host"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"/usr\""), std::string::npos);
  EXPECT_NE(r.out.find("\"format\": \"host\""), std::string::npos);
  EXPECT_NE(r.out.find("sha256:"), std::string::npos);
}

}  // namespace
}  // namespace snaprun::testing
