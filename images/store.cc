#include "images/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "images/fs.h"
#include "images/host_image.h"
#include "sandbox/base/atomic_file.h"
#include "sandbox/base/scoped.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::images {
namespace {

constexpr size_t kMinPrefix = 4;

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<void> MakeDirectory(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return Error::FromErrno("mkdir", path);
  return Ok();
}

// Serializes writers of names.json, image.json and image directories.
Result<UniqueFd> LockStore(const std::string& root) {
  std::string path = root + "/.lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return Error::FromErrno("open", path);
  if (::flock(fd.get(), LOCK_EX) != 0) return Error::FromErrno("lock", path);
  return fd;
}

// Each import holds a lock on its staging directory for its whole life, so a staging
// directory nobody holds is what a crashed or killed import left behind.
Result<UniqueFd> HoldStaging(const std::string& staging) {
  UniqueFd fd(::open(staging.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return Error::FromErrno("open directory", staging);
  if (::flock(fd.get(), LOCK_EX) != 0) return Error::FromErrno("lock", staging);
  return fd;
}

void SweepAbandonedStaging(const std::string& root) {
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> abandoned;
  while (dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (!name.starts_with(".staging-")) continue;
    UniqueFd fd(::open((root + "/" + name).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) abandoned.push_back(name);
  }
  ::closedir(dir);
  // Best effort: a leftover that cannot be removed now is tried again next import.
  for (const std::string& name : abandoned) (void)RemoveTree(root + "/" + name);
}

}  // namespace

std::string Store::ImageDir(const std::string& digest) const {
  return root_ + "/" + DigestHex(digest);
}

Result<ImageRecord> Store::ReadRecord(const std::string& digest) const {
  std::string path = ImageDir(digest) + "/image.json";
  std::string text = SNAPRUN_TRY(ReadFile(path));
  return RecordFromJson(text, path);
}

Result<ImageRecord> Store::Import(const std::string& source, const std::vector<std::string>& names,
                                  const ImportOptions& options) {
  for (const std::string& name : names) SNAPRUN_TRY(ValidateName(name));
  SNAPRUN_TRY(MakeDirectory(root_, 0755));
  std::string staging = SNAPRUN_TRY(MakeTempDir(root_, ".staging-"));
  Defer cleanup([&] { (void)RemoveTree(staging); });
  UniqueFd staging_lock = SNAPRUN_TRY(HoldStaging(staging));
  SweepAbandonedStaging(root_);
  SNAPRUN_TRY(MakeDirectory(staging + "/rootfs", 0755));
  SNAPRUN_TRY(MakeDirectory(staging + "/scratch", 0755));  // may become the rootfs
  auto is_stored = [this](const std::string& digest) {
    return ::access((ImageDir(digest) + "/image.json").c_str(), F_OK) == 0;
  };
  ImportOutcome outcome = SNAPRUN_TRY_CTX(
      ImportAny(source, staging + "/scratch", staging + "/rootfs", options, is_stored),
      "importing " + source);
  ImageRecord& record = outcome.record;
  record.imported = NowUtc();
  if (record.created.empty()) record.created = record.imported;
  UniqueFd lock = SNAPRUN_TRY(LockStore(root_));
  if (!is_stored(record.digest)) {
    SNAPRUN_TRY(RemoveTree(staging + "/scratch"));
    SNAPRUN_TRY(WriteFileAtomic(staging + "/image.json", RecordToJson(record)));
    if (::chmod(staging.c_str(), 0755) != 0) return Error::FromErrno("chmod", staging);
    // ENOTEMPTY/EEXIST: an importer without the lock (none should exist) got there first.
    if (::rename(staging.c_str(), ImageDir(record.digest).c_str()) != 0 && errno != ENOTEMPTY &&
        errno != EEXIST) {
      return Error::FromErrno("rename", staging);
    }
    SNAPRUN_TRY(SyncDirectory(root_));
  }
  SNAPRUN_TRY(SetNames(record.digest, names));
  return ReadRecord(record.digest);
}

Result<std::vector<ImageRecord>> Store::List() const {
  std::vector<ImageRecord> out;
  DIR* dir = ::opendir(root_.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return out;
    return Error::FromErrno("open directory", root_);
  }
  std::vector<std::string> digests;
  while (dirent* d = ::readdir(dir)) {
    std::string name = d->d_name;
    if (name.size() == 64 && IsHex(name)) digests.push_back("sha256:" + name);
  }
  ::closedir(dir);
  std::sort(digests.begin(), digests.end());
  for (const std::string& digest : digests) out.push_back(SNAPRUN_TRY(ReadRecord(digest)));
  return out;
}

Result<std::string> Store::ResolveDigestPrefix(const std::string& prefix) const {
  std::vector<ImageRecord> images = SNAPRUN_TRY(List());
  std::vector<std::string> matches;
  for (const ImageRecord& image : images) {
    if (DigestHex(image.digest).starts_with(prefix)) matches.push_back(image.digest);
  }
  if (matches.empty()) return Error(ErrorCode::kNotFound, "no image matches '" + prefix + "'");
  if (matches.size() > 1) {
    return Error(ErrorCode::kInvalidInput, "digest prefix '" + prefix + "' is ambiguous (" +
                                               std::to_string(matches.size()) + " images)");
  }
  return matches.front();
}

Result<std::string> Store::ResolveDigest(const std::string& reference) const {
  if (reference == kHostImageName) return HostPackagesDigest();
  size_t at = reference.find('@');
  std::string name = reference.substr(0, at);
  if (at != std::string::npos) {
    std::string pin = reference.substr(at + 1);
    if (DigestHex(pin).empty()) {
      return Error(ErrorCode::kInvalidInput,
                   "'" + reference + "': pin a full sha256:<64 hex> digest");
    }
    std::string actual = SNAPRUN_TRY(ResolveDigest(name.empty() ? pin : name));
    if (actual != pin) {
      return Error(ErrorCode::kInvalidInput,
                   "image '" + name + "' is " + actual + ", not the pinned " + pin);
    }
    return actual;
  }
  NameMap names = SNAPRUN_TRY(LoadNames(root_));
  if (auto it = names.find(name); it != names.end()) return it->second;
  std::string prefix = name.starts_with("sha256:") ? name.substr(7) : name;
  if (prefix.size() >= kMinPrefix && prefix.size() <= 64 && IsHex(prefix)) {
    return ResolveDigestPrefix(prefix);
  }
  return Error(ErrorCode::kNotFound,
               "no image named '" + reference + "' (snaprun image ls lists them)");
}

Result<ImageRecord> Store::Inspect(const std::string& reference) const {
  if (reference == kHostImageName) return HostImageRecord();
  std::string digest = SNAPRUN_TRY(ResolveDigest(reference));
  auto record = ReadRecord(digest);
  if (!record && record.error().sys_errno() == ENOENT) {
    return Error(ErrorCode::kCorrupt,
                 "'" + reference + "' names " + digest + ", which is not in the store");
  }
  return record;
}

Result<void> Store::SyncRecordNames(const std::string& digest, const NameMap& names) {
  auto record = ReadRecord(digest);
  if (!record) return Ok();  // a name that pointed at a removed image
  record->names.clear();
  for (const auto& [name, target] : names) {
    if (target == digest) record->names.push_back(name);
  }
  return WriteFileAtomic(ImageDir(digest) + "/image.json", RecordToJson(*record));
}

// Caller holds the lock.
Result<void> Store::SetNames(const std::string& digest, const std::vector<std::string>& names) {
  NameMap map = SNAPRUN_TRY(LoadNames(root_));
  std::set<std::string> touched{digest};
  for (const std::string& name : names) {
    if (auto it = map.find(name); it != map.end()) touched.insert(it->second);
    map[name] = digest;
  }
  SNAPRUN_TRY(SaveNames(root_, map));
  for (const std::string& d : touched) SNAPRUN_TRY(SyncRecordNames(d, map));
  return Ok();
}

Result<void> Store::Tag(const std::string& reference, const std::string& name) {
  SNAPRUN_TRY(ValidateName(name));
  if (reference == kHostImageName) {
    return Error(ErrorCode::kInvalidInput, "the host image cannot be tagged");
  }
  ImageRecord record = SNAPRUN_TRY(Inspect(reference));
  UniqueFd lock = SNAPRUN_TRY(LockStore(root_));
  return SetNames(record.digest, {name});
}

Result<void> Store::Untag(const std::string& name) {
  UniqueFd lock = SNAPRUN_TRY(LockStore(root_));
  NameMap map = SNAPRUN_TRY(LoadNames(root_));
  auto it = map.find(name);
  if (it == map.end()) return Error(ErrorCode::kNotFound, "no image named '" + name + "'");
  std::string digest = it->second;
  map.erase(it);
  SNAPRUN_TRY(SaveNames(root_, map));
  return SyncRecordNames(digest, map);
}

Result<void> Store::Remove(const std::string& reference) {
  if (reference == kHostImageName) {
    return Error(ErrorCode::kInvalidInput, "the host image is built in and cannot be removed");
  }
  ImageRecord record = SNAPRUN_TRY(Inspect(reference));
  UniqueFd lock = SNAPRUN_TRY(LockStore(root_));
  // Out of sight first (one rename), then unnamed, then deleted at leisure.
  std::string doomed = root_ + "/.removing-" + DigestHex(record.digest);
  if (::rename(ImageDir(record.digest).c_str(), doomed.c_str()) != 0) {
    return Error::FromErrno("rename", ImageDir(record.digest));
  }
  NameMap map = SNAPRUN_TRY(LoadNames(root_));
  std::erase_if(map, [&](const auto& entry) { return entry.second == record.digest; });
  SNAPRUN_TRY(SaveNames(root_, map));
  return RemoveTree(doomed);
}

Result<ResolvedImage> ResolveImage(const std::string& store_root, const std::string& reference) {
  ResolvedImage image;
  if (reference == kHostImageName) {
    image.digest = SNAPRUN_TRY(HostPackagesDigest());
    image.host = true;
    image.host_paths = HostImagePaths();
    return image;
  }
  Store store(store_root);
  ImageRecord record = SNAPRUN_TRY(store.Inspect(reference));
  image.digest = record.digest;
  image.rootfs = store.ImageDir(record.digest) + "/rootfs";
  image.config = record.config;
  return image;
}

}  // namespace snaprun::images
