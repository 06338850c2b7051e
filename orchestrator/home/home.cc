#include "orchestrator/home/home.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace snaprun::orchestrator {

std::string SnaprunHomePath() {
  if (const char* home = std::getenv("SNAPRUN_HOME"); home && *home) return home;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/snaprun";
  }
  const char* user_home = std::getenv("HOME");
  std::string base;
  if (user_home && *user_home) {
    base = user_home;
  } else if (passwd* pw = getpwuid(getuid()); pw != nullptr) {
    base = pw->pw_dir;
  }
  return base + "/.local/share/snaprun";
}

Result<void> CheckHomeIsPrivate(const std::string& home) {
  struct stat st{};
  if (::stat(home.c_str(), &st) != 0) return Error::FromErrno("stat", "SNAPRUN_HOME " + home);
  if (!S_ISDIR(st.st_mode)) {
    return Error(ErrorCode::kInvalidInput, "SNAPRUN_HOME " + home + " is not a directory");
  }
  uid_t me = ::geteuid();
  if (st.st_uid != me) {
    return Error(ErrorCode::kInvalidInput,
                 "SNAPRUN_HOME " + home + " is owned by uid " + std::to_string(st.st_uid) +
                     ", not by you (uid " + std::to_string(me) +
                     "): its snapshots, images and history would be another user's to change; "
                     "set SNAPRUN_HOME to a directory of your own");
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error(ErrorCode::kInvalidInput,
                 "SNAPRUN_HOME " + home + " is writable by " +
                     ((st.st_mode & S_IWOTH) ? "every user" : "its group") + " (mode " + mode +
                     "): others could replace what runs trust; chmod go-w " + home);
  }
  return Ok();
}

Result<std::string> EnsureSnaprunHome() {
  std::string home = SnaprunHomePath();
  std::filesystem::path parent = std::filesystem::path(home).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Error(ErrorCode::kSystem, "create " + parent.string() + ": " + ec.message(), ec.value());
  if (::mkdir(home.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error::FromErrno("mkdir", "SNAPRUN_HOME " + home);
  }
  SNAPRUN_TRY(CheckHomeIsPrivate(home));
  return home;
}

}  // namespace snaprun::orchestrator
