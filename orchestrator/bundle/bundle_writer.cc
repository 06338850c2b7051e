#include "orchestrator/bundle/bundle_writer.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>

#include "images/image_record.h"
#include "orchestrator/bundle/bundle_info.h"
#include "orchestrator/bundle/bundle_layout.h"
#include "orchestrator/bundle/image_archive.h"
#include "orchestrator/harvest/harvest.h"
#include "orchestrator/snapshot/snapshot.h"
#include "sandbox/base/atomic_file.h"
#include "sandbox/base/scoped.h"
#include "sandbox/base/sha256.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {
namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;
constexpr size_t kChunk = 1 << 20;

std::string Hex(const std::string& digest) {
  return digest.starts_with("sha256:") ? digest.substr(7) : digest;
}

Error ArchiveError(archive* a, const std::string& what) {
  const char* text = archive_error_string(a);
  return Error(ErrorCode::kSystem, what + ": " + (text ? text : "libarchive error"));
}

// The bundle file being built: unnamed until Publish().
class TempOutput {
 public:
  static Result<TempOutput> Create(const std::string& dest) {
    TempOutput out;
    out.dest_ = dest;
    out.dir_ = std::filesystem::path(dest).parent_path().string();
    if (out.dir_.empty()) out.dir_ = ".";
    out.fd_ = UniqueFd(::open(out.dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644));
    if (!out.fd_) {
      if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
        return Error::FromErrno("create a temporary file in", out.dir_);
      }
      out.named_ = dest + ".tmp-XXXXXX";
      out.fd_ = UniqueFd(::mkostemp(out.named_.data(), O_CLOEXEC));
      if (!out.fd_) return Error::FromErrno("create", out.named_);
    }
    return out;
  }
  TempOutput() = default;
  TempOutput(TempOutput&&) noexcept = default;
  ~TempOutput() {
    if (!named_.empty()) ::unlink(named_.c_str());
  }
  int fd() const { return fd_.get(); }

  Result<void> Publish() {
    if (::fsync(fd_.get()) != 0) return Error::FromErrno("fsync", dest_);
    if (::fchmod(fd_.get(), 0644) != 0) return Error::FromErrno("chmod", dest_);
    if (named_.empty()) {
      // linkat needs a name that does not exist; the rename then replaces DEST atomically.
      named_ = dest_ + ".tmp-" + std::to_string(::getpid());
      std::string proc = "/proc/self/fd/" + std::to_string(fd_.get());
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, named_.c_str(), AT_SYMLINK_FOLLOW) != 0) {
        std::string failed = named_;
        named_.clear();
        return Error::FromErrno("link", failed);
      }
    }
    if (::rename(named_.c_str(), dest_.c_str()) != 0) return Error::FromErrno("rename", named_);
    named_.clear();
    return SyncDirectory(dir_);
  }

 private:
  std::string dest_, dir_, named_;
  UniqueFd fd_;
};

class BundleArchive {
 public:
  BundleArchive() : a_(archive_write_new(), archive_write_free) {}

  Result<void> Open(int fd) {
    archive_write_set_format_pax_restricted(a_.get());
    if (archive_write_add_filter_zstd(a_.get()) != ARCHIVE_OK) {
      return ArchiveError(a_.get(), "zstd compression");
    }
    if (archive_write_open_fd(a_.get(), fd) != ARCHIVE_OK) return ArchiveError(a_.get(), "open");
    return Ok();
  }
  Result<void> Header(const std::string& name, uint64_t size) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(),
                                                               archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
    if (archive_write_header(a_.get(), e.get()) != ARCHIVE_OK) return ArchiveError(a_.get(), name);
    return Ok();
  }
  Result<void> Data(const std::string& name, const void* data, size_t size) {
    if (archive_write_data(a_.get(), data, size) != static_cast<la_ssize_t>(size)) {
      return ArchiveError(a_.get(), name);
    }
    return Ok();
  }
  Result<void> Text(const std::string& name, const std::string& text) {
    SNAPRUN_TRY(Header(name, text.size()));
    return Data(name, text.data(), text.size());
  }
  // Copies SIZE bytes from FD (read from its start); returns their SHA-256.
  Result<std::string> File(const std::string& name, int fd, uint64_t size, const std::string& path) {
    SNAPRUN_TRY(Header(name, size));
    Sha256 hash;
    std::unique_ptr<char[]> buffer(new char[kChunk]);
    uint64_t done = 0;
    while (done < size) {
      ssize_t got = ::pread(fd, buffer.get(), kChunk, static_cast<off_t>(done));
      if (got < 0) return Error::FromErrno("read", path);
      if (got == 0) return Error(ErrorCode::kCorrupt, path + ": shorter than recorded");
      size_t n = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(got), size - done));
      hash.Update(buffer.get(), n);
      SNAPRUN_TRY(Data(name, buffer.get(), n));
      done += n;
    }
    return hash.HexDigest();
  }
  Result<void> Close() {
    if (archive_write_close(a_.get()) != ARCHIVE_OK) return ArchiveError(a_.get(), "finish");
    return Ok();
  }

 private:
  ArchivePtr a_;
};

Result<std::string> SpecImage(const RunRecord& run) {
  try {
    auto spec = Poco::JSON::Parser().parse(run.spec_json).extract<Poco::JSON::Object::Ptr>();
    return spec->optValue<std::string>("image", "host");
  } catch (const Poco::Exception& e) {
    return Error(ErrorCode::kCorrupt, "run " + run.id + ": recorded spec: " + e.displayText());
  }
}

Result<void> CheckExportable(const RunRecord& run) {
  if (!IsTerminal(run.state)) {
    return Error(ErrorCode::kInvalidInput, "run " + run.id + " is still " +
                                               RunStateName(run.state) + "; export it once it ended");
  }
  if (run.snapshot_digest.empty()) {
    return Error(ErrorCode::kInvalidInput,
                 "run " + run.id + " has no snapshot (it " + RunStateName(run.state) +
                     " before its snapshot was taken); there is nothing to export");
  }
  return Ok();
}

Result<BundleInfo> DescribeRun(const RunRecord& run, bool with_image) {
  BundleInfo info;
  info.created = images::NowUtc();
  info.run = run;
  info.run.supervisor_pid.reset();
  info.run.supervisor_start_time.reset();
  info.image.reference = SNAPRUN_TRY(SpecImage(run));
  info.image.digest = run.image_digest;
  info.image.host = info.image.reference == "host";
  if (with_image && info.image.host) {
    return Error(ErrorCode::kUnsupported,
                 "run " + run.id + " ran on the host image (this machine's own /usr, /etc, …), "
                 "which cannot be put in a bundle; export without --with-image (the other "
                 "machine runs it on its own host image)");
  }
  if (with_image && run.image_digest.empty()) {
    return Error(ErrorCode::kInvalidInput, "run " + run.id + " has no recorded image digest");
  }
  info.image.included = with_image;
  return info;
}

// Every object the manifests name, with its size.
void AddObjects(const Manifest& manifest, std::map<std::string, uint64_t>& objects) {
  for (const TreeEntry& entry : manifest.entries) {
    if (entry.type == EntryType::kFile) objects[entry.digest] = entry.size;
  }
}

Result<void> WriteObject(BundleArchive& out, const ObjectStore& store, const std::string& digest,
                         uint64_t size) {
  std::string path = store.ObjectPath(digest);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return Error::FromErrno("open object", path);
  std::string actual = SNAPRUN_TRY(out.File(kObjectPrefix + digest, fd.get(), size, path));
  if (actual != digest) {
    return Error(ErrorCode::kCorrupt, "object " + digest + " in the store hashes to " + actual);
  }
  return Ok();
}

Result<void> WriteImage(BundleArchive& out, const std::string& home, const std::string& dir,
                        const std::string& digest) {
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  std::string named;
  if (!fd) {
    named = dir + "/.snaprun-image-XXXXXX";
    fd = UniqueFd(::mkostemp(named.data(), O_CLOEXEC));
    if (!fd) return Error::FromErrno("create", named);
  }
  Defer unlink_named([&] {
    if (!named.empty()) ::unlink(named.c_str());
  });
  SNAPRUN_TRY_CTX(WriteImageRootfsTar(home + "/images", digest, fd.get()),
                  "packing image " + digest);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return Error::FromErrno("stat", "image tar");
  SNAPRUN_TRY(out.File(kImageRootfsEntry, fd.get(), static_cast<uint64_t>(st.st_size), "image tar"));
  return Ok();
}

}  // namespace

Result<BundleWritten> WriteBundle(const std::string& home, const RunRecord& run,
                                  const std::string& dest, const BundleWriteOptions& options) {
  SNAPRUN_TRY(CheckExportable(run));
  BundleInfo info = SNAPRUN_TRY(DescribeRun(run, options.with_image));
  ObjectStore store = SNAPRUN_TRY(ObjectStore::Open(home));
  std::string snapshot_hex = Hex(run.snapshot_digest);
  Manifest snapshot = SNAPRUN_TRY(LoadManifest(store, snapshot_hex));
  std::string snapshot_text = SNAPRUN_TRY(ReadFile(ManifestPath(store, snapshot_hex), kMaxManifestBytes));
  std::map<std::string, uint64_t> objects;
  AddObjects(snapshot, objects);
  std::string outputs_text;
  if (!run.outputs_digest.empty()) {
    Manifest outputs = SNAPRUN_TRY(LoadOutputsManifest(store, run.outputs_digest));
    outputs_text = SNAPRUN_TRY(ReadFile(OutputsManifestPath(store, run.outputs_digest), kMaxManifestBytes));
    AddObjects(outputs, objects);
  }
  TempOutput file = SNAPRUN_TRY(TempOutput::Create(dest));
  BundleArchive out;
  SNAPRUN_TRY(out.Open(file.fd()));
  SNAPRUN_TRY(out.Text(kInfoEntry, BundleInfoToJson(info)));
  SNAPRUN_TRY(out.Text(kSnapshotEntry, snapshot_text));
  if (!outputs_text.empty()) SNAPRUN_TRY(out.Text(kOutputsEntry, outputs_text));
  for (const auto& [digest, size] : objects) SNAPRUN_TRY(WriteObject(out, store, digest, size));
  if (info.image.included) {
    std::string dir = std::filesystem::path(dest).parent_path().string();
    SNAPRUN_TRY(WriteImage(out, home, dir.empty() ? "." : dir, run.image_digest));
  }
  SNAPRUN_TRY(out.Close());
  SNAPRUN_TRY(file.Publish());
  struct stat st {};
  (void)::stat(dest.c_str(), &st);
  return BundleWritten{objects.size(), static_cast<uint64_t>(st.st_size), info.image.included};
}

}  // namespace snaprun::orchestrator
