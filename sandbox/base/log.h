// Minimal leveled logging to stderr for the parent side (never after clone()).
// Level comes from SNAPRUN_LOG=debug|info|warn|error (default warn).
#pragma once

#include <string_view>

namespace snaprun::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

Level CurrentLevel();
void SetLevel(Level level);
void Write(Level level, std::string_view message);

inline void Debug(std::string_view m) { Write(Level::kDebug, m); }
inline void Info(std::string_view m) { Write(Level::kInfo, m); }
inline void Warn(std::string_view m) { Write(Level::kWarn, m); }
inline void Error(std::string_view m) { Write(Level::kError, m); }

}  // namespace snaprun::log
