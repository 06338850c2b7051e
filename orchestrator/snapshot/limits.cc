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

// Every directory's recursive total of included files, in bytes or (BY_COUNT) in files.
std::vector<Sized> DirectoryTotals(const std::vector<TreeEntry>& entries, bool by_count) {
  std::map<std::string, uint64_t> sizes;
  for (const TreeEntry& e : entries) {
    if (e.type == EntryType::kDirectory) continue;
    for (size_t slash = e.path.find('/'); slash != std::string::npos;
         slash = e.path.find('/', slash + 1)) {
      sizes[e.path.substr(0, slash)] += by_count ? 1 : e.size;
    }
  }
  std::vector<Sized> out;
  for (auto& [path, bytes] : sizes) out.push_back({path + "/", bytes});
  return out;
}

std::string Listing(const std::string& title, const std::vector<Sized>& items,
                    bool by_count = false) {
  std::string out = title + ":\n";
  for (const Sized& item : items) {
    std::string size = by_count ? std::to_string(item.bytes) + " files" : FormatApproximateSize(item.bytes);
    out += "  " + std::string(size.size() < 10 ? 10 - size.size() : 0, ' ') + size + "  " +
           item.path + "\n";
  }
  return out;
}

std::string Advice(const std::string& dir, const std::vector<Sized>& files,
                   const std::vector<Sized>& dirs, bool size_limit) {
  std::string out = "To leave them out of the snapshot, add lines like these to " + dir +
                    "/.amlignore (same syntax as .gitignore):\n";
  std::vector<std::string> lines;
  for (size_t i = 0; i < dirs.size() && i < 2; ++i) {
    if (dirs[i].bytes > 0) lines.push_back(dirs[i].path);
  }
  for (const Sized& file : files) {
    bool covered = false;
    for (const std::string& dir_line : lines) covered |= file.path.rfind(dir_line, 0) == 0;
    if (!covered && file.bytes > 0 && lines.size() < 4) lines.push_back(file.path);
  }
  for (const std::string& line : lines) out += "  /" + line + "\n";
  out += size_limit
             ? "Or raise the limit: set SNAPSHOT_MAX_SIZE_BYTES (bytes), or snapshot.max_size "
               "in the run spec (an operator policy may cap it)."
             : "Or raise the limit: snapshot.max_files in the run spec (an operator "
               "policy may cap it).";
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
    return Error(ErrorCode::kInvalidInput, std::string("SNAPSHOT_MAX_SIZE_BYTES=") + value +
                                               ": not a positive number of bytes");
  }
  limits.max_bytes = parsed;
  return limits;
}

std::string FormatMegabytes(uint64_t bytes) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::string FormatApproximateSize(uint64_t bytes) {
  static const char* kUnits[] = {"KB", "MB", "GB", "TB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes) / 1024.0;
  int unit = 0;
  while (value >= 1024.0 && unit < 3) {
    value /= 1024.0;
    ++unit;
  }
  char buf[64];
  snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
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
  bool size_limit = bytes > limits.max_bytes;
  if (size_limit) {
    headline = "Your total snapshot size exceeds the limit of " + FormatMegabytes(limits.max_bytes);
  } else if (files > limits.max_files) {
    headline = "Your total snapshot file count exceeds the limit of " +
               std::to_string(limits.max_files) + " files";
  } else {
    return Ok();
  }
  std::vector<Sized> largest_files = Largest(std::move(file_sizes));
  std::vector<Sized> largest_dirs = Largest(DirectoryTotals(entries, !size_limit));
  std::string message = "While attempting to take snapshot of " + dir + "\n" + headline + "\n" +
                        "The snapshot has " + std::to_string(files) + " files, " +
                        FormatMegabytes(bytes) + ".\n" + Listing("Largest files", largest_files);
  if (!largest_dirs.empty()) {
    message += size_limit ? Listing("Largest directories", largest_dirs)
                          : Listing("Directories with the most files", largest_dirs, true);
  }
  message += Advice(dir, largest_files, largest_dirs, size_limit);
  return Error(ErrorCode::kLimitExceeded, message);
}

}  // namespace snaprun::orchestrator
