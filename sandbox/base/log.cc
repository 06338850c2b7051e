#include "sandbox/base/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

namespace snaprun::log {
namespace {

Level LevelFromEnvironment() {
  const char* value = std::getenv("SNAPRUN_LOG");
  if (value == nullptr) return Level::kWarn;
  if (std::strcmp(value, "debug") == 0) return Level::kDebug;
  if (std::strcmp(value, "info") == 0) return Level::kInfo;
  if (std::strcmp(value, "error") == 0) return Level::kError;
  return Level::kWarn;
}

std::atomic<Level>& LevelSlot() {
  static std::atomic<Level> level{LevelFromEnvironment()};
  return level;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warning";
    case Level::kError: return "error";
  }
  return "?";
}

}  // namespace

Level CurrentLevel() { return LevelSlot().load(); }
void SetLevel(Level level) { LevelSlot().store(level); }

void Write(Level level, std::string_view message) {
  if (level < CurrentLevel()) return;
  // One write() per line so concurrent writers do not interleave mid-line.
  std::string line = "snaprun: ";
  line += LevelName(level);
  line += ": ";
  line += message;
  line += '\n';
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace snaprun::log
