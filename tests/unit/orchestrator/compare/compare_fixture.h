// Shared by the compare tests: a store in a temp dir and helpers that put real objects in it
// and build manifests from entries.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "orchestrator/compare/compare.h"
#include "orchestrator/snapshot/manifest.h"
#include "orchestrator/store/object_store.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {

class CompareTest : public ::testing::Test {
 protected:
  TreeEntry File(const std::string& path, const std::string& content, uint32_t mode = 0644) {
    TreeEntry entry;
    entry.path = path;
    entry.type = EntryType::kFile;
    entry.mode = mode;
    entry.size = content.size();
    entry.digest = store_.Put(content).value();
    return entry;
  }
  static TreeEntry Dir(const std::string& path, uint32_t mode = 0755) {
    TreeEntry entry;
    entry.path = path;
    entry.type = EntryType::kDirectory;
    entry.mode = mode;
    return entry;
  }
  static TreeEntry Link(const std::string& path, const std::string& target) {
    TreeEntry entry;
    entry.path = path;
    entry.type = EntryType::kSymlink;
    entry.mode = 0777;
    entry.target = target;
    return entry;
  }
  TreeComparison Compare(std::vector<TreeEntry> a, std::vector<TreeEntry> b,
                         const CompareOptions& options = {}) {
    auto result =
        CompareTrees(BuildManifest(std::move(a)), BuildManifest(std::move(b)), store_, options);
    EXPECT_TRUE(result.has_value()) << result.error().ToString();
    return result.has_value() ? std::move(result).value() : TreeComparison{};
  }
  // The single difference of a comparison of one file each side.
  FileDifference CompareOne(const std::string& path, const std::string& a, const std::string& b,
                            const CompareOptions& options = {}) {
    TreeComparison c = Compare({File(path, a)}, {File(path, b)}, options);
    EXPECT_EQ(c.differences.size(), 1u);
    return c.differences.empty() ? FileDifference{} : c.differences[0];
  }

  testing::TempDir dir_;
  ObjectStore store_ = ObjectStore::Open(dir_.path() + "/home").value();
};

}  // namespace snaprun::orchestrator
