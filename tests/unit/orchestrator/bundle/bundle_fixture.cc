#include "tests/unit/orchestrator/bundle/bundle_fixture.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/bundle/bundle_writer.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/history/run_id.h"
#include "orchestrator/snapshot/snapshot.h"

namespace snaprun::orchestrator {
namespace fs = std::filesystem;

std::vector<TarEntry> ReadTar(const std::string& path) {
  std::vector<TarEntry> out;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 1 << 16), ARCHIVE_OK);
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    TarEntry entry{archive_entry_pathname(e), "", false};
    std::string buffer(static_cast<size_t>(archive_entry_size(e)), '\0');
    if (!buffer.empty()) archive_read_data(a, buffer.data(), buffer.size());
    entry.content = buffer;
    out.push_back(entry);
  }
  archive_read_free(a);
  return out;
}

void WriteTar(const std::string& path, const std::vector<TarEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const TarEntry& entry : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, entry.name.c_str());
    if (entry.symlink) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, entry.content.c_str());
      archive_entry_set_perm(e, 0777);
      archive_write_header(a, e);
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(entry.content.size()));
      archive_write_header(a, e);
      archive_write_data(a, entry.content.data(), entry.content.size());
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

namespace {

void Write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << content;
}

}  // namespace

void BundleFixture::SetUp() {
  std::string code = root_.path() + "/code";
  Write(code + "/train.py", "print('train')\n");
  Write(code + "/data/input.txt", "1 2 3\n");
  Write(root_.path() + "/out/metrics.json", "{\"loss\": 0.5}\n");
  auto store = ObjectStore::Open(Home("A"));
  ASSERT_TRUE(store);
  auto snapshot = TakeSnapshot(code, SnapshotLimits{}, *store);
  ASSERT_TRUE(snapshot) << snapshot.error().ToString();
  auto outputs = HarvestOutputs(root_.path() + "/out", *store, HarvestLimits{});
  ASSERT_TRUE(outputs) << outputs.error().ToString();
  run_.id = NewRunId();
  run_.name = "train";
  run_.user = "alice";
  run_.host = "elsewhere";
  run_.state = RunState::kCompleted;
  int64_t t = 1'790'000'000'000;
  for (RunState s : {RunState::kQueued, RunState::kPreparing, RunState::kRunning,
                     RunState::kHarvesting, RunState::kCompleted}) {
    run_.state_times_ms[static_cast<size_t>(s)] = t++;
  }
  run_.exit_code = 0;
  run_.usage.wall_ms = 12;
  run_.spec_json = "{\"name\":\"train\",\"image\":\"host\"}";
  run_.isolation_json = "{\"steps\":[]}";
  run_.snapshot_digest = "sha256:" + snapshot->digest;
  run_.image_digest = "sha256:" + std::string(64, 'a');
  run_.outputs_digest = "sha256:" + outputs->digest;
  run_.git = GitProvenance{"https://example.org/r.git", "main", std::string(40, 'c'), true};
  auto store_b = ObjectStore::Open(Home("B"));
  ASSERT_TRUE(store_b);
  store_b_ = std::make_unique<ObjectStore>(std::move(*store_b));
  auto history = SqliteHistoryStore::Open(Home("B") + "/history.db");
  ASSERT_TRUE(history) << history.error().ToString();
  history_b_ = std::move(*history);
}

std::string BundleFixture::WriteRunBundle() {
  std::string path = BundlePath("run.bundle");
  auto written = WriteBundle(Home("A"), run_, path, {});
  EXPECT_TRUE(written) << written.error().ToString();
  return path;
}

bool BundleFixture::NothingPublishedInB() {
  struct stat st;
  std::string manifest = ManifestPath(*store_b_, run_.snapshot_digest.substr(7));
  return !history_b_->Get(run_.id) && ::stat(manifest.c_str(), &st) != 0;
}

}  // namespace snaprun::orchestrator
