// Hostile bundles: each is built from a real bundle with one thing wrong, and each is
// refused with one kCorrupt (or kUnsupported) error naming the bundle and the entry,
// with nothing published in the importing SNAPRUN_HOME.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "orchestrator/bundle/bundle_import.h"
#include "tests/unit/orchestrator/bundle/bundle_fixture.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

class HostileBundle : public BundleFixture {
 protected:
  void SetUp() override {
    BundleFixture::SetUp();
    if (HasFatalFailure()) return;
    entries_ = ReadTar(WriteRunBundle());
    ASSERT_GE(entries_.size(), 6u);
  }
  // Writes ENTRIES as a plain tar, imports it into B; returns the refusal.
  Error Refusal(const std::vector<TarEntry>& entries) {
    std::string path = BundlePath("hostile.tar");
    WriteTar(path, entries);
    return RefusalOf(path);
  }
  Error RefusalOf(const std::string& path) {
    auto imported = ImportBundle(path, Home("B"), HistoryB());
    EXPECT_FALSE(imported) << "accepted";
    if (imported) return Error(ErrorCode::kInternal, "accepted");
    EXPECT_TRUE(NothingPublishedInB());
    EXPECT_NE(imported.error().ToString().find(path), std::string::npos)
        << imported.error().ToString();
    return imported.error();
  }
  size_t FirstObject() const { return 3; }
  std::vector<TarEntry> entries_;
};

void ExpectMentions(const Error& error, const std::string& text) {
  EXPECT_NE(error.ToString().find(text), std::string::npos) << error.ToString();
}

TEST_F(HostileBundle, UnchangedRewriteIsAccepted) {
  WriteTar(BundlePath("plain.tar"), entries_);
  auto imported = ImportBundle(BundlePath("plain.tar"), Home("B"), HistoryB());
  EXPECT_TRUE(imported) << imported.error().ToString();
}

TEST_F(HostileBundle, TruncatedAtSeveralOffsetsIsRefused) {
  std::string bundle = BundlePath("run.bundle");
  uintmax_t size = fs::file_size(bundle);
  for (uintmax_t cut : {uintmax_t{0}, uintmax_t{10}, size / 4, size / 2, size - 20, size - 1}) {
    std::string path = BundlePath("cut-" + std::to_string(cut));
    fs::copy_file(bundle, path);
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(cut)), 0);
    Error error = RefusalOf(path);
    EXPECT_EQ(error.code(), ErrorCode::kCorrupt) << cut << ": " << error.ToString();
  }
}

TEST_F(HostileBundle, PlainTarTruncatedInsideAnObjectIsRefused) {
  WriteTar(BundlePath("plain.tar"), entries_);
  uintmax_t size = fs::file_size(BundlePath("plain.tar"));
  ASSERT_EQ(::truncate(BundlePath("plain.tar").c_str(), static_cast<off_t>(size - 1536)), 0);
  EXPECT_EQ(RefusalOf(BundlePath("plain.tar")).code(), ErrorCode::kCorrupt);
}

TEST_F(HostileBundle, FlippedByteInAnObjectIsRefusedNamingIt) {
  entries_[FirstObject()].content[0] ^= 0x01;
  Error error = Refusal(entries_);
  ExpectMentions(error, entries_[FirstObject()].name);
  ExpectMentions(error, "corrupted");
}

TEST_F(HostileBundle, ObjectUnderTheWrongDigestIsRefused) {
  entries_[FirstObject()].name = "objects/sha256/" + std::string(64, 'e');
  ExpectMentions(Refusal(entries_), "no manifest names this object");
}

TEST_F(HostileBundle, DotDotEntryIsRefused) {
  entries_.push_back({"objects/../../etc/passwd", "x"});
  ExpectMentions(Refusal(entries_), "'..' component");
}

TEST_F(HostileBundle, AbsoluteEntryIsRefused) {
  entries_.insert(entries_.begin() + 1, {"/etc/passwd", "x"});
  ExpectMentions(Refusal(entries_), "absolute name");
}

TEST_F(HostileBundle, SymlinkEntryIsRefused) {
  entries_.insert(entries_.begin() + 1, {"snapshot.json", "/etc/passwd", true});
  ExpectMentions(Refusal(entries_), "not a regular file");
}

TEST_F(HostileBundle, UnknownKeyInBundleJsonIsRefused) {
  std::string& info = entries_[0].content;
  info.insert(info.find('{') + 1, "\"extra\": 1,");
  Error error = Refusal(entries_);
  ExpectMentions(error, "extra: unknown key");
}

TEST_F(HostileBundle, UnknownVersionIsRefused) {
  std::string& info = entries_[0].content;
  size_t at = info.find("\"version\"");
  ASSERT_NE(at, std::string::npos) << info;
  at = info.find('1', at);
  ASSERT_NE(at, std::string::npos) << info;
  info[at] = '2';
  Error error = Refusal(entries_);
  EXPECT_EQ(error.code(), ErrorCode::kUnsupported);
  ExpectMentions(error, "version 2 is not supported");
}

TEST_F(HostileBundle, MissingObjectIsRefused) {
  std::string name = entries_[FirstObject()].name;
  entries_.erase(entries_.begin() + static_cast<long>(FirstObject()));
  Error error = Refusal(entries_);
  ExpectMentions(error, name);
  ExpectMentions(error, "missing");
}

TEST_F(HostileBundle, DuplicateEntryIsRefused) {
  entries_.push_back(entries_[FirstObject()]);
  ExpectMentions(Refusal(entries_), "duplicate entry");
}

TEST_F(HostileBundle, ObjectLargerThanItsManifestSaysIsRefused) {
  entries_[FirstObject()].content += "more";
  ExpectMentions(Refusal(entries_), "the manifest says");
}

TEST_F(HostileBundle, OversizedBundleJsonIsRefused) {
  entries_[0].content += std::string(5 << 20, ' ');
  ExpectMentions(Refusal(entries_), "over the limit");
}

TEST_F(HostileBundle, ManifestEditedIsRefused) {
  std::string& manifest = entries_[1].content;
  size_t at = manifest.find("train.py");
  ASSERT_NE(at, std::string::npos);
  manifest.replace(at, 8, "trains.p");
  EXPECT_EQ(Refusal(entries_).code(), ErrorCode::kCorrupt);
}

TEST_F(HostileBundle, EntriesOutOfOrderAreRefused) {
  std::swap(entries_[0], entries_[1]);
  ExpectMentions(Refusal(entries_), "bundle.json must come first");
}

TEST_F(HostileBundle, NotABundleAtAllIsRefused) {
  std::ofstream(BundlePath("junk")) << "this is not a tar file at all\n";
  EXPECT_EQ(RefusalOf(BundlePath("junk")).code(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace snaprun::orchestrator
