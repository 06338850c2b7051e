// CSV parsing and comparison.
#include "orchestrator/compare/csv_diff.h"

#include <set>

#include "orchestrator/compare/numbers.h"

namespace snaprun::orchestrator {
namespace {

// Parses one field starting at *POS; leaves *POS on the delimiter, line break or end.
std::optional<std::string> ParseField(std::string_view text, char delimiter, size_t* pos) {
  std::string field;
  size_t i = *pos;
  if (i < text.size() && text[i] == '"') {
    for (++i;; ++i) {
      if (i >= text.size()) return std::nullopt;  // unterminated quote
      if (text[i] != '"') {
        field += text[i];
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        ++i;
        break;
      }
    }
    bool at_end = i >= text.size() || text[i] == delimiter || text[i] == '\n' ||
                  (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n');
    if (!at_end) return std::nullopt;
  } else {
    while (i < text.size() && text[i] != delimiter && text[i] != '\n' &&
           !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      field += text[i++];
    }
  }
  *pos = i;
  return field;
}

bool IsHeader(const std::vector<std::string>& row) {
  std::set<std::string> seen;
  for (const std::string& cell : row) {
    if (cell.empty() || ParseNumber(cell) || !seen.insert(cell).second) return false;
  }
  return !row.empty();
}

bool CellsEqual(const std::string& a, const std::string& b, const CompareOptions& options) {
  if (a == b) return true;
  std::optional<double> x = ParseNumber(a), y = ParseNumber(b);
  return x && y && NumbersEqual(*x, *y, options);
}

class CsvDiffer {
 public:
  CsvDiffer(const CsvTable& a, const CsvTable& b, char delimiter) : delimiter_(delimiter) {
    const CsvTable* named = !a.empty() && IsHeader(a[0])   ? &a
                            : !b.empty() && IsHeader(b[0]) ? &b
                                                           : nullptr;
    if (named != nullptr) header_ = (*named)[0];
  }

  std::vector<StructuralChange> Diff(const CsvTable& a, const CsvTable& b,
                                     const CompareOptions& options) {
    for (size_t r = 0; r < std::max(a.size(), b.size()); ++r) {
      if (r >= a.size() || r >= b.size()) {
        const std::vector<std::string>& row = r < a.size() ? a[r] : b[r];
        std::optional<std::string> text = JoinRow(row);
        Record(r, std::nullopt, r < a.size() ? text : std::nullopt,
               r < b.size() ? text : std::nullopt);
        continue;
      }
      for (size_t c = 0; c < std::max(a[r].size(), b[r].size()); ++c) {
        std::optional<std::string> cell_a, cell_b;
        if (c < a[r].size()) cell_a = a[r][c];
        if (c < b[r].size()) cell_b = b[r][c];
        if (cell_a && cell_b && CellsEqual(*cell_a, *cell_b, options)) continue;
        Record(r, c, cell_a, cell_b);
      }
    }
    return std::move(changes_);
  }

 private:
  // The row as one value for an added or removed row: its cells joined, unquoted.
  std::string JoinRow(const std::vector<std::string>& row) const {
    std::string text;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) text += delimiter_;
      text += row[i];
    }
    return text;
  }

  void Record(size_t row, std::optional<size_t> column, std::optional<std::string> a,
              std::optional<std::string> b) {
    StructuralChange change;
    change.row = row + 1;
    change.location = "row " + std::to_string(row + 1);
    if (column) {
      change.column = *column + 1;
      if (*column < header_.size()) change.column_name = header_[*column];
      change.location += ", column " + (change.column_name.empty() ? std::to_string(*column + 1)
                                                                   : change.column_name);
    }
    change.a = std::move(a);
    change.b = std::move(b);
    changes_.push_back(std::move(change));
  }

  char delimiter_;
  std::vector<std::string> header_;
  std::vector<StructuralChange> changes_;
};

}  // namespace

std::optional<CsvTable> ParseCsv(std::string_view text, char delimiter) {
  CsvTable table;
  size_t pos = 0;
  while (pos < text.size()) {
    std::vector<std::string> row;
    while (true) {
      std::optional<std::string> field = ParseField(text, delimiter, &pos);
      if (!field) return std::nullopt;
      row.push_back(std::move(*field));
      if (pos < text.size() && text[pos] == delimiter) {
        ++pos;
        continue;
      }
      break;
    }
    if (pos < text.size()) pos += text[pos] == '\r' ? 2 : 1;  // CRLF or LF
    table.push_back(std::move(row));
  }
  return table;
}

std::optional<std::vector<StructuralChange>> DiffCsv(std::string_view a, std::string_view b,
                                                     char delimiter, const CompareOptions& options,
                                                     std::string* parse_error) {
  std::optional<CsvTable> table_a = ParseCsv(a, delimiter);
  if (!table_a) {
    *parse_error = "a side is not valid CSV (unbalanced quotes)";
    return std::nullopt;
  }
  std::optional<CsvTable> table_b = ParseCsv(b, delimiter);
  if (!table_b) {
    *parse_error = "b side is not valid CSV (unbalanced quotes)";
    return std::nullopt;
  }
  return CsvDiffer(*table_a, *table_b, delimiter).Diff(*table_a, *table_b, options);
}

}  // namespace snaprun::orchestrator
