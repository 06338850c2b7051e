#include "images/store.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "images/host_image.h"
#include "tests/support/process.h"

namespace snaprun::images {
namespace {

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// Entries of DIR other than names.json and .lock.
std::vector<std::string> StoreEntries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != ".." && name != "names.json" && name != ".lock") {
        out.push_back(name);
      }
    }
    ::closedir(d);
  }
  return out;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = src_.path() + "/tree";
    ASSERT_EQ(::mkdir(source_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((source_ + "/bin").c_str(), 0755), 0);
    Write(source_ + "/bin/tool", "#!/bin/sh\n");
  }
  Result<ImageRecord> Import(const std::vector<std::string>& names) {
    return store_.Import(source_, names, ImportOptions{});
  }
  testing::TempDir src_;
  testing::TempDir root_;
  Store store_{root_.path() + "/images"};
  std::string source_;
};

TEST_F(StoreTest, SecondImportStoresOnceAndAddsTheName) {
  auto first = Import({"one"});
  ASSERT_TRUE(first) << first.error().ToString();
  auto second = Import({"two"});
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(first->digest, second->digest);
  EXPECT_EQ(second->names, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(StoreEntries(store_.root()), std::vector<std::string>{DigestHex(first->digest)});
}

TEST_F(StoreTest, ResolvesNamesPinsAndPrefixes) {
  ImageRecord record = *Import({"tool"});
  EXPECT_EQ(*store_.ResolveDigest("tool"), record.digest);
  EXPECT_EQ(*store_.ResolveDigest("tool@" + record.digest), record.digest);
  EXPECT_EQ(*store_.ResolveDigest(record.digest.substr(0, 7 + 8)), record.digest);
  EXPECT_EQ(*store_.ResolveDigest(DigestHex(record.digest).substr(0, 6)), record.digest);
  std::string wrong = "sha256:" + std::string(64, '0');
  auto mismatch = store_.ResolveDigest("tool@" + wrong);
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message().find("not the pinned"), std::string::npos);
  EXPECT_EQ(store_.ResolveDigest("nope").error().code(), ErrorCode::kNotFound);
}

TEST_F(StoreTest, ResolveImageGivesRootfsAndHostPaths) {
  ImageRecord record = *Import({"tool"});
  auto image = ResolveImage(store_.root(), "tool");
  ASSERT_TRUE(image) << image.error().ToString();
  EXPECT_EQ(image->digest, record.digest);
  struct stat st {};
  EXPECT_EQ(::stat((image->rootfs + "/bin/tool").c_str(), &st), 0);
  auto host = ResolveImage(store_.root(), "host");
  ASSERT_TRUE(host) << host.error().ToString();
  EXPECT_TRUE(host->host);
  EXPECT_NE(std::find(host->host_paths.begin(), host->host_paths.end(), "/usr"),
            host->host_paths.end());
}

TEST_F(StoreTest, TagMovesANameAndRemoveDropsNames) {
  ImageRecord a = *Import({"x"});
  Write(source_ + "/bin/tool", "changed");
  ImageRecord b = *Import({"y"});
  ASSERT_NE(a.digest, b.digest);
  ASSERT_TRUE(store_.Tag("y", "x"));
  EXPECT_EQ(*store_.ResolveDigest("x"), b.digest);
  EXPECT_TRUE(store_.Inspect(a.digest)->names.empty());
  ASSERT_TRUE(store_.Remove("x"));
  EXPECT_FALSE(store_.ResolveDigest("y"));
  EXPECT_EQ(store_.List()->size(), 1u);
  EXPECT_FALSE(store_.Remove("host"));
}

TEST_F(StoreTest, FailedImportLeavesNothing) {
  ASSERT_EQ(::symlink("../../../etc", (source_ + "/bin/escape").c_str()), 0);
  auto result = Import({"bad"});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("bin/escape"), std::string::npos);
  EXPECT_TRUE(StoreEntries(store_.root()).empty());
  EXPECT_FALSE(store_.ResolveDigest("bad"));
}

TEST_F(StoreTest, ImportSweepsStagingLeftByACrash) {
  ASSERT_TRUE(Import({"first"}));
  std::string left = store_.root() + "/.staging-crashed";
  ASSERT_EQ(::mkdir(left.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir((left + "/rootfs").c_str(), 0555), 0);
  Write(source_ + "/bin/tool", "other");
  ASSERT_TRUE(Import({"second"}));
  struct stat st {};
  EXPECT_NE(::lstat(left.c_str(), &st), 0);
  EXPECT_EQ(StoreEntries(store_.root()).size(), 2u);
}

TEST(HostImage, DigestDependsOnThePackageList) {
  testing::TempDir dir;
  std::string status = dir.path() + "/status";
  Write(status,
        "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\n"
        "Package: b\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 2\n");
  std::string first = *HostPackagesDigest(status);
  Write(status, "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.1\n");
  EXPECT_NE(*HostPackagesDigest(status), first);
  Write(status, "Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n");
  EXPECT_EQ(*HostPackagesDigest(status), first);  // b was never installed
}

}  // namespace
}  // namespace snaprun::images
