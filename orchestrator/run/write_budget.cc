#include "orchestrator/run/write_budget.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>

#include "orchestrator/store/fs_at.h"

namespace snaprun::orchestrator {
namespace {

uint64_t Allocated(const struct stat& st) { return static_cast<uint64_t>(st.st_blocks) * 512; }

// Adds what DIR_FD lists to USAGE; pushes its subdirectories (relative to the top) on TODO.
void ListDirectory(int dir_fd, const std::string& rel, TreeUsage& usage,
                   std::vector<std::string>& todo) {
  int listing_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  DIR* dir = listing_fd >= 0 ? ::fdopendir(listing_fd) : nullptr;
  if (dir == nullptr) {
    if (listing_fd >= 0) ::close(listing_fd);
    return;
  }
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st{};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    usage.bytes += Allocated(st);
    ++usage.files;
    if (S_ISDIR(st.st_mode)) todo.push_back(rel.empty() ? name : rel + "/" + name);
  }
  ::closedir(dir);
}

}  // namespace

TreeUsage MeasureTree(const std::string& path) {
  TreeUsage usage;
  UniqueFd top(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st{};
  if (!top || ::fstat(top.get(), &st) != 0) return usage;
  usage.bytes = Allocated(st);
  if (!S_ISDIR(st.st_mode)) return usage;
  // Iterative, by relative path from the top: no recursion and no fd per level, so a
  // tree as deep as the sandbox likes is measured whole.
  std::vector<std::string> todo = {""};
  while (!todo.empty()) {
    std::string rel = std::move(todo.back());
    todo.pop_back();
    if (rel.empty()) {
      ListDirectory(top.get(), rel, usage, todo);
      continue;
    }
    auto dir = OpenBeneath(top.get(), rel, O_RDONLY | O_DIRECTORY, path);
    if (dir) ListDirectory(dir->get(), rel, usage, todo);
  }
  return usage;
}

std::string HumanBytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < sizeof units / sizeof *units) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

BudgetCheck CheckBudgets(const std::vector<WriteBudget>& budgets,
                         const std::string& free_space_path, uint64_t min_free_bytes,
                         uint64_t bytes_before) {
  BudgetCheck check;
  for (const WriteBudget& budget : budgets) {
    TreeUsage total;
    for (const std::string& path : budget.paths) {
      TreeUsage one = MeasureTree(path);
      total.bytes += one.bytes;
      total.files += one.files;
    }
    check.bytes += total.bytes;
    if (check.stop) continue;
    if (total.bytes > budget.max_bytes) {
      check.stop = budget.name + " went over its budget: " + HumanBytes(total.bytes) + " of " +
                   HumanBytes(budget.max_bytes);
    } else if (total.files > budget.max_files) {
      check.stop = budget.name + " went over its budget: " + std::to_string(total.files) +
                   " entries of " + std::to_string(budget.max_files);
    }
  }
  struct statvfs fs{};
  if (!check.stop && check.bytes > bytes_before && ::statvfs(free_space_path.c_str(), &fs) == 0) {
    uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
    if (free_bytes < min_free_bytes) {
      check.stop = "the filesystem of " + free_space_path + " is down to " +
                   HumanBytes(free_bytes) + " free, below the " + HumanBytes(min_free_bytes) +
                   " a run may not take";
    }
  }
  return check;
}

}  // namespace snaprun::orchestrator
