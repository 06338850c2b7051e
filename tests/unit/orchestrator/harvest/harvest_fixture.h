// Shared by the harvest tests: a temp root with outputs/ and a store home, and helpers
// to harvest, export and read trees back.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "orchestrator/harvest/export.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/store/object_store.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/snapshot/tree_helpers.h"

namespace snaprun::orchestrator {

using testing_tree::WriteFile;

inline std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline mode_t ModeOf(const std::string& path) {
  struct stat st {};
  ::lstat(path.c_str(), &st);
  return st.st_mode;
}

// True when some object in the store holds exactly CONTENT.
inline bool StoreHoldsContent(const std::string& home, const std::string& content) {
  namespace fs = std::filesystem;
  for (const auto& e : fs::recursive_directory_iterator(home + "/objects/sha256")) {
    if (e.is_regular_file() && e.file_size() == content.size() && ReadWhole(e.path()) == content) {
      return true;
    }
  }
  return false;
}

inline size_t CountObjects(const std::string& home) {
  namespace fs = std::filesystem;
  size_t n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(home + "/objects/sha256", ec), end; it != end; ++it) {
    if (it->is_regular_file()) ++n;
  }
  return n;
}

inline const TreeEntry* FindEntry(const Manifest& m, const std::string& path) {
  for (const TreeEntry& e : m.entries) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

class HarvestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    outputs_ = root_.path() + "/outputs";
    home_ = root_.path() + "/home";
    std::filesystem::create_directories(outputs_);
    auto store = ObjectStore::Open(home_);
    ASSERT_TRUE(store) << store.error().message();
    store_.emplace(std::move(*store));
  }

  Result<OutputsResult> Harvest(const HarvestLimits& limits = {}) {
    return HarvestOutputs(outputs_, *store_, limits);
  }

  OutputsResult HarvestOk(const HarvestLimits& limits = {}) {
    auto r = Harvest(limits);
    EXPECT_TRUE(r) << r.error().message();
    return r ? std::move(*r) : OutputsResult{};
  }

  snaprun::testing::TempDir root_;
  std::string outputs_, home_;
  std::optional<ObjectStore> store_;
};

}  // namespace snaprun::orchestrator
