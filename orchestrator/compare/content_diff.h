// The content of one file that differs between the two sides: format detection and the
// comparison that suits the format. JSON or CSV that fails to parse falls back to a text
// diff (or binary) with a note saying why.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "orchestrator/compare/compare.h"

namespace snaprun::orchestrator {

// By extension (.json; .csv, .tsv), then by content: text is valid UTF-8 without NUL,
// anything else (on either side) is binary.
ContentFormat DetectFormat(std::string_view path, std::string_view a, std::string_view b);

// Compares A and B, the differing contents of PATH. nullopt: equal as data (JSON or CSV with
// only numbers within tolerance, or only formatting changes).
std::optional<ContentDifference> DiffContent(std::string_view path, std::string_view a,
                                             std::string_view b, const CompareOptions& options);

}  // namespace snaprun::orchestrator
