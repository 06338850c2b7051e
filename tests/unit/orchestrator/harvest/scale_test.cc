// Scale: 100k tiny files round-trip; a 10 GB sparse file is hashed without reading its
// holes (or refused by the limit, which counts apparent bytes, before anything is read).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/orchestrator/harvest/harvest_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kTenGb = uint64_t{10} * 1000 * 1000 * 1000;

// rchar of this process: every byte read() and pread() returned, all threads.
uint64_t BytesReadSoFar() {
  std::ifstream io("/proc/self/io");
  std::string key;
  uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return 0;
}

// A file of SIZE apparent bytes holding "DATA" at its middle; false when the filesystem
// cannot make it sparse.
bool MakeSparse(const std::string& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = ::ftruncate(fd, static_cast<off_t>(size)) == 0 &&
            ::pwrite(fd, "DATA", 4, static_cast<off_t>(size / 2)) == 4;
  struct stat st {};
  ::fstat(fd, &st);
  ::close(fd);
  return ok && static_cast<uint64_t>(st.st_blocks) * 512 < size / 1000;
}

TEST_F(HarvestTest, HundredThousandTinyFilesRoundTripIdentically) {
  constexpr int kFiles = 100000;
  for (int d = 0; d < 100; ++d) fs::create_directories(outputs_ + "/d" + std::to_string(d));
  for (int i = 0; i < kFiles; ++i) {
    std::string path = outputs_ + "/d" + std::to_string(i % 100) + "/f" + std::to_string(i);
    std::ofstream(path, std::ios::binary) << "file " << i << "\n";
  }
  OutputsResult r = HarvestOk();
  ASSERT_EQ(r.files, static_cast<uint64_t>(kFiles));
  std::string dest = root_.path() + "/export";
  ASSERT_TRUE(ExportOutputs(r.digest, *store_, dest));
  for (int i = 0; i < kFiles; i += 97) {
    std::string rel = "/d" + std::to_string(i % 100) + "/f" + std::to_string(i);
    ASSERT_EQ(ReadWhole(dest + rel), "file " + std::to_string(i) + "\n") << rel;
  }
  auto again = HarvestOutputs(dest, *store_, {});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->digest, r.digest);  // every path, mode and content is identical
}

TEST_F(HarvestTest, TenGigabyteSparseFileIsHashedWithoutReadingItsHoles) {
  if (!MakeSparse(outputs_ + "/sparse.img", kTenGb)) GTEST_SKIP() << "no sparse files on /tmp";
  uint64_t before = BytesReadSoFar();
  OutputsResult r = HarvestOk();
  EXPECT_LT(BytesReadSoFar() - before, uint64_t{64} << 20);
  const TreeEntry* e = FindEntry(r.manifest, "sparse.img");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->size, kTenGb);
  struct stat st {};
  ASSERT_EQ(::stat(store_->ObjectPath(e->digest).c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), kTenGb);
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, uint64_t{64} << 20);  // stored sparse
  std::string dest = root_.path() + "/export";
  ASSERT_TRUE(ExportOutputs(r.digest, *store_, dest));
  ASSERT_EQ(::stat((dest + "/sparse.img").c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), kTenGb);
  EXPECT_LT(static_cast<uint64_t>(st.st_blocks) * 512, uint64_t{64} << 20);
  EXPECT_LT(BytesReadSoFar() - before, uint64_t{128} << 20);
}

TEST_F(HarvestTest, SparseFileOverTheLimitIsRefusedByItsApparentSize) {
  if (!MakeSparse(outputs_ + "/sparse.img", kTenGb)) GTEST_SKIP() << "no sparse files on /tmp";
  HarvestLimits limits;
  limits.max_bytes = uint64_t{1} << 30;
  uint64_t before = BytesReadSoFar();
  auto r = Harvest(limits);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message().find("sparse.img (9.3 GiB)"), std::string::npos)
      << r.error().message();
  EXPECT_LT(BytesReadSoFar() - before, uint64_t{1} << 20);
  EXPECT_EQ(CountObjects(home_), 0u);
}

}  // namespace
}  // namespace snaprun::orchestrator
