#include "orchestrator/harvest/export_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "sandbox/base/sha256.h"
#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

struct Copy {
  int from;
  int to;
  const std::string& object_path;
  const std::string& shown;
  Sha256 hash;
  std::vector<char>&
      buf;  // reused across files: a fresh 1 MiB buffer each costs more than a small file
};

Result<void> WriteAll(Copy& c, const char* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n =
        RetryOnEintr([&] { return ::pwrite(c.to, data, size, static_cast<off_t>(offset)); });
    if (n < 0) return Error::FromErrno("write", c.shown);
    data += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Ok();
}

Result<void> CopyData(Copy& c, uint64_t from, uint64_t to) {
  while (from < to) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(c.buf.size(), to - from));
    ssize_t n =
        RetryOnEintr([&] { return ::pread(c.from, c.buf.data(), want, static_cast<off_t>(from)); });
    if (n < 0) return Error::FromErrno("read", c.object_path);
    if (n == 0) break;  // shorter than recorded: the digest check reports it
    c.hash.Update(c.buf.data(), static_cast<size_t>(n));
    SNAPRUN_TRY(WriteAll(c, c.buf.data(), static_cast<size_t>(n), from));
    from += static_cast<uint64_t>(n);
  }
  return Ok();
}

void HashZeros(Copy& c, uint64_t size) {
  static const std::vector<char> zeros(kBufferBytes, '\0');
  for (uint64_t left = size; left > 0;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, zeros.size()));
    c.hash.Update(zeros.data(), n);
    left -= n;
  }
}

// Data extents are copied, holes hashed as zeros and left unwritten.
Result<void> CopyExtents(Copy& c, uint64_t size) {
  for (uint64_t offset = 0; offset < size;) {
    off_t data = ::lseek(c.from, static_cast<off_t>(offset), SEEK_DATA);
    if (data < 0 && errno != ENXIO) return Error::FromErrno("seek", c.object_path);
    uint64_t data_at = data < 0 ? size : std::min<uint64_t>(static_cast<uint64_t>(data), size);
    if (data_at > offset) HashZeros(c, data_at - offset);
    if (data_at >= size) break;
    off_t hole = ::lseek(c.from, data, SEEK_HOLE);
    if (hole < 0) return Error::FromErrno("seek", c.object_path);
    uint64_t end = std::min<uint64_t>(static_cast<uint64_t>(hole), size);
    SNAPRUN_TRY(CopyData(c, data_at, end));
    offset = end;
  }
  return Ok();
}

Result<UniqueFd> OpenObjectFor(const ObjectStore& store, const TreeEntry& entry,
                               const std::string& shown) {
  std::string path = store.ObjectPath(entry.digest);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (fd) return fd;
  if (errno == ENOENT) {
    return Error(ErrorCode::kNotFound,
                 "object sha256:" + entry.digest + " for " + shown + " is missing (" + path + ")");
  }
  return Error::FromErrno("open", path);
}

}  // namespace

Result<void> ExportFile(const ObjectStore& store, const TreeEntry& entry, int parent_fd,
                        const std::string& leaf, const std::string& shown) {
  if (!IsSha256Hex(entry.digest)) {
    return Error(ErrorCode::kCorrupt, shown + ": manifest digest is not sha256: " + entry.digest);
  }
  UniqueFd from = SNAPRUN_TRY(OpenObjectFor(store, entry, shown));
  std::string object_path = store.ObjectPath(entry.digest);
  struct stat st;
  if (::fstat(from.get(), &st) != 0) return Error::FromErrno("stat", object_path);
  UniqueFd to(::openat(parent_fd, leaf.c_str(),
                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!to) return Error::FromErrno("create", shown);
  thread_local std::vector<char> buffer(kBufferBytes);
  Copy copy{from.get(), to.get(), object_path, shown, {}, buffer};
  SNAPRUN_TRY(CopyExtents(copy, static_cast<uint64_t>(st.st_size)));
  std::string actual = copy.hash.HexDigest();
  if (actual != entry.digest || static_cast<uint64_t>(st.st_size) != entry.size) {
    return Error(ErrorCode::kCorrupt, "object sha256:" + entry.digest + " (" + object_path +
                                          ") for " + shown + " is corrupt: its content hashes to " +
                                          actual);
  }
  if (::ftruncate(to.get(), st.st_size) != 0) return Error::FromErrno("truncate", shown);
  if (::fchmod(to.get(), entry.mode & 01777) != 0) return Error::FromErrno("chmod", shown);
  return Ok();
}

}  // namespace snaprun::orchestrator
