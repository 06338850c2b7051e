// Content-addressed object store: SNAPRUN_HOME/objects/sha256/ab/cdef… holds immutable,
// read-only (0444) blobs named by the SHA-256 of their content (snapshots, outputs, logs).
// An object appears only by rename from objects/tmp/ after its data is on disk, so a crash
// leaves at most an orphan temp file, never a half object; reads verify the digest. Two
// writers of one object race harmlessly: the first rename wins, the second drops its copy.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/base/sha256.h"
#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {

// An object written to a temp file, hashed, not yet visible under its digest.
struct PendingObject {
  std::string temp_path;
  std::string digest;
  uint64_t size = 0;
};

class ObjectStore {
 public:
  // Opens (creating) the store under HOME (SNAPRUN_HOME).
  static Result<ObjectStore> Open(const std::string& home);

  const std::string& home() const { return home_; }
  std::string ObjectPath(std::string_view digest) const;
  bool Has(std::string_view digest) const;

  // Streams content into a temp file inside the store while hashing it.
  class Writer {
   public:
    Writer(Writer&&) noexcept = default;
    Writer& operator=(Writer&&) noexcept = default;
    ~Writer();
    Result<void> Append(const void* data, size_t size);
    // Appends SIZE zero bytes as a hole: hashed, never written, so a sparse file stays
    // sparse in the store.
    Result<void> AppendHole(uint64_t size);
    // Finishes the temp file (mode 0444); the object still needs Commit().
    Result<PendingObject> Finish();

   private:
    friend class ObjectStore;
    Writer(UniqueFd fd, std::string temp_path);
    UniqueFd fd_;
    std::string temp_path_;
    std::unique_ptr<Sha256> hash_;
    uint64_t size_ = 0;
  };
  Result<Writer> NewWriter() const;

  // Makes PENDING durable (fsync, or one syncfs for a large batch) and then visible by
  // rename; objects that already exist are dropped.
  Result<void> Commit(const std::vector<PendingObject>& pending) const;
  // Removes a pending object's temp file.
  void Discard(const PendingObject& pending) const;

  // Stores CONTENT; returns its digest.
  Result<std::string> Put(std::string_view content) const;
  // Reads a whole object, verifying its digest (kCorrupt names the object if it differs).
  Result<std::string> Read(std::string_view digest, size_t max_bytes = 64 << 20) const;
  // Re-hashes an object on disk; kCorrupt if its content no longer matches its name.
  Result<void> Verify(std::string_view digest) const;

 private:
  explicit ObjectStore(std::string home) : home_(std::move(home)) {}
  std::string TempDir() const { return home_ + "/objects/tmp"; }
  Result<void> Publish(const PendingObject& object) const;
  Result<UniqueFd> OpenObject(std::string_view digest) const;
  void RemoveStaleTemps() const;
  static constexpr time_t kStaleTempSeconds = 24 * 3600;
  std::string home_;
};

// True for a lowercase 64-hex-digit SHA-256 digest.
bool IsSha256Hex(std::string_view digest);

}  // namespace snaprun::orchestrator
