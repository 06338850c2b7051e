#include "orchestrator/bundle/bundle_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>

#include <map>
#include <memory>
#include <set>

#include "orchestrator/bundle/bundle_layout.h"
#include "orchestrator/snapshot/manifest.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

VerifiedBundle::VerifiedBundle(VerifiedBundle&& other) noexcept
    : info(std::move(other.info)),
      snapshot_manifest(std::move(other.snapshot_manifest)),
      outputs_manifest(std::move(other.outputs_manifest)),
      objects(std::move(other.objects)),
      image_tar(std::move(other.image_tar)),
      store_(other.store_),
      temps_(std::move(other.temps_)) {
  other.objects.clear();
  other.temps_.clear();
}

VerifiedBundle::~VerifiedBundle() {
  for (const PendingObject& object : objects) store_->Discard(object);
  for (const PendingObject& temp : temps_) store_->Discard(temp);
}

Result<void> VerifiedBundle::Commit() {
  SNAPRUN_TRY(store_->Commit(objects));
  objects.clear();
  return Ok();
}

// One pass over the archive; a member function per entry kind.
class BundleReading {
 public:
  BundleReading(const std::string& path, const ObjectStore& store)
      : path_(path), store_(store), out_(store), a_(archive_read_new(), archive_read_free) {}

  Result<VerifiedBundle> Run() {
    UniqueFd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return Error::FromErrno("open bundle", path_);
    archive_read_support_filter_zstd(a_.get());
    archive_read_support_format_tar(a_.get());
    if (archive_read_open_fd(a_.get(), fd.get(), 1 << 16) != ARCHIVE_OK) {
      return Bad("", LibError());
    }
    archive_entry* entry = nullptr;
    int status;
    while ((status = archive_read_next_header(a_.get(), &entry)) == ARCHIVE_OK) {
      SNAPRUN_TRY(ReadEntry(entry));
    }
    if (status != ARCHIVE_EOF) {
      return Bad(last_.empty() ? "" : "after " + last_, "truncated or corrupt: " + LibError());
    }
    SNAPRUN_TRY(CheckComplete());
    return std::move(out_);
  }

 private:
  Error Bad(const std::string& entry, const std::string& what) const {
    return Error(ErrorCode::kCorrupt,
                 "bundle " + path_ + (entry.empty() ? "" : ": entry " + entry) + ": " + what);
  }
  std::string LibError() {
    const char* text = archive_error_string(a_.get());
    return text ? text : "unreadable archive";
  }

  Result<void> ReadEntry(archive_entry* entry) {
    const char* raw = archive_entry_pathname(entry);
    std::string name = raw ? raw : "";
    auto classified = ClassifyEntryName(name);
    if (!classified) return Bad("'" + name + "'", classified.error().message());
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) ||
        archive_entry_symlink(entry)) {
      return Bad(name, "not a regular file (a bundle holds regular files only)");
    }
    if (!archive_entry_size_is_set(entry) || archive_entry_size(entry) < 0) {
      return Bad(name, "no size");
    }
    uint64_t size = static_cast<uint64_t>(archive_entry_size(entry));
    SNAPRUN_TRY(CheckOrder(name, *classified));
    last_ = name;
    switch (classified->kind) {
      case BundleEntry::kInfo: return ReadInfo(name, size);
      case BundleEntry::kSnapshotManifest: return ReadSnapshot(name, size);
      case BundleEntry::kOutputsManifest: return ReadOutputs(name, size);
      case BundleEntry::kObject: return ReadObject(name, classified->object, size);
      case BundleEntry::kImageRootfs: return ReadImage(name, size);
    }
    return Ok();
  }

  // bundle.json, snapshot.json, outputs.json, objects, image: each in its place, once.
  Result<void> CheckOrder(const std::string& name, const ClassifiedEntry& entry) {
    int phase = static_cast<int>(entry.kind);
    if (phase == 0 && phase_ >= 0) return Bad(name, "duplicate entry");
    if (phase > 0 && phase_ < 0) return Bad(name, "bundle.json must come first");
    if (entry.kind == BundleEntry::kObject) {
      if (!seen_objects_.insert(entry.object).second) return Bad(name, "duplicate entry");
      if (phase_ < 1) return Bad(name, "an object before the manifests");
    } else if (phase <= phase_) {
      return Bad(name, phase == phase_ ? "duplicate entry" : "out of order");
    }
    phase_ = std::max(phase_, phase);
    return Ok();
  }

  Result<std::string> ReadText(const std::string& name, uint64_t size, uint64_t max) {
    if (size > max) return Bad(name, std::to_string(size) + " bytes, over the limit");
    std::string text(size, '\0');
    size_t done = 0;
    while (done < size) {
      la_ssize_t got = archive_read_data(a_.get(), text.data() + done, size - done);
      if (got < 0) return Bad(name, "truncated or corrupt: " + LibError());
      if (got == 0) return Bad(name, "truncated");
      done += static_cast<size_t>(got);
    }
    return text;
  }

  Result<void> ReadInfo(const std::string& name, uint64_t size) {
    std::string text = SNAPRUN_TRY(ReadText(name, size, kMaxInfoBytes));
    auto info = BundleInfoFromJson(text, "bundle " + path_ + ": entry " + name);
    if (!info) return std::move(info).error();
    out_.info = std::move(*info);
    return Ok();
  }

  Result<Manifest> ReadManifest(const std::string& name, uint64_t size, const std::string& digest,
                                std::string& text) {
    text = SNAPRUN_TRY(ReadText(name, size, kMaxManifestBytes));
    auto manifest = ManifestFromJson(text, "bundle " + path_ + ": entry " + name);
    if (!manifest) return Error(ErrorCode::kCorrupt, manifest.error().ToString());
    if ("sha256:" + manifest->digest != digest) {
      return Bad(name, "manifest " + manifest->digest + " is not the run's " + digest);
    }
    for (const TreeEntry& e : manifest->entries) {
      if (e.type == EntryType::kFile) expected_[e.digest] = e.size;
    }
    return manifest;
  }

  Result<void> ReadSnapshot(const std::string& name, uint64_t size) {
    SNAPRUN_TRY(ReadManifest(name, size, out_.info.run.snapshot_digest, out_.snapshot_manifest));
    return Ok();
  }

  Result<void> ReadOutputs(const std::string& name, uint64_t size) {
    if (out_.info.run.outputs_digest.empty()) return Bad(name, "the run has no outputs");
    SNAPRUN_TRY(ReadManifest(name, size, out_.info.run.outputs_digest, out_.outputs_manifest));
    return Ok();
  }

  // Streams SIZE bytes into a pending object; returns it.
  Result<PendingObject> Store(const std::string& name, uint64_t size) {
    ObjectStore::Writer writer = SNAPRUN_TRY(store_.NewWriter());
    std::unique_ptr<char[]> buffer(new char[1 << 20]);
    uint64_t done = 0;
    while (true) {
      la_ssize_t got = archive_read_data(a_.get(), buffer.get(), 1 << 20);
      if (got < 0) return Bad(name, "truncated or corrupt: " + LibError());
      if (got == 0) break;
      done += static_cast<uint64_t>(got);
      if (done > size) return Bad(name, "longer than its header says");
      SNAPRUN_TRY(writer.Append(buffer.get(), static_cast<size_t>(got)));
    }
    if (done != size) return Bad(name, "truncated");
    return writer.Finish();
  }

  Result<void> ReadObject(const std::string& name, const std::string& digest, uint64_t size) {
    if (out_.info.run.outputs_digest.size() && out_.outputs_manifest.empty()) {
      return Bad(name, "an object before outputs.json");
    }
    auto it = expected_.find(digest);
    if (it == expected_.end()) return Bad(name, "no manifest names this object");
    if (it->second != size) {
      return Bad(name, std::to_string(size) + " bytes, the manifest says " +
                           std::to_string(it->second));
    }
    PendingObject object = SNAPRUN_TRY(Store(name, size));
    if (object.digest != digest) {
      store_.Discard(object);
      return Bad(name, "content hashes to " + object.digest + " (corrupted)");
    }
    out_.objects.push_back(std::move(object));
    return Ok();
  }

  Result<void> ReadImage(const std::string& name, uint64_t size) {
    if (!out_.info.image.included) return Bad(name, "bundle.json says no image is included");
    if (size > kMaxImageBytes) return Bad(name, std::to_string(size) + " bytes, over the limit");
    PendingObject tar = SNAPRUN_TRY(Store(name, size));
    out_.image_tar = tar.temp_path;
    out_.temps_.push_back(std::move(tar));
    return Ok();
  }

  Result<void> CheckComplete() {
    if (phase_ < 0) return Bad("", "empty, or not a bundle (no bundle.json)");
    if (out_.snapshot_manifest.empty()) return Bad(kSnapshotEntry, "missing");
    if (!out_.info.run.outputs_digest.empty() && out_.outputs_manifest.empty()) {
      return Bad(kOutputsEntry, "missing");
    }
    for (const auto& [digest, size] : expected_) {
      if (!seen_objects_.contains(digest)) return Bad(kObjectPrefix + digest, "missing");
    }
    if (out_.info.image.included && out_.image_tar.empty()) return Bad(kImageRootfsEntry, "missing");
    return Ok();
  }

  std::string path_;
  const ObjectStore& store_;
  VerifiedBundle out_;
  std::unique_ptr<archive, int (*)(archive*)> a_;
  int phase_ = -1;
  std::string last_;
  std::map<std::string, uint64_t> expected_;
  std::set<std::string> seen_objects_;
};

Result<VerifiedBundle> ReadBundle(const std::string& path, const ObjectStore& store) {
  return BundleReading(path, store).Run();
}

}  // namespace snaprun::orchestrator
