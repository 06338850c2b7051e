// Glob matching with git's wildmatch semantics, used by the ignore rules. Hand-written:
// fnmatch(3) has no notion of "**" spanning directories, and no C++ library we can take
// from Debian matches git's corner cases (escapes, "[!...]", "[[:class:]]", "/**/").
// Invariant: with kPathname, "*", "?" and "[...]" never match '/'; only a "**" that is a
// whole path component ("**/x", "x/**", "x/**/y", "**") crosses directories.
#pragma once

#include <string_view>

namespace snaprun::orchestrator {

enum class WildFlags { kPlain, kPathname };

bool WildMatch(std::string_view pattern, std::string_view text, WildFlags flags);

}  // namespace snaprun::orchestrator
