// Line diffs of two texts: unified hunks with three lines of context, grouped and numbered as
// `diff -u` prints them, and the first differing line for texts too large to diff. The edit
// script comes from dtl (Wu-Manber-Myers O(NP)); only the changed middle, after the common
// prefix and suffix are stripped, is diffed, and it is capped so memory and time stay bounded.
#pragma once

#include <cstddef>
#include <string_view>

#include "orchestrator/compare/compare.h"

namespace snaprun::orchestrator {

// Lines in the changed middle (both sides together) beyond which no edit script is computed;
// the difference is then reported as its first differing line. O(NP) costs up to this squared.
inline constexpr size_t kMaxDiffMiddleLines = 20000;

// Fills OUT's hunks (cut at MAX_LINES, with truncated/omitted), or first_line and a note when
// the middle exceeds MAX_MIDDLE_LINES. A and B differ.
void DiffText(std::string_view a, std::string_view b, size_t max_lines, ContentDifference* out,
              size_t max_middle_lines = kMaxDiffMiddleLines);

}  // namespace snaprun::orchestrator
