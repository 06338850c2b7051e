#include "images/tar_stream.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <memory>

#include "sandbox/base/sha256.h"
#include "sandbox/base/syscall.h"

namespace snaprun::images {
namespace {

constexpr size_t kReadBlock = 1 << 20;

// libarchive pulls raw bytes through this; each byte is hashed exactly once.
struct RawSource {
  int fd;
  Sha256 hash;
  uint64_t bytes = 0;
  std::unique_ptr<char[]> buffer{new char[kReadBlock]};
  int sys_errno = 0;
};

la_ssize_t ReadRaw(archive*, void* opaque, const void** out) {
  auto* source = static_cast<RawSource*>(opaque);
  ssize_t n = RetryOnEintr([&] { return ::read(source->fd, source->buffer.get(), kReadBlock); });
  if (n < 0) {
    source->sys_errno = errno;
    return -1;
  }
  source->hash.Update(source->buffer.get(), static_cast<size_t>(n));
  source->bytes += static_cast<uint64_t>(n);
  *out = source->buffer.get();
  return n;
}

Error ArchiveError(archive* a, const std::string& path, const RawSource& source) {
  if (source.sys_errno != 0) return Error::FromErrno(source.sys_errno, "read", path);
  const char* text = archive_error_string(a);
  return Error(ErrorCode::kInvalidInput, path + ": " + (text ? text : "unreadable archive"));
}

Result<void> CheckRatio(archive* a, const RawSource& source, const ExtractLimits& limits,
                        const std::string& name) {
  int64_t expanded = archive_filter_bytes(a, 0);
  if (expanded < 0 || static_cast<uint64_t>(expanded) <= limits.ratio_grace_bytes) return Ok();
  if (static_cast<uint64_t>(expanded) / std::max<uint64_t>(source.bytes, 1) > limits.max_ratio) {
    return Error(ErrorCode::kLimitExceeded,
                 "refused entry '" + name + "': archive expands more than " +
                     std::to_string(limits.max_ratio) + " times its compressed size (--max-ratio)");
  }
  return Ok();
}

EntryType TypeOf(archive_entry* e) {
  if (archive_entry_hardlink(e) != nullptr) return EntryType::kHardlink;
  switch (archive_entry_filetype(e)) {
    case AE_IFDIR:
      return EntryType::kDirectory;
    case AE_IFLNK:
      return EntryType::kSymlink;
    case AE_IFIFO:
      return EntryType::kFifo;
    case AE_IFCHR:
    case AE_IFBLK:
      return EntryType::kDevice;
    case AE_IFSOCK:
      return EntryType::kSocket;
    default:
      return EntryType::kFile;
  }
}

Result<Entry> ToEntry(archive_entry* e) {
  const char* name = archive_entry_pathname(e);
  if (name == nullptr) return Error(ErrorCode::kInvalidInput, "archive entry without a name");
  Entry entry;
  entry.name = name;
  entry.type = TypeOf(e);
  entry.mode = archive_entry_perm(e) & 07777;
  entry.uid = static_cast<uid_t>(archive_entry_uid(e));
  entry.gid = static_cast<gid_t>(archive_entry_gid(e));
  entry.size = archive_entry_size(e) > 0 ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
  if (entry.type == EntryType::kHardlink) entry.link = archive_entry_hardlink(e);
  if (entry.type == EntryType::kSymlink) {
    const char* target = archive_entry_symlink(e);
    entry.link = target ? target : "";
  }
  return entry;
}

Result<void> DrainRest(RawSource& source, const std::string& path) {
  const void* ignored = nullptr;
  while (true) {
    la_ssize_t n = ReadRaw(nullptr, &source, &ignored);
    if (n < 0) return Error::FromErrno(source.sys_errno, "read", path);
    if (n == 0) return Ok();
  }
}

}  // namespace

Result<StreamResult> ExtractTarStream(int fd, const std::string& path, TreeWriter& writer) {
  RawSource source{fd, {}};
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open(a.get(), &source, nullptr, ReadRaw, nullptr) != ARCHIVE_OK) {
    return ArchiveError(a.get(), path, source);
  }
  archive_entry* header = nullptr;
  while (true) {
    int rc = archive_read_next_header(a.get(), &header);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) return ArchiveError(a.get(), path, source);
    Entry entry = SNAPRUN_TRY(ToEntry(header));
    archive* raw = a.get();
    ChunkReader content = [&](const void** data, size_t* size, int64_t* offset) -> Result<bool> {
      la_int64_t at = 0;
      int r = archive_read_data_block(raw, data, size, &at);
      if (r == ARCHIVE_EOF) return false;
      if (r < ARCHIVE_WARN) return ArchiveError(raw, path, source).Wrap("entry " + entry.name);
      *offset = at;
      SNAPRUN_TRY(CheckRatio(raw, source, writer.limits(), entry.name));
      return true;
    };
    SNAPRUN_TRY_CTX(writer.Add(entry, content), "extracting " + path);
    SNAPRUN_TRY(CheckRatio(a.get(), source, writer.limits(), entry.name));
  }
  SNAPRUN_TRY(DrainRest(source, path));
  return StreamResult{source.hash.HexDigest()};
}

}  // namespace snaprun::images
