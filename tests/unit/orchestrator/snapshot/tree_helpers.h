// Helpers shared by the snapshot tests: building small trees with chosen modes and times.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace snaprun::orchestrator::testing_tree {

inline void WriteFile(const std::string& path, const std::string& content, mode_t mode = 0644) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  { std::ofstream(path, std::ios::binary) << content; }
  ::chmod(path.c_str(), mode);
}

// Sets mtime (and atime) to SECONDS since the epoch, without following symlinks.
inline void SetMtime(const std::string& path, time_t seconds) {
  timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

}  // namespace snaprun::orchestrator::testing_tree
