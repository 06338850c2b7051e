#include "orchestrator/bundle/image_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "images/store.h"

namespace snaprun::orchestrator {
namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

Error ArchiveError(archive* a, const std::string& what) {
  const char* text = archive_error_string(a);
  return Error(ErrorCode::kSystem, what + ": " + (text ? text : "libarchive error"));
}

// Copies one disk entry's header and content into the tar, named relative to the rootfs.
Result<void> CopyEntry(archive* disk, archive* out, archive_entry* entry, const std::string& rootfs,
                       const images::ImageRecord& record) {
  std::string path = archive_entry_pathname(entry);
  std::string relative = path.size() > rootfs.size() ? path.substr(rootfs.size() + 1) : ".";
  archive_entry_set_pathname(entry, relative.c_str());
  if (auto it = record.setid.find(relative); it != record.setid.end()) {
    archive_entry_set_perm(entry, it->second & 07777);
  }
  // Hard links become plain files: the tree digest treats them so.
  archive_entry_set_hardlink(entry, nullptr);
  if (archive_write_header(out, entry) != ARCHIVE_OK) return ArchiveError(out, "tar " + relative);
  if (archive_entry_filetype(entry) != AE_IFREG) return Ok();
  const void* buffer;
  size_t size;
  la_int64_t offset;
  int status;
  la_int64_t written = 0;
  static const char kZeros[4096] = {};
  // A tar writer takes data in order only: the holes of a sparse file become zeros.
  while ((status = archive_read_data_block(disk, &buffer, &size, &offset)) == ARCHIVE_OK) {
    while (written < offset) {
      size_t gap = static_cast<size_t>(std::min<la_int64_t>(offset - written, sizeof kZeros));
      if (archive_write_data(out, kZeros, gap) < 0) return ArchiveError(out, "tar " + relative);
      written += static_cast<la_int64_t>(gap);
    }
    if (archive_write_data(out, buffer, size) < 0) return ArchiveError(out, "tar " + relative);
    written += static_cast<la_int64_t>(size);
  }
  if (status != ARCHIVE_EOF) return ArchiveError(disk, "read " + path);
  return Ok();
}

}  // namespace

Result<void> WriteImageRootfsTar(const std::string& images_root, const std::string& digest, int fd) {
  images::Store store(images_root);
  images::ImageRecord record = SNAPRUN_TRY(store.Inspect(digest));
  if (record.format != images::ImageFormat::kDirectory && record.format != images::ImageFormat::kTar) {
    return Error(ErrorCode::kUnsupported,
                 "image " + digest + " was imported as " + images::FormatName(record.format) +
                     "; its digest names the image manifest or config, which a bundled rootfs cannot reproduce, so it cannot be bundled "
                     "(export without --with-image and import the image on the other machine)");
  }
  std::string rootfs = store.ImageDir(digest) + "/rootfs";
  ArchivePtr disk(archive_read_disk_new(), archive_read_free);
  ArchivePtr out(archive_write_new(), archive_write_free);
  archive_read_disk_set_symlink_physical(disk.get());
  archive_read_disk_set_behavior(disk.get(), ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
                                                 ARCHIVE_READDISK_NO_FFLAGS);
  archive_write_set_format_pax_restricted(out.get());
  if (archive_write_open_fd(out.get(), fd) != ARCHIVE_OK) return ArchiveError(out.get(), "tar");
  if (archive_read_disk_open(disk.get(), rootfs.c_str()) != ARCHIVE_OK) {
    return ArchiveError(disk.get(), "open " + rootfs);
  }
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                 archive_entry_free);
  int status;
  while ((status = archive_read_next_header2(disk.get(), entry.get())) == ARCHIVE_OK) {
    SNAPRUN_TRY(CopyEntry(disk.get(), out.get(), entry.get(), rootfs, record));
    archive_read_disk_descend(disk.get());
    archive_entry_clear(entry.get());
  }
  if (status != ARCHIVE_EOF) return ArchiveError(disk.get(), "walk " + rootfs);
  if (archive_write_close(out.get()) != ARCHIVE_OK) return ArchiveError(out.get(), "tar");
  return Ok();
}

Result<void> ImportImageRootfsTar(const std::string& images_root, const std::string& tar_path,
                                  const std::string& digest) {
  images::Store store(images_root);
  if (store.Inspect(digest)) return Ok();
  images::ImportOptions options;
  options.format = images::SourceFormat::kTar;
  std::vector<images::ImageRecord> before = SNAPRUN_TRY(store.List());
  images::ImageRecord record = SNAPRUN_TRY(store.Import(tar_path, {}, options));
  if (record.digest != digest) {
    bool existed = std::any_of(before.begin(), before.end(),
                               [&](const images::ImageRecord& i) { return i.digest == record.digest; });
    if (!existed) (void)store.Remove(record.digest);
    return Error(ErrorCode::kCorrupt, "the bundled image is " + record.digest + ", not " + digest);
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
