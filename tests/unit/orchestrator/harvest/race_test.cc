// A run's leftover process renames and swaps directories while the harvest walks: the
// harvest may fail, but it never stores anything from outside the outputs directory.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/unit/orchestrator/harvest/harvest_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

TEST_F(HarvestTest, DirectorySwappedForASymlinkDuringTheWalkNeverEscapes) {
  std::string outside = root_.path() + "/outside";
  const std::string secret = "outside secret, never to be harvested\n";
  for (int i = 0; i < 50; ++i) WriteFile(outside + "/f" + std::to_string(i), secret);
  for (int i = 0; i < 50; ++i)
    WriteFile(outputs_ + "/d/f" + std::to_string(i), "inside " + std::to_string(i));
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    std::string d = outputs_ + "/d", real = outputs_ + "/d.real";
    while (!stop) {
      ::rename(d.c_str(), real.c_str());
      ::symlink(outside.c_str(), d.c_str());
      ::unlink(d.c_str());
      ::rename(real.c_str(), d.c_str());
    }
  });
  int succeeded = 0;
  for (int round = 0; round < 200; ++round) {
    auto r = Harvest();
    if (!r) continue;
    ++succeeded;
    for (const TreeEntry& e : r->manifest.entries) {
      ASSERT_NE(e.digest, Sha256Hex(secret)) << e.path;
    }
  }
  stop = true;
  swapper.join();
  EXPECT_FALSE(StoreHoldsContent(home_, secret));
  RecordProperty("successful_harvests", succeeded);
}

}  // namespace
}  // namespace snaprun::orchestrator
