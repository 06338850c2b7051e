// A bundle written from one SNAPRUN_HOME reads back whole into another, imports once, and
// export refuses what it cannot bundle without leaving a file behind.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/bundle/bundle_import.h"
#include "orchestrator/bundle/bundle_reader.h"
#include "orchestrator/bundle/bundle_writer.h"
#include "orchestrator/harvest/harvest.h"
#include "tests/unit/orchestrator/bundle/bundle_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;
using BundleRoundTrip = BundleFixture;

TEST_F(BundleRoundTrip, LayoutIsInfoManifestsThenObjects) {
  std::vector<TarEntry> entries = ReadTar(WriteRunBundle());
  ASSERT_GE(entries.size(), 6u);  // 3 files: 2 code + 1 output
  EXPECT_EQ(entries[0].name, "bundle.json");
  EXPECT_EQ(entries[1].name, "snapshot.json");
  EXPECT_EQ(entries[2].name, "outputs.json");
  for (size_t i = 3; i < entries.size(); ++i) {
    EXPECT_TRUE(entries[i].name.starts_with("objects/sha256/")) << entries[i].name;
  }
}

TEST_F(BundleRoundTrip, ReadsBackTheRunAndEveryObject) {
  auto read = ReadBundle(WriteRunBundle(), StoreB());
  ASSERT_TRUE(read) << read.error().ToString();
  EXPECT_EQ(read->info.run.id, run_.id);
  EXPECT_EQ(read->info.run.snapshot_digest, run_.snapshot_digest);
  EXPECT_EQ(read->info.run.outputs_digest, run_.outputs_digest);
  EXPECT_EQ(read->info.run.usage.wall_ms, 12);
  ASSERT_TRUE(read->info.run.git);
  EXPECT_TRUE(read->info.run.git->dirty);
  EXPECT_TRUE(read->info.image.host);
  EXPECT_FALSE(read->info.image.included);
  EXPECT_EQ(read->objects.size(), 3u);
  std::vector<std::string> digests;
  for (const PendingObject& o : read->objects) digests.push_back(o.digest);
  for (const std::string& d : digests) EXPECT_FALSE(StoreB().Has(d));  // pending only
  ASSERT_TRUE(read->Commit());
  for (const std::string& d : digests) EXPECT_TRUE(StoreB().Verify(d)) << d;
}

TEST_F(BundleRoundTrip, ImportRecordsTheRunAsItWasAndOnlyOnce) {
  std::string bundle = WriteRunBundle();
  auto imported = ImportBundle(bundle, Home("B"), HistoryB());
  ASSERT_TRUE(imported) << imported.error().ToString();
  EXPECT_FALSE(imported->already_present);
  auto row = HistoryB().Get(run_.id);
  ASSERT_TRUE(row) << row.error().ToString();
  EXPECT_EQ(row->state, RunState::kCompleted);
  EXPECT_EQ(row->exit_code, 0);
  EXPECT_EQ(row->host, "elsewhere");
  EXPECT_EQ(row->TimeOf(RunState::kRunning), run_.TimeOf(RunState::kRunning));
  EXPECT_EQ(row->snapshot_digest, run_.snapshot_digest);
  EXPECT_EQ(row->outputs_digest, run_.outputs_digest);
  EXPECT_EQ(row->spec_json, run_.spec_json);
  EXPECT_NE(row->isolation_json.find("\"imported\""), std::string::npos);
  EXPECT_TRUE(LoadOutputsManifest(StoreB(), run_.outputs_digest));

  auto again = ImportBundle(bundle, Home("B"), HistoryB());
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_TRUE(again->already_present);
  auto all = HistoryB().List(ListQuery{});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(BundleRoundTrip, RunWithoutOutputsHasNoOutputsManifest) {
  run_.outputs_digest.clear();
  std::vector<TarEntry> entries = ReadTar(WriteRunBundle());
  for (const TarEntry& e : entries) EXPECT_NE(e.name, "outputs.json");
  EXPECT_TRUE(ImportBundle(BundlePath("run.bundle"), Home("B"), HistoryB()));
}

TEST_F(BundleRoundTrip, RunWithoutSnapshotIsRefusedAndNoFileAppears) {
  run_.snapshot_digest.clear();
  run_.state = RunState::kFailed;
  run_.state_times_ms[static_cast<size_t>(RunState::kFailed)] = 1;
  auto written = WriteBundle(Home("A"), run_, BundlePath("x.bundle"), {});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(written.error().message().find("no snapshot"), std::string::npos);
  EXPECT_FALSE(fs::exists(BundlePath("x.bundle")));
}

TEST_F(BundleRoundTrip, HostImageCannotBeIncluded) {
  auto written = WriteBundle(Home("A"), run_, BundlePath("x.bundle"), {true});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(written.error().message().find("host image"), std::string::npos);
  EXPECT_FALSE(fs::exists(BundlePath("x.bundle")));
}

TEST_F(BundleRoundTrip, CorruptObjectInTheStoreFailsTheExportWithoutAFile) {
  auto store = ObjectStore::Open(Home("A"));
  ASSERT_TRUE(store);
  auto manifest = LoadOutputsManifest(*store, run_.outputs_digest);
  ASSERT_TRUE(manifest);
  std::string object = store->ObjectPath(manifest->entries[0].digest);
  ::chmod(object.c_str(), 0644);
  { std::ofstream(object) << "{\"loss\": 9.9}\n"; }
  auto written = WriteBundle(Home("A"), run_, BundlePath("x.bundle"), {});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code(), ErrorCode::kCorrupt);
  EXPECT_FALSE(fs::exists(BundlePath("x.bundle")));
  for (const auto& e : fs::directory_iterator(root_.path())) {
    EXPECT_EQ(e.path().filename().string().find("x.bundle.tmp"), std::string::npos);
  }
}

TEST_F(BundleRoundTrip, ExportReplacesAnExistingFileWhole) {
  { std::ofstream(BundlePath("run.bundle")) << "old"; }
  std::string bundle = WriteRunBundle();
  EXPECT_TRUE(ReadBundle(bundle, StoreB()));
}

}  // namespace
}  // namespace snaprun::orchestrator
