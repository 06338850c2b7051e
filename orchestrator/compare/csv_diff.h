// Cell-by-cell comparison of two CSV (RFC 4180) or TSV files. Rows are matched by index:
// extra rows on one side are added or removed rows, extra cells added or removed cells.
// Numeric cells compare under the tolerance, other cells exactly. The first row is taken as
// a header, naming the columns, when every cell of it is non-empty, non-numeric and unique.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/compare/compare.h"

namespace snaprun::orchestrator {

using CsvTable = std::vector<std::vector<std::string>>;

// RFC 4180: DELIMITER-separated fields, "quoted" fields with "" for a quote and line breaks
// inside, CRLF or LF records. nullopt on an unterminated quote or text after a closing one.
std::optional<CsvTable> ParseCsv(std::string_view text, char delimiter);

// The changes between A and B (empty: equal as data), or nullopt when either side does not
// parse; PARSE_ERROR then says which side.
std::optional<std::vector<StructuralChange>> DiffCsv(std::string_view a, std::string_view b,
                                                     char delimiter, const CompareOptions& options,
                                                     std::string* parse_error);

}  // namespace snaprun::orchestrator
