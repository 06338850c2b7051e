#include "images/extract.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/process.h"

namespace snaprun::images {
namespace {

ChunkReader Content(const std::string& text) {
  auto done = std::make_shared<bool>(false);
  auto data = std::make_shared<std::string>(text);
  return [done, data](const void** out, size_t* size, int64_t* offset) -> Result<bool> {
    if (*done || data->empty()) return false;
    *done = true;
    *out = data->data(), *size = data->size(), *offset = 0;
    return true;
  };
}

Entry File(const std::string& name, const std::string& text, mode_t mode = 0644) {
  return Entry{name, EntryType::kFile, mode, 0, 0, text.size(), ""};
}
Entry Dir(const std::string& name, mode_t mode = 0755) {
  return Entry{name, EntryType::kDirectory, mode, 0, 0, 0, ""};
}
Entry Link(const std::string& name, EntryType type, const std::string& target) {
  return Entry{name, type, 0777, 0, 0, 0, target};
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TreeWriterTest : public ::testing::Test {
 protected:
  Result<TreeWriter> Open(Whiteouts whiteouts = Whiteouts::kLiteral) {
    return TreeWriter::Open(dir_.path(), limits_, Ownership::kCaller, whiteouts);
  }
  std::string Path(const std::string& rel) { return dir_.path() + "/" + rel; }
  testing::TempDir dir_;
  ExtractLimits limits_;
};

TEST_F(TreeWriterTest, RefusesFileThroughAnExtractedSymlink) {
  TreeWriter writer = *Open();
  ASSERT_TRUE(writer.Add(Link("etc", EntryType::kSymlink, "/etc"), nullptr));
  auto result = writer.Add(File("etc/snaprun-evil", "x"), Content("x"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("through the symlink 'etc'"), std::string::npos)
      << result.error().message();
  EXPECT_FALSE(Exists("/etc/snaprun-evil"));
}

TEST_F(TreeWriterTest, RefusesRelativeSymlinkLeavingTheRoot) {
  TreeWriter writer = *Open();
  auto result = writer.Add(Link("a/b", EntryType::kSymlink, "../../etc"), nullptr);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("'a/b'"), std::string::npos);
}

TEST_F(TreeWriterTest, RefusesHardLinkOutsideTheRoot) {
  TreeWriter writer = *Open();
  EXPECT_FALSE(writer.Add(Link("passwd", EntryType::kHardlink, "/etc/passwd"), nullptr));
  EXPECT_FALSE(writer.Add(Link("passwd", EntryType::kHardlink, "../etc/passwd"), nullptr));
  EXPECT_FALSE(writer.Add(Link("passwd", EntryType::kHardlink, "missing"), nullptr));
}

TEST_F(TreeWriterTest, HardLinkInsideShareTheInode) {
  TreeWriter writer = *Open();
  ASSERT_TRUE(writer.Add(File("a/f", "hello"), Content("hello")));
  ASSERT_TRUE(writer.Add(Link("b/g", EntryType::kHardlink, "a/f"), nullptr));
  struct stat a {
  }, b{};
  ASSERT_EQ(::stat(Path("a/f").c_str(), &a), 0);
  ASSERT_EQ(::stat(Path("b/g").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
}

TEST_F(TreeWriterTest, StripsSetuidAndRecordsIt) {
  TreeWriter writer = *Open();
  ASSERT_TRUE(writer.Add(File("bin/su", "x", 04755), Content("x")));
  ASSERT_TRUE(writer.Finish());
  struct stat st {};
  ASSERT_EQ(::stat(Path("bin/su").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(writer.report().setid.at("bin/su"), 04755u);
}

TEST_F(TreeWriterTest, SkipsDeviceNodesWithANote) {
  TreeWriter writer = *Open();
  ASSERT_TRUE(writer.Add(Entry{"dev/null", EntryType::kDevice, 0666, 0, 0, 0, ""}, nullptr));
  EXPECT_FALSE(Exists(Path("dev/null")));
  ASSERT_EQ(writer.report().skipped.size(), 1u);
  EXPECT_NE(writer.report().skipped[0].find("dev/null"), std::string::npos);
}

TEST_F(TreeWriterTest, ReadOnlyDirectoriesAreFilledThenRestricted) {
  TreeWriter writer = *Open();
  ASSERT_TRUE(writer.Add(Dir("ro", 0555), nullptr));
  ASSERT_TRUE(writer.Add(File("ro/f", "x"), Content("x")));
  ASSERT_TRUE(writer.Finish());
  struct stat st {};
  ASSERT_EQ(::stat(Path("ro").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0555u);
  EXPECT_TRUE(Exists(Path("ro/f")));
}

TEST_F(TreeWriterTest, WhiteoutsRemoveLowerLayerFiles) {
  TreeWriter writer = *Open(Whiteouts::kOci);
  writer.BeginLayer();
  ASSERT_TRUE(writer.Add(File("a/gone", "1"), Content("1")));
  ASSERT_TRUE(writer.Add(File("a/kept", "2"), Content("2")));
  writer.BeginLayer();
  ASSERT_TRUE(writer.Add(File("a/.wh.gone", ""), nullptr));
  EXPECT_FALSE(Exists(Path("a/gone")));
  EXPECT_FALSE(Exists(Path("a/.wh.gone")));
  EXPECT_EQ(Read(Path("a/kept")), "2");
}

TEST_F(TreeWriterTest, OpaqueDirectoryHidesOnlyLowerLayers) {
  TreeWriter writer = *Open(Whiteouts::kOci);
  writer.BeginLayer();
  ASSERT_TRUE(writer.Add(File("d/old", "1"), Content("1")));
  writer.BeginLayer();
  ASSERT_TRUE(writer.Add(File("d/new", "2"), Content("2")));
  ASSERT_TRUE(writer.Add(File("d/.wh..wh..opq", ""), nullptr));
  EXPECT_FALSE(Exists(Path("d/old")));
  EXPECT_EQ(Read(Path("d/new")), "2");
}

TEST_F(TreeWriterTest, LiteralModeKeepsWhiteoutNames) {
  TreeWriter writer = *Open(Whiteouts::kLiteral);
  ASSERT_TRUE(writer.Add(File(".wh.x", "1"), Content("1")));
  EXPECT_TRUE(Exists(Path(".wh.x")));
}

TEST_F(TreeWriterTest, LaterEntryReplacesDirectoryWithFile) {
  TreeWriter writer = *Open(Whiteouts::kOci);
  ASSERT_TRUE(writer.Add(File("x/y", "1"), Content("1")));
  ASSERT_TRUE(writer.Add(File("x", "2"), Content("2")));
  EXPECT_EQ(Read(Path("x")), "2");
}

TEST_F(TreeWriterTest, DeclaredSizeOverTheCapIsRefusedBeforeWriting) {
  limits_.max_total_bytes = 100;
  TreeWriter writer = *Open();
  Entry big = File("big", "");
  big.size = 1000;
  auto result = writer.Add(big, Content(""));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_FALSE(Exists(Path("big")));
}

TEST_F(TreeWriterTest, EntryCountCap) {
  limits_.max_entries = 2;
  TreeWriter writer = *Open();
  ASSERT_TRUE(writer.Add(Dir("a"), nullptr));
  ASSERT_TRUE(writer.Add(Dir("b"), nullptr));
  auto result = writer.Add(Dir("c"), nullptr);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("--max-entries"), std::string::npos);
}

}  // namespace
}  // namespace snaprun::images
