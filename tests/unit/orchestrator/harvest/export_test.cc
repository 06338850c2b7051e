// Export: verified objects, atomic replacement, refusal to overwrite, no set-id bits.
#include <sys/stat.h>

#include <filesystem>

#include "tests/unit/orchestrator/harvest/harvest_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

void Corrupt(const std::string& path) {
  ::chmod(path.c_str(), 0644);
  std::string content = ReadWhole(path);
  content[0] ^= 1;
  WriteFile(path, content, 0444);
}

TEST_F(HarvestTest, CorruptObjectIsKCorruptNamingPathAndObject) {
  WriteFile(outputs_ + "/dir/weights.bin", std::string(3000, 'w'));
  OutputsResult r = HarvestOk();
  const TreeEntry* entry = FindEntry(r.manifest, "dir/weights.bin");
  ASSERT_NE(entry, nullptr);
  Corrupt(store_->ObjectPath(entry->digest));
  std::string dest = root_.path() + "/export";
  auto done = ExportOutputs(r.digest, *store_, dest);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(done.error().message().find("dir/weights.bin"), std::string::npos)
      << done.error().message();
  EXPECT_NE(done.error().message().find(entry->digest), std::string::npos)
      << done.error().message();
  EXPECT_FALSE(fs::exists(dest));  // nothing half-exported
  for (const auto& e : fs::directory_iterator(root_.path())) {
    EXPECT_EQ(e.path().filename().string().find("export.tmp-"), std::string::npos);
  }
}

TEST_F(HarvestTest, MissingObjectIsNamed) {
  WriteFile(outputs_ + "/gone.txt", "gone");
  OutputsResult r = HarvestOk();
  fs::remove(store_->ObjectPath(FindEntry(r.manifest, "gone.txt")->digest));
  auto done = ExportOutputs(r.digest, *store_, root_.path() + "/export");
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(done.error().message().find("gone.txt"), std::string::npos);
}

TEST_F(HarvestTest, ExportRefusesANonEmptyDestinationUnlessForced) {
  WriteFile(outputs_ + "/new.txt", "new");
  OutputsResult r = HarvestOk();
  std::string dest = root_.path() + "/export";
  WriteFile(dest + "/old.txt", "old");
  auto refused = ExportOutputs(r.digest, *store_, dest);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(ReadWhole(dest + "/old.txt"), "old");
  ASSERT_TRUE(ExportOutputs(r.digest, *store_, dest, ExportOptions{true}));
  EXPECT_FALSE(fs::exists(dest + "/old.txt"));
  EXPECT_EQ(ReadWhole(dest + "/new.txt"), "new");
}

TEST_F(HarvestTest, ExportIntoAnEmptyDirectoryNeedsNoForce) {
  WriteFile(outputs_ + "/a.txt", "a");
  OutputsResult r = HarvestOk();
  std::string dest = root_.path() + "/empty";
  fs::create_directories(dest);
  ASSERT_TRUE(ExportOutputs(r.digest, *store_, dest));
  EXPECT_EQ(ReadWhole(dest + "/a.txt"), "a");
}

TEST_F(HarvestTest, ExportNeverRecreatesSetIdBits) {
  WriteFile(outputs_ + "/suid", "#!/bin/sh\n", 06755);
  OutputsResult r = HarvestOk();
  EXPECT_EQ(FindEntry(r.manifest, "suid")->mode, 06755u);  // recorded as it was
  std::string dest = root_.path() + "/export";
  ASSERT_TRUE(ExportOutputs(r.digest, *store_, dest));
  EXPECT_EQ(ModeOf(dest + "/suid") & 07777, 0755u);
}

TEST_F(HarvestTest, UnknownDigestIsNotFound) {
  auto done = ExportOutputs(std::string(64, 'a'), *store_, root_.path() + "/export");
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace snaprun::orchestrator
