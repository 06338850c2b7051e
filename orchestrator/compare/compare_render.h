// Presentation of a TreeComparison: text for a terminal (ANSI colour only when asked) and
// JSON with stable keys for scripts. Neither reads the store; they show what was compared.
//
// JSON keys (all always present unless marked optional):
//   same (bool), identical (n), within_tolerance (n), differences: [
//     { path (or path_hex when not UTF-8), kinds: ["added"|"removed"|"type"|"mode"|
//       "symlink_target"|"content"], a, b (optional: absent on that side):
//       { type: "file"|"directory"|"symlink", mode: "0644", size, digest, target? },
//       content (optional): { format: "text"|"json"|"csv"|"binary", truncated, omitted,
//         notes: [..], hunks: [{ a_start, a_count, b_start, b_count, lines: [..] }],
//         changes: [{ location, a?, b?, row?, column?, column_name? }],
//         first_line?: { line, a?, b? }, first_byte? } } ]
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>

#include "orchestrator/compare/compare.h"

namespace snaprun::orchestrator {

// ANSI colours for terminal text, git's choices (red removals, green additions, bold
// headings). Every code is "" when colour is off, so output is the same without a tty.
struct Palette {
  const char* bold = "";
  const char* red = "";
  const char* green = "";
  const char* cyan = "";
  const char* reset = "";

  static Palette For(bool colour);
  // TEXT between CODE and reset; TEXT alone when CODE is "" (colour off).
  std::string Paint(std::string_view text, const char* code) const;
};

// TEXT with control characters (but tab) shown as \xNN: run outputs and consoles are
// hostile, and must not drive the terminal they are shown on.
std::string Printable(std::string_view text);

std::string RenderComparisonText(const TreeComparison& comparison, bool colour);
Poco::JSON::Object::Ptr ComparisonToJson(const TreeComparison& comparison);

}  // namespace snaprun::orchestrator
