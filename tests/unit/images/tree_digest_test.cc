#include "images/tree_digest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/process.h"

namespace snaprun::images {
namespace {

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class TreeDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::mkdir((dir_.path() + "/d").c_str(), 0755), 0);
    Write(dir_.path() + "/d/f", "content");
    ASSERT_EQ(::chmod((dir_.path() + "/d/f").c_str(), 0644), 0);
    ASSERT_EQ(::symlink("/usr/bin/env", (dir_.path() + "/d/l").c_str()), 0);
  }
  std::string Digest() {
    auto digest = ComputeTreeDigest(dir_.path(), {});
    EXPECT_TRUE(digest) << digest.error().ToString();
    return digest.value_or("");
  }
  testing::TempDir dir_;
};

TEST_F(TreeDigestTest, IgnoresTimes) {
  std::string before = Digest();
  timeval times[2] = {{1000, 0}, {1000, 0}};
  ASSERT_EQ(::utimes((dir_.path() + "/d/f").c_str(), times), 0);
  EXPECT_EQ(Digest(), before);
}

TEST_F(TreeDigestTest, CoversContentModeAndLinkTarget) {
  std::string base = Digest();
  Write(dir_.path() + "/d/f", "Content");
  std::string content = Digest();
  EXPECT_NE(content, base);
  ASSERT_EQ(::chmod((dir_.path() + "/d/f").c_str(), 0600), 0);
  std::string mode = Digest();
  EXPECT_NE(mode, content);
  ASSERT_EQ(::unlink((dir_.path() + "/d/l").c_str()), 0);
  ASSERT_EQ(::symlink("/usr/bin/envy", (dir_.path() + "/d/l").c_str()), 0);
  EXPECT_NE(Digest(), mode);
}

TEST_F(TreeDigestTest, RecordedSetidBitsCount) {
  auto plain = ComputeTreeDigest(dir_.path(), {});
  auto setuid = ComputeTreeDigest(dir_.path(), {{"d/f", 04644}});
  ASSERT_TRUE(plain && setuid);
  EXPECT_NE(*plain, *setuid);
}

}  // namespace
}  // namespace snaprun::images
