#include "orchestrator/snapshot/file_hasher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "orchestrator/store/fs_at.h"
#include "sandbox/base/syscall.h"

namespace snaprun::orchestrator {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

int64_t Nanos(const timespec& ts) { return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec; }

bool SameVersion(const struct stat& a, const struct stat& b) {
  return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size &&
         Nanos(a.st_mtim) == Nanos(b.st_mtim) && Nanos(a.st_ctim) == Nanos(b.st_ctim);
}

void AdoptStat(TreeEntry& entry, const struct stat& st) {
  entry.dev = st.st_dev;
  entry.ino = st.st_ino;
  entry.size = static_cast<uint64_t>(st.st_size);
  entry.mtime_ns = Nanos(st.st_mtim);
  entry.ctime_ns = Nanos(st.st_ctim);
  entry.mode = st.st_mode & 07777;
}

struct Shared {
  const std::string& shown;
  const ObjectStore& store;
  const StatCache& cache;
  int root_fd;
  std::vector<TreeEntry*> files;
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> bytes_done{0};
  std::atomic<uint64_t> files_done{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::condition_variable done_cv;
  unsigned running = 0;
  std::optional<Error> error;
  HashOutcome outcome;
  AdmitFile admit;
};

// Copies [FROM, TO) of FD into WRITER with read(); returns the bytes read.
Result<uint64_t> CopyRange(int fd, uint64_t from, uint64_t to, ObjectStore::Writer& writer,
                           const std::string& shown, Shared& shared, std::vector<char>& buf) {
  uint64_t done = 0;
  while (from + done < to) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), to - from - done));
    ssize_t n = RetryOnEintr(
        [&] { return ::pread(fd, buf.data(), want, static_cast<off_t>(from + done)); });
    if (n < 0) return Error::FromErrno("read", shown);
    if (n == 0) break;  // shrank: the caller's size check notices
    SNAPRUN_TRY(writer.Append(buf.data(), static_cast<size_t>(n)));
    done += static_cast<uint64_t>(n);
    shared.bytes_done += static_cast<uint64_t>(n);
  }
  return done;
}

// A sparse file extent by extent: the holes are hashed as zeros but never read.
Result<uint64_t> CopySparse(int fd, uint64_t size, ObjectStore::Writer& writer,
                            const std::string& shown, Shared& shared, std::vector<char>& buf) {
  uint64_t offset = 0, copied = 0;
  while (offset < size) {
    off_t data = ::lseek(fd, static_cast<off_t>(offset), SEEK_DATA);
    if (data < 0 && errno != ENXIO) return Error::FromErrno("seek", shown);
    uint64_t data_at = data < 0 ? size : std::min<uint64_t>(static_cast<uint64_t>(data), size);
    SNAPRUN_TRY(writer.AppendHole(data_at - offset));
    shared.bytes_done += data_at - offset;
    copied += data_at - offset;
    if (data_at >= size) break;
    off_t hole = ::lseek(fd, data, SEEK_HOLE);
    if (hole < 0) return Error::FromErrno("seek", shown);
    uint64_t end = std::min<uint64_t>(static_cast<uint64_t>(hole), size);
    copied += SNAPRUN_TRY(CopyRange(fd, data_at, end, writer, shown, shared, buf));
    offset = end;
  }
  return copied;
}

bool IsSparse(const struct stat& st) {
  return st.st_size > 0 &&
         static_cast<uint64_t>(st.st_blocks) * 512 < static_cast<uint64_t>(st.st_size);
}

// One attempt: nullopt when the file changed while being read.
Result<std::optional<PendingObject>> CopyIntoStore(int fd, const struct stat& before,
                                                   const std::string& shown, Shared& shared,
                                                   std::vector<char>& buf, bool& changed) {
  ObjectStore::Writer writer = SNAPRUN_TRY(shared.store.NewWriter());
  uint64_t size = static_cast<uint64_t>(before.st_size);
  uint64_t read_bytes = IsSparse(before)
                            ? SNAPRUN_TRY(CopySparse(fd, size, writer, shown, shared, buf))
                            : SNAPRUN_TRY(CopyRange(fd, 0, UINT64_MAX, writer, shown, shared, buf));
  struct stat after;
  if (::fstat(fd, &after) != 0) return Error::FromErrno("stat", shown);
  changed = !SameVersion(before, after) || read_bytes != size;
  if (changed) return std::optional<PendingObject>();
  return std::optional<PendingObject>(SNAPRUN_TRY(writer.Finish()));
}

Result<void> HashOne(TreeEntry& entry, Shared& shared, std::vector<char>& buf) {
  std::string shown = shared.shown + "/" + entry.path;
  for (int attempt = 0; attempt < HashOptions::kAttempts; ++attempt) {
    // O_NONBLOCK: a fifo swapped in since the walk must not block the open.
    UniqueFd fd =
        SNAPRUN_TRY(OpenBeneath(shared.root_fd, entry.path, O_RDONLY | O_NONBLOCK, shared.shown));
    struct stat before;
    if (::fstat(fd.get(), &before) != 0) return Error::FromErrno("stat", shown);
    if (!S_ISREG(before.st_mode)) {
      return Error(ErrorCode::kInvalidInput,
                   shown + " stopped being a regular file during the snapshot");
    }
    if (std::string why = shared.admit ? shared.admit(entry.path, before) : ""; !why.empty()) {
      return Error(ErrorCode::kInvalidInput, shown + " was replaced while it was read: " + why);
    }
    AdoptStat(entry, before);
    if (auto digest = shared.cache.Lookup(entry); digest && shared.store.Has(*digest)) {
      entry.digest = *digest;
      shared.bytes_done += entry.size;
      std::lock_guard lock(shared.mutex);
      ++shared.outcome.cached_files;
      return Ok();
    }
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    bool changed = false;
    auto object = SNAPRUN_TRY_CTX(CopyIntoStore(fd.get(), before, shown, shared, buf, changed),
                                  "while storing " + shown);
    if (changed) continue;
    entry.digest = object->digest;
    // Already stored (a fresh clone of a known tree): drop the copy before it is flushed.
    bool known = shared.store.Has(object->digest);
    if (known) shared.store.Discard(*object);
    std::lock_guard lock(shared.mutex);
    shared.outcome.hashed_bytes += object->size;
    if (!known) shared.outcome.pending.push_back(std::move(*object));
    return Ok();
  }
  return Error(ErrorCode::kInvalidInput,
               shown + " changed while it was being read (" +
                   std::to_string(HashOptions::kAttempts) +
                   " attempts); stop writing to it or add it to .amlignore");
}

void Work(Shared& shared) {
  std::vector<char> buf(kBufferBytes);
  while (!shared.failed) {
    size_t i = shared.next++;
    if (i >= shared.files.size()) break;
    Result<void> result = HashOne(*shared.files[i], shared, buf);
    ++shared.files_done;
    if (!result) {
      std::lock_guard lock(shared.mutex);
      if (!shared.error) shared.error = std::move(result).error();
      shared.failed = true;
    }
  }
  std::lock_guard lock(shared.mutex);
  --shared.running;
  shared.done_cv.notify_all();
}

unsigned ThreadCount(const HashOptions& options, size_t files) {
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, std::min(threads, HashOptions::kMaxThreads));
  return static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(files, 1)));
}

}  // namespace

Result<HashOutcome> HashFiles(int root_fd, const std::string& shown,
                              std::vector<TreeEntry>& entries, const ObjectStore& store,
                              const StatCache& cache, const HashOptions& options) {
  Shared shared{shown, store, cache, root_fd, {}, {}, {}, {}, {}, {}, {}, 0, {}, {}, options.admit};
  HashProgress progress;
  for (TreeEntry& e : entries) {
    if (e.type != EntryType::kFile) continue;
    shared.files.push_back(&e);
    progress.bytes_total += e.size;
  }
  progress.files_total = shared.files.size();
  unsigned count = ThreadCount(options, shared.files.size());
  shared.running = count;
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < count; ++i) threads.emplace_back(Work, std::ref(shared));
  for (bool running = true; running;) {
    {
      std::unique_lock lock(shared.mutex);
      running = !shared.done_cv.wait_for(lock, std::chrono::milliseconds(100),
                                         [&] { return shared.running == 0; });
    }
    if (!options.progress) continue;  // called unlocked: a slow terminal never stalls workers
    progress.bytes_done = shared.bytes_done;
    progress.files_done = shared.files_done;
    options.progress(progress);
  }
  for (std::thread& t : threads) t.join();
  if (shared.error) {
    for (const PendingObject& object : shared.outcome.pending) store.Discard(object);
    return std::move(*shared.error);
  }
  return std::move(shared.outcome);
}

}  // namespace snaprun::orchestrator
