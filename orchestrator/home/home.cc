#include "orchestrator/home/home.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

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

Result<std::string> EnsureSnaprunHome() {
  std::string home = SnaprunHomePath();
  std::error_code ec;
  std::filesystem::create_directories(home, ec);
  if (ec) return Error(ErrorCode::kSystem, "create " + home + ": " + ec.message(), ec.value());
  ::chmod(home.c_str(), 0700);
  return home;
}

}  // namespace snaprun::orchestrator
