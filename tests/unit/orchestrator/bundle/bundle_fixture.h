// Two SNAPRUN_HOMEs: A holds a finished run (a snapshot and harvested outputs) that tests
// export; B is where bundles are read and imported. Plus a plain-tar rewriter, so hostile
// bundles are built from a real one with libarchive.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "orchestrator/history/sqlite_history_store.h"
#include "orchestrator/store/object_store.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {

struct TarEntry {
  std::string name;
  std::string content;
  bool symlink = false;
};

// Reads every entry of a (compressed or plain) tar.
std::vector<TarEntry> ReadTar(const std::string& path);
// Writes ENTRIES as a plain pax tar.
void WriteTar(const std::string& path, const std::vector<TarEntry>& entries);

class BundleFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  std::string Home(const char* which) const { return root_.path() + "/" + which; }
  std::string BundlePath(const std::string& name) const { return root_.path() + "/" + name; }
  // The bundle of A's run, written once per test.
  std::string WriteRunBundle();
  // B's history and store.
  SqliteHistoryStore& HistoryB() { return *history_b_; }
  const ObjectStore& StoreB() const { return *store_b_; }
  // True when B has neither the run's row nor its snapshot manifest.
  bool NothingPublishedInB();

  snaprun::testing::TempDir root_;
  RunRecord run_;
  std::unique_ptr<SqliteHistoryStore> history_b_;
  std::unique_ptr<ObjectStore> store_b_;
};

}  // namespace snaprun::orchestrator
