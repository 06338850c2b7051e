// Helpers for the image integration tests: run the snaprun CLI against a private
// SNAPRUN_HOME (optionally as the unprivileged test user), run shell snippets, and
// look into the resulting store.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace snaprun::testing {

inline CommandResult Snaprun(const std::string& home, std::vector<std::string> args,
                             const std::optional<TestUser>& user = std::nullopt) {
  std::vector<std::string> argv = {"env", "SNAPRUN_HOME=" + home, BinaryPath("snaprun")};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(user ? AsUser(*user, argv) : argv);
}

inline CommandResult Shell(const std::string& script) { return RunCommand({"bash", "-c", script}); }

// Names in HOME/images other than names.json and .lock: image dirs and leftovers.
inline std::vector<std::string> StoreEntries(const std::string& home) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir((home + "/images").c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != ".." && name != "names.json" && name != ".lock") {
        out.push_back(name);
      }
    }
    ::closedir(d);
  }
  return out;
}

inline std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

inline std::string RootfsOf(const std::string& home, const std::string& digest) {
  return home + "/images/" + digest.substr(7) + "/rootfs";
}

inline bool PathExists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace snaprun::testing
