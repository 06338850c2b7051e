// Ignore rules of .amlignore/.gitignore files with git's semantics (gitignore(5)): a file
// in directory D applies to paths beneath D; within one file the last matching pattern
// wins, and a deeper file wins over a shallower one. A directory that is excluded is never
// entered, so nothing inside it can be re-included: the walker, not this file, enforces
// that by not descending. Where .amlignore exists in a directory it replaces .gitignore.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace snaprun::orchestrator {

struct IgnorePattern {
  std::string glob;       // escapes kept for WildMatch; no '!', leading '/' or trailing '/'
  bool negated = false;   // "!pattern": re-include
  bool dir_only = false;  // "pattern/": matches directories only
  bool anchored = false;  // had a '/' at the start or middle: matched against the path
                          // relative to the file's directory, not the basename
  int line = 0;
};

struct IgnoreFile {
  std::string dir;     // directory holding the file, relative to the root ("" = root)
  std::string source;  // the file's path relative to the root, e.g. "src/.gitignore"
  std::vector<IgnorePattern> patterns;
};

// Parses one ignore file's text as git does: '#' comments, blank lines, unescaped trailing
// spaces dropped, "\r\n" endings and a UTF-8 byte-order mark accepted.
IgnoreFile ParseIgnoreFile(std::string dir, std::string source, std::string_view text);

// True when PATTERN (from a file in directory DIR) matches PATH, a root-relative path.
bool PatternMatches(const IgnorePattern& pattern, std::string_view dir, std::string_view path,
                    bool is_dir);

struct IgnoreDecision {
  bool excluded = false;
  int file = -1;  // index into IgnoreStack::files() of the deciding file, -1 if none
  int line = 0;
};

// The ignore files in effect at the current point of a depth-first walk.
class IgnoreStack {
 public:
  void Push(IgnoreFile file) { files_.push_back(std::move(file)); }
  void Pop() { files_.pop_back(); }
  const std::vector<IgnoreFile>& files() const { return files_; }
  IgnoreDecision Decide(std::string_view path, bool is_dir) const;

 private:
  std::vector<IgnoreFile> files_;
};

}  // namespace snaprun::orchestrator
