#include "orchestrator/snapshot/limits.h"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace snaprun::orchestrator {
namespace {

constexpr size_t kLargestShown = 5;

struct Sized {
  std::string path;
  uint64_t bytes;
};

std::vector<Sized> Largest(std::vector<Sized> all) {
  std::sort(all.begin(), all.end(), [](const Sized& a, const Sized& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.path < b.path;
  });
  if (all.size() > kLargestShown) all.resize(kLargestShown);
  return all;
}

// Every directory's recursive size of included files ("" = the root, left out).
std::vector<Sized> DirectorySizes(const std::vector<TreeEntry>& entries) {
  std::map<std::string, uint64_t> sizes;
  for (const TreeEntry& e : entries) {
    if (e.type != EntryType::kFile) continue;
    for (size_t slash = e.path.find('/'); slash != std::string::npos;
         slash = e.path.find('/', slash + 1)) {
      sizes[e.path.substr(0, slash)] += e.size;
    }
  }
  std::vector<Sized> out;
  for (auto& [path, bytes] : sizes) out.push_back({path + "/", bytes});
  return out;
}

std::string Listing(const std::string& title, const std::vector<Sized>& items) {
  std::string out = title + ":\n";
  for (const Sized& item : items) {
    std::string size = FormatMegabytes(item.bytes);
    out += "  " + std::string(size.size() < 10 ? 10 - size.size() : 0, ' ') + size + "  " +
           item.path + "\n";
  }
  return out;
}

std::string Advice(const std::string& dir, const std::vector<Sized>& files,
                   const std::vector<Sized>& dirs) {
  std::string out = "To leave them out of the snapshot, add lines like these to " + dir +
                    "/.amlignore (same syntax as .gitignore):\n";
  for (const auto* list : {&dirs, &files}) {
    for (size_t i = 0; i < list->size() && i < 3; ++i) out += "  /" + (*list)[i].path + "\n";
  }
  out += "Or raise the limit: set SNAPSHOT_MAX_SIZE_BYTES (bytes), or snapshot.max_size / "
         "snapshot.max_files in the run spec (an operator policy may cap both).";
  return out;
}

}  // namespace

Result<SnapshotLimits> ApplyLimitEnvironment(SnapshotLimits limits) {
  const char* value = std::getenv("SNAPSHOT_MAX_SIZE_BYTES");
  if (value == nullptr || *value == '\0') return limits;
  char* end = nullptr;
  errno = 0;
  unsigned long long parsed = std::strtoull(value, &end, 10);
  if (errno != 0 || *end != '\0' || parsed == 0 || value[0] == '-') {
    return Error(ErrorCode::kInvalidInput,
                 std::string("SNAPSHOT_MAX_SIZE_BYTES=") + value + ": not a positive number of bytes");
  }
  limits.max_bytes = parsed;
  return limits;
}

std::string FormatMegabytes(uint64_t bytes) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

Result<void> CheckLimits(const std::string& dir, const std::vector<TreeEntry>& entries,
                         const SnapshotLimits& limits) {
  uint64_t bytes = 0, files = 0;
  std::vector<Sized> file_sizes;
  for (const TreeEntry& e : entries) {
    if (e.type == EntryType::kDirectory) continue;
    ++files;
    bytes += e.size;
    file_sizes.push_back({e.path, e.size});
  }
  std::string headline;
  if (bytes > limits.max_bytes) {
    headline = "Your total snapshot size exceeds the limit of " + FormatMegabytes(limits.max_bytes);
  } else if (files > limits.max_files) {
    headline = "Your total snapshot file count exceeds the limit of " +
               std::to_string(limits.max_files) + " files";
  } else {
    return Ok();
  }
  std::vector<Sized> largest_files = Largest(std::move(file_sizes));
  std::vector<Sized> largest_dirs = Largest(DirectorySizes(entries));
  std::string message = "While attempting to take snapshot of " + dir + "\n" + headline + "\n" +
                        "The snapshot has " + std::to_string(files) + " files, " +
                        FormatMegabytes(bytes) + ".\n" + Listing("Largest files", largest_files);
  if (!largest_dirs.empty()) message += Listing("Largest directories", largest_dirs);
  message += Advice(dir, largest_files, largest_dirs);
  return Error(ErrorCode::kLimitExceeded, message);
}

}  // namespace snaprun::orchestrator
