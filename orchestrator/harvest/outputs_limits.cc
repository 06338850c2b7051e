#include "orchestrator/harvest/outputs_limits.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace snaprun::orchestrator {
namespace {

constexpr size_t kShown = 5;

std::string LargestFiles(const std::vector<TreeEntry>& entries) {
  std::vector<const TreeEntry*> files;
  for (const TreeEntry& e : entries) {
    if (e.type == EntryType::kFile) files.push_back(&e);
  }
  size_t n = std::min(kShown, files.size());
  std::partial_sort(files.begin(), files.begin() + static_cast<long>(n), files.end(),
                    [](const TreeEntry* a, const TreeEntry* b) { return a->size > b->size; });
  std::string out = "; largest files:";
  for (size_t i = 0; i < n; ++i) {
    out += " " + files[i]->path + " (" + FormatBinarySize(files[i]->size) + ")";
    if (i + 1 < n) out += ",";
  }
  return out;
}

std::string FullestDirectories(const std::vector<TreeEntry>& entries) {
  std::map<std::string, uint64_t> counts;
  for (const TreeEntry& e : entries) {
    if (e.type == EntryType::kDirectory) continue;
    size_t slash = e.path.rfind('/');
    ++counts[slash == std::string::npos ? "." : e.path.substr(0, slash)];
  }
  std::vector<std::pair<std::string, uint64_t>> dirs(counts.begin(), counts.end());
  size_t n = std::min(kShown, dirs.size());
  std::partial_sort(dirs.begin(), dirs.begin() + static_cast<long>(n), dirs.end(),
                    [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = "; most files in:";
  for (size_t i = 0; i < n; ++i) {
    out += " " + dirs[i].first + " (" + std::to_string(dirs[i].second) + ")";
    if (i + 1 < n) out += ",";
  }
  return out;
}

}  // namespace

std::string FormatBinarySize(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0)
    snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else
    snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  return buf;
}

Result<void> CheckOutputLimits(const std::string& dir, const std::vector<TreeEntry>& entries,
                               const HarvestLimits& limits) {
  uint64_t files = 0, bytes = 0;
  for (const TreeEntry& e : entries) {
    if (e.type != EntryType::kDirectory) ++files;
    if (e.type == EntryType::kFile) bytes += e.size;
  }
  if (files > limits.max_files) {
    return Error(ErrorCode::kLimitExceeded,
                 "outputs exceed the limit of " + std::to_string(limits.max_files) + " files: " +
                     dir + " holds " + std::to_string(files) + FullestDirectories(entries));
  }
  if (bytes > limits.max_bytes) {
    return Error(ErrorCode::kLimitExceeded,
                 "outputs exceed the limit of " + FormatBinarySize(limits.max_bytes) + ": " + dir +
                     " holds " + FormatBinarySize(bytes) + LargestFiles(entries));
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
