#include "orchestrator/store/object_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "orchestrator/store/fs_at.h"
#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

// Above this many objects one syncfs() is cheaper than an fsync() per file.
constexpr size_t kFsyncEachLimit = 8;

Error CorruptObject(std::string_view digest, const std::string& path, const std::string& actual) {
  return Error(ErrorCode::kCorrupt, "object sha256:" + std::string(digest) + " (" + path +
                                        ") is corrupt: its content hashes to " + actual);
}

Result<void> SyncPath(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return Error::FromErrno("open", path);
  if (::fsync(fd.get()) != 0) return Error::FromErrno("fsync", path);
  return Ok();
}

Result<void> SyncFilesystem(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open", path);
  if (::syncfs(fd.get()) != 0) return Error::FromErrno("syncfs", path);
  return Ok();
}

Result<std::string> HashFd(int fd, const std::string& path, std::string* content,
                           size_t max_bytes) {
  Sha256 hash;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = RetryOnEintr([&] { return ::read(fd, buf.data(), buf.size()); });
    if (n < 0) return Error::FromErrno("read", path);
    if (n == 0) break;
    hash.Update(buf.data(), static_cast<size_t>(n));
    if (content != nullptr) {
      if (content->size() + static_cast<size_t>(n) > max_bytes) {
        return Error(ErrorCode::kLimitExceeded,
                     path + ": larger than " + std::to_string(max_bytes) + " bytes");
      }
      content->append(buf.data(), static_cast<size_t>(n));
    }
  }
  return hash.HexDigest();
}

}  // namespace

bool IsSha256Hex(std::string_view digest) {
  if (digest.size() != 64) return false;
  for (char c : digest) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<ObjectStore> ObjectStore::Open(const std::string& home) {
  SNAPRUN_TRY(MakeDirectories(home + "/objects/sha256", 0755));
  SNAPRUN_TRY(MakeDirectories(home + "/objects/tmp", 0755));
  ObjectStore store(home);
  store.RemoveStaleTemps();
  return store;
}

// Temp files a crash left behind; a live writer's temp is never a day old.
void ObjectStore::RemoveStaleTemps() const {
  DIR* dir = ::opendir(TempDir().c_str());
  if (dir == nullptr) return;
  time_t cutoff = ::time(nullptr) - kStaleTempSeconds;
  while (dirent* d = ::readdir(dir)) {
    struct stat st;
    if (d->d_name[0] == '.' || ::fstatat(::dirfd(dir), d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      continue;
    }
    if (st.st_mtime < cutoff) ::unlinkat(::dirfd(dir), d->d_name, 0);
  }
  ::closedir(dir);
}

std::string ObjectStore::ObjectPath(std::string_view digest) const {
  std::string hex(digest);
  return home_ + "/objects/sha256/" + hex.substr(0, 2) + "/" + hex.substr(2);
}

bool ObjectStore::Has(std::string_view digest) const {
  struct stat st;
  return IsSha256Hex(digest) && ::stat(ObjectPath(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

ObjectStore::Writer::Writer(UniqueFd fd, std::string temp_path)
    : fd_(std::move(fd)), temp_path_(std::move(temp_path)), hash_(std::make_unique<Sha256>()) {}

ObjectStore::Writer::~Writer() {
  if (fd_) ::unlink(temp_path_.c_str());
}

Result<void> ObjectStore::Writer::Append(const void* data, size_t size) {
  hash_->Update(data, size);
  size_ += size;
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = RetryOnEintr([&] { return ::write(fd_.get(), p, size); });
    if (n < 0) return Error::FromErrno("write", temp_path_);
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Ok();
}

Result<void> ObjectStore::Writer::AppendHole(uint64_t size) {
  static const std::vector<char> zeros(1 << 20, '\0');
  for (uint64_t left = size; left > 0;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, zeros.size()));
    hash_->Update(zeros.data(), n);
    left -= n;
  }
  if (::lseek(fd_.get(), static_cast<off_t>(size), SEEK_CUR) < 0) {
    return Error::FromErrno("seek", temp_path_);
  }
  size_ += size;
  return Ok();
}

Result<PendingObject> ObjectStore::Writer::Finish() {
  // A trailing hole has no bytes written: the length comes from here.
  if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0) {
    return Error::FromErrno("truncate", temp_path_);
  }
  if (::fchmod(fd_.get(), 0444) != 0) return Error::FromErrno("chmod", temp_path_);
  fd_.Reset();
  return PendingObject{temp_path_, hash_->HexDigest(), size_};
}

Result<ObjectStore::Writer> ObjectStore::NewWriter() const {
  std::string temp = TempDir() + "/obj-XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return Error::FromErrno("create", temp);
  return Writer(std::move(fd), std::move(temp));
}

Result<void> ObjectStore::Publish(const PendingObject& object) const {
  std::string path = ObjectPath(object.digest);
  std::string fan_out = path.substr(0, path.rfind('/'));
  if (::mkdir(fan_out.c_str(), 0755) != 0 && errno != EEXIST) {
    return Error::FromErrno("mkdir", fan_out);
  }
  // NOREPLACE: an existing object is identical by construction, and keeping it preserves
  // the inode that materialized trees hard-link to.
  if (::renameat2(AT_FDCWD, object.temp_path.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) !=
      0) {
    if (errno != EEXIST) return Error::FromErrno("rename", object.temp_path);
    ::unlink(object.temp_path.c_str());
  }
  return Ok();
}

Result<void> ObjectStore::Commit(const std::vector<PendingObject>& all) const {
  std::vector<PendingObject> pending;
  for (const PendingObject& object : all) {
    if (Has(object.digest)) {
      Discard(object);  // before the sync, so its data need never reach the disk
    } else {
      pending.push_back(object);
    }
  }
  if (pending.empty()) return Ok();
  bool each = pending.size() <= kFsyncEachLimit;
  for (const PendingObject& object : pending) {
    if (each) SNAPRUN_TRY(SyncPath(object.temp_path));
  }
  if (!each) SNAPRUN_TRY(SyncFilesystem(TempDir()));
  for (const PendingObject& object : pending) SNAPRUN_TRY(Publish(object));
  if (!each) return SyncFilesystem(TempDir());
  for (const PendingObject& object : pending) {
    std::string path = ObjectPath(object.digest);
    SNAPRUN_TRY(SyncPath(path.substr(0, path.rfind('/'))));
  }
  return Ok();
}

void ObjectStore::Discard(const PendingObject& pending) const {
  ::unlink(pending.temp_path.c_str());
}

Result<std::string> ObjectStore::Put(std::string_view content) const {
  Writer writer = SNAPRUN_TRY(NewWriter());
  SNAPRUN_TRY(writer.Append(content.data(), content.size()));
  PendingObject object = SNAPRUN_TRY(writer.Finish());
  SNAPRUN_TRY(Commit({object}));
  return object.digest;
}

Result<UniqueFd> ObjectStore::OpenObject(std::string_view digest) const {
  if (!IsSha256Hex(digest)) {
    return Error(ErrorCode::kInvalidInput, "not a sha256 digest: " + std::string(digest));
  }
  std::string path = ObjectPath(digest);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (fd) return fd;
  if (errno == ENOENT) {
    return Error(ErrorCode::kNotFound, "object sha256:" + std::string(digest) + " is missing");
  }
  return Error::FromErrno("open", path);
}

Result<std::string> ObjectStore::Read(std::string_view digest, size_t max_bytes) const {
  UniqueFd fd = SNAPRUN_TRY(OpenObject(digest));
  std::string path = ObjectPath(digest);
  std::string content;
  std::string actual = SNAPRUN_TRY(HashFd(fd.get(), path, &content, max_bytes));
  if (actual != digest) return CorruptObject(digest, path, actual);
  return content;
}

Result<void> ObjectStore::Verify(std::string_view digest) const {
  UniqueFd fd = SNAPRUN_TRY(OpenObject(digest));
  std::string path = ObjectPath(digest);
  std::string actual = SNAPRUN_TRY(HashFd(fd.get(), path, nullptr, 0));
  if (actual != digest) return CorruptObject(digest, path, actual);
  return Ok();
}

}  // namespace snaprun::orchestrator
