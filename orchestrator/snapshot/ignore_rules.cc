#include "orchestrator/snapshot/ignore_rules.h"

#include "orchestrator/snapshot/wildmatch.h"

namespace snaprun::orchestrator {
namespace {

// Drops trailing spaces unless the last one is escaped with a backslash (gitignore(5)).
void TrimTrailingSpaces(std::string& line) {
  size_t keep = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == ' ') continue;
    if (line[i] == '\\') {
      if (++i == line.size()) return;  // a lone trailing backslash: git leaves the line
    }
    keep = i + 1;
  }
  line.resize(keep);
}

bool ParsePattern(std::string line, int number, IgnorePattern& out) {
  if (line.empty() || line[0] == '#') return false;
  TrimTrailingSpaces(line);
  if (line.empty()) return false;
  out = IgnorePattern{};
  out.line = number;
  if (line[0] == '!') {
    out.negated = true;
    line.erase(0, 1);
  }
  if (!line.empty() && line.back() == '/') {
    out.dir_only = true;
    line.pop_back();
  }
  out.anchored = line.find('/') != std::string::npos;
  if (!line.empty() && line[0] == '/') line.erase(0, 1);
  out.glob = std::move(line);
  return !out.glob.empty();
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

IgnoreFile ParseIgnoreFile(std::string dir, std::string source, std::string_view text) {
  IgnoreFile file{std::move(dir), std::move(source), {}};
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  int number = 0;
  while (!text.empty()) {
    ++number;
    size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (end != std::string_view::npos && !raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    IgnorePattern pattern;
    if (ParsePattern(std::string(raw), number, pattern)) file.patterns.push_back(pattern);
  }
  return file;
}

bool PatternMatches(const IgnorePattern& pattern, std::string_view dir, std::string_view path,
                    bool is_dir) {
  if (pattern.dir_only && !is_dir) return false;
  if (!pattern.anchored) return WildMatch(pattern.glob, BaseName(path), WildFlags::kPlain);
  std::string_view relative = path;
  if (!dir.empty()) {
    if (path.size() <= dir.size() || path.substr(0, dir.size()) != dir || path[dir.size()] != '/') {
      return false;
    }
    relative = path.substr(dir.size() + 1);
  }
  return WildMatch(pattern.glob, relative, WildFlags::kPathname);
}

IgnoreDecision IgnoreStack::Decide(std::string_view path, bool is_dir) const {
  for (size_t f = files_.size(); f-- > 0;) {
    const IgnoreFile& file = files_[f];
    for (size_t p = file.patterns.size(); p-- > 0;) {
      const IgnorePattern& pattern = file.patterns[p];
      if (PatternMatches(pattern, file.dir, path, is_dir)) {
        return {!pattern.negated, static_cast<int>(f), pattern.line};
      }
    }
  }
  return {};
}

}  // namespace snaprun::orchestrator
