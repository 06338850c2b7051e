// Harvest and export: round trips, and hostile outputs each checked against one promise.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>

#include "orchestrator/snapshot/file_hasher.h"
#include "orchestrator/store/fs_at.h"
#include "tests/unit/orchestrator/harvest/harvest_fixture.h"
#include "tests/support/host_facts.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

TEST_F(HarvestTest, ExportRestoresContentModesAndLinks) {
  WriteFile(outputs_ + "/model.bin", std::string(5000, 'm'), 0600);
  WriteFile(outputs_ + "/bin/run.sh", "#!/bin/sh\n", 0755);
  WriteFile(outputs_ + "/empty", "", 0644);
  fs::create_directories(outputs_ + "/locked");
  ::chmod((outputs_ + "/locked").c_str(), 0555);
  ::symlink("model.bin", (outputs_ + "/latest").c_str());
  OutputsResult r = HarvestOk();
  EXPECT_EQ(r.files, 4u);
  EXPECT_EQ(r.bytes, 5010u);
  std::string dest = root_.path() + "/export";
  ASSERT_TRUE(ExportOutputs(r.digest, *store_, dest));
  EXPECT_EQ(ReadWhole(dest + "/model.bin"), std::string(5000, 'm'));
  EXPECT_EQ(ModeOf(dest + "/model.bin") & 07777, 0600u);
  EXPECT_EQ(ModeOf(dest + "/bin/run.sh") & 07777, 0755u);
  EXPECT_EQ(ModeOf(dest + "/locked") & 07777, 0555u);
  EXPECT_TRUE(S_ISLNK(ModeOf(dest + "/latest")));
  EXPECT_EQ(fs::read_symlink(dest + "/latest"), "model.bin");
  // The manifest is the record: harvesting the export again gives the same digest.
  auto again = HarvestOutputs(dest, *store_, {});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->digest, r.digest);
}

TEST_F(HarvestTest, ManifestIsWrittenAndLoadsBackVerified) {
  WriteFile(outputs_ + "/a.txt", "a");
  OutputsResult r = HarvestOk();
  auto loaded = LoadOutputsManifest(*store_, "sha256:" + r.digest);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->entries.size(), 1u);
  EXPECT_TRUE(fs::exists(OutputsManifestPath(*store_, r.digest)));
}

TEST_F(HarvestTest, SymlinkToShadowIsRecordedAsLinkAndItsTargetNeverStored) {
  std::string secret = root_.path() + "/host-secret";
  WriteFile(secret, "host secret that must stay on the host\n", 0644);
  ::symlink("/etc/shadow", (outputs_ + "/shadow").c_str());
  ::symlink(secret.c_str(), (outputs_ + "/secret").c_str());
  ::symlink("../../../../../../..", (outputs_ + "/up").c_str());
  OutputsResult r = HarvestOk();
  const TreeEntry* shadow = FindEntry(r.manifest, "shadow");
  ASSERT_NE(shadow, nullptr);
  EXPECT_EQ(shadow->type, EntryType::kSymlink);
  EXPECT_EQ(shadow->target, "/etc/shadow");
  EXPECT_EQ(FindEntry(r.manifest, "up")->target, "../../../../../../..");
  EXPECT_FALSE(StoreHoldsContent(home_, ReadWhole(secret)));
  std::string shadow_text = ReadWhole("/etc/shadow");
  if (!shadow_text.empty()) {
    EXPECT_FALSE(StoreHoldsContent(home_, shadow_text));
  }
  EXPECT_EQ(CountObjects(home_), 0u);
}

TEST_F(HarvestTest, ExportCreatesSymlinksAsLinksWithoutFollowingThem) {
  ::symlink("/etc/shadow", (outputs_ + "/shadow").c_str());
  OutputsResult r = HarvestOk();
  std::string dest = root_.path() + "/export";
  ASSERT_TRUE(ExportOutputs(r.digest, *store_, dest));
  EXPECT_TRUE(S_ISLNK(ModeOf(dest + "/shadow")));
  EXPECT_EQ(fs::read_symlink(dest + "/shadow"), "/etc/shadow");
}

TEST_F(HarvestTest, FifoIsSkippedWithoutBlocking) {
  ASSERT_EQ(::mkfifo((outputs_ + "/pipe").c_str(), 0644), 0);
  WriteFile(outputs_ + "/data.txt", "d");
  OutputsResult r = HarvestOk();  // a blocking open would hang here, never returning
  EXPECT_EQ(FindEntry(r.manifest, "pipe"), nullptr);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("fifo"), std::string::npos) << r.notes[0];
}

// The walk saw a regular file; by the time it is opened, a fifo has taken its place.
TEST_F(HarvestTest, FifoSwappedInAfterTheWalkDoesNotBlockTheHash) {
  ASSERT_EQ(::mkfifo((outputs_ + "/swapped").c_str(), 0644), 0);
  std::vector<TreeEntry> entries(1);
  entries[0].path = "swapped";
  entries[0].type = EntryType::kFile;
  UniqueFd root = *OpenDirectory(outputs_);
  StatCache cache = StatCache::Load("");
  auto hashed = HashFiles(root.get(), outputs_, entries, *store_, cache, HashOptions{});
  ASSERT_FALSE(hashed);
  EXPECT_NE(hashed.error().message().find("stopped being a regular file"), std::string::npos);
}

TEST_F(HarvestTest, SocketIsSkipped) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = outputs_ + "/sock";
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  memcpy(addr.sun_path, path.c_str(), path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  OutputsResult r = HarvestOk();
  ::close(fd);
  EXPECT_EQ(FindEntry(r.manifest, "sock"), nullptr);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("socket"), std::string::npos);
}

TEST_F(HarvestTest, DeviceNodeIsSkippedAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << ::snaprun::testing::RootOnlySkip("mknod of a device needs root");
  ASSERT_EQ(::mknod((outputs_ + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  OutputsResult r = HarvestOk();
  EXPECT_EQ(FindEntry(r.manifest, "null"), nullptr);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("device"), std::string::npos);
}

TEST_F(HarvestTest, OverTheFileLimitFailsClearlyAndStoresNothing) {
  for (int i = 0; i < 10; ++i)
    WriteFile(outputs_ + "/many/f" + std::to_string(i), "x" + std::to_string(i));
  HarvestLimits limits;
  limits.max_files = 5;
  auto r = Harvest(limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message().find("outputs exceed the limit of 5 files"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("many (10)"), std::string::npos) << r.error().message();
  EXPECT_EQ(CountObjects(home_), 0u);
  EXPECT_FALSE(fs::exists(home_ + "/outputs"));
}

TEST_F(HarvestTest, OverTheByteLimitNamesTheLargestPaths) {
  WriteFile(outputs_ + "/big.ckpt", std::string(4096, 'b'));
  WriteFile(outputs_ + "/small.txt", "s");
  HarvestLimits limits;
  limits.max_bytes = 1024;
  auto r = Harvest(limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message().find("outputs exceed the limit of 1.0 KiB"), std::string::npos)
      << r.error().message();
  EXPECT_NE(r.error().message().find("big.ckpt (4.0 KiB)"), std::string::npos)
      << r.error().message();
  EXPECT_EQ(CountObjects(home_), 0u);
}

TEST_F(HarvestTest, MissingOutputsDirectoryIsNotFound) {
  auto r = HarvestOutputs(root_.path() + "/nowhere", *store_, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

TEST_F(HarvestTest, FileTheRunsUserCouldNotReadIsSkipped) {
  WriteFile(outputs_ + "/unreadable", "no", 0200);
  WriteFile(outputs_ + "/fine", "yes", 0644);
  OutputsResult r = HarvestOk();
  EXPECT_EQ(FindEntry(r.manifest, "unreadable"), nullptr);
  EXPECT_NE(FindEntry(r.manifest, "fine"), nullptr);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("could not read it"), std::string::npos) << r.notes[0];
}

}  // namespace
}  // namespace snaprun::orchestrator
