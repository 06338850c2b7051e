// Text rendering: one summary line, then per difference a status letter and path (A added,
// D removed, M modified, T type changed) with what changed, then the content detail indented
// like `diff -u` output. Colour follows git's choices: red removals, green additions.
// Paths, targets and contents come from run outputs, which are hostile: their control
// characters are shown escaped (\x1b) so a file cannot drive the terminal.
#include <cstdio>
#include <string>
#include <string_view>

#include "orchestrator/compare/compare_render.h"

namespace snaprun::orchestrator {
namespace {

const char* TypeName(EntryType type) {
  switch (type) {
    case EntryType::kFile:
      return "file";
    case EntryType::kDirectory:
      return "directory";
    case EntryType::kSymlink:
      return "symlink";
  }
  return "?";
}

std::string Octal(uint32_t mode) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

char StatusLetter(const FileDifference& d) {
  if (d.kinds.front() == ChangeKind::kAdded) return 'A';
  if (d.kinds.front() == ChangeKind::kRemoved) return 'D';
  if (d.kinds.front() == ChangeKind::kType) return 'T';
  return 'M';
}

std::string Summary(const FileDifference& d) {
  std::string parts;
  auto add = [&](const std::string& part) { parts += (parts.empty() ? "" : "; ") + part; };
  for (ChangeKind kind : d.kinds) {
    if (kind == ChangeKind::kType)
      add(std::string(TypeName(d.a->type)) + " -> " + TypeName(d.b->type));
    if (kind == ChangeKind::kMode) add("mode " + Octal(d.a->mode) + " -> " + Octal(d.b->mode));
    if (kind == ChangeKind::kSymlinkTarget)
      add("target " + Printable(d.a->target) + " -> " + Printable(d.b->target));
    if (kind == ChangeKind::kContent) {
      std::string what = "content";
      if (d.content) what += std::string(" (") + ContentFormatName(d.content->format) + ")";
      add(what);
    }
  }
  return parts;
}

void RenderHunks(const ContentDifference& c, const Palette& p, std::string* out) {
  for (const DiffHunk& hunk : c.hunks) {
    auto range = [](uint64_t start, uint64_t count) {
      return std::to_string(start) + (count == 1 ? "" : "," + std::to_string(count));
    };
    *out += std::string("    ") + p.cyan + "@@ -" + range(hunk.a_start, hunk.a_count) + " +" +
            range(hunk.b_start, hunk.b_count) + " @@" + p.reset + "\n";
    for (const std::string& line : hunk.lines) {
      const char* colour = line[0] == '-' ? p.red : line[0] == '+' ? p.green : "";
      *out += std::string("    ") + colour + Printable(line) + (*colour ? p.reset : "") + "\n";
    }
  }
}

void RenderChanges(const ContentDifference& c, const Palette& p, std::string* out) {
  for (const StructuralChange& change : c.changes) {
    std::string location = change.location.empty() ? "(root)" : Printable(change.location);
    std::string a = Printable(change.a.value_or("")), b = Printable(change.b.value_or(""));
    if (!change.a) {
      *out += "    " + location + ": " + p.green + "added " + b + p.reset + "\n";
    } else if (!change.b) {
      *out += "    " + location + ": " + p.red + "removed " + a + p.reset + "\n";
    } else {
      *out +=
          "    " + location + ": " + p.red + a + p.reset + " -> " + p.green + b + p.reset + "\n";
    }
  }
}

void RenderContent(const FileDifference& d, const Palette& p, std::string* out) {
  const ContentDifference& c = *d.content;
  if (c.format == ContentFormat::kBinary) {
    *out += "    size " + std::to_string(d.a->size) + " -> " + std::to_string(d.b->size) +
            ", sha256 " + d.a->digest.substr(0, 12) + " -> " + d.b->digest.substr(0, 12);
    if (c.first_byte) *out += ", first difference at byte " + std::to_string(*c.first_byte);
    *out += "\n";
  }
  if (c.first_line) {
    *out += "    first difference at line " + std::to_string(c.first_line->line) + ":\n";
    *out += std::string("    ") + p.red + "-" +
            Printable(c.first_line->a.value_or("(end of file)")) + p.reset + "\n" + "    " +
            p.green + "+" + Printable(c.first_line->b.value_or("(end of file)")) + p.reset + "\n";
  }
  RenderHunks(c, p, out);
  RenderChanges(c, p, out);
  if (c.truncated) *out += "    … " + std::to_string(c.omitted) + " more\n";
  for (const std::string& note : c.notes) *out += "    note: " + Printable(note) + "\n";
}

}  // namespace

Palette Palette::For(bool colour) {
  if (!colour) return {};
  return {"\033[1m", "\033[31m", "\033[32m", "\033[36m", "\033[0m"};
}

std::string Palette::Paint(std::string_view text, const char* code) const {
  if (*code == '\0') return std::string(text);
  return std::string(code) + std::string(text) + reset;
}

std::string Printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string RenderComparisonText(const TreeComparison& comparison, bool colour) {
  Palette p = Palette::For(colour);
  std::string out;
  out +=
      comparison.Same() ? "same" : std::to_string(comparison.differences.size()) + " differences";
  out += " (identical: " + std::to_string(comparison.identical) +
         ", within tolerance: " + std::to_string(comparison.within_tolerance) + ")\n";
  for (const FileDifference& d : comparison.differences) {
    char letter = StatusLetter(d);
    const char* colour_of_letter = letter == 'A' ? p.green : letter == 'D' ? p.red : p.cyan;
    out += std::string(colour_of_letter) + letter + p.reset + " " + p.bold + Printable(d.path) +
           p.reset;
    std::string summary = letter == 'A' || letter == 'D' ? "" : Summary(d);
    out += summary.empty() ? "\n" : "  [" + summary + "]\n";
    if (d.content) RenderContent(d, p, &out);
  }
  return out;
}

}  // namespace snaprun::orchestrator
