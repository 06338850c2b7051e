// Per-format content comparison and the cut of structural change lists at max_diff_lines.
#include "orchestrator/compare/content_diff.h"

#include <algorithm>
#include <cctype>

#include "orchestrator/compare/csv_diff.h"
#include "orchestrator/compare/json_diff.h"
#include "orchestrator/compare/text_diff.h"
#include "orchestrator/snapshot/manifest.h"

namespace snaprun::orchestrator {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  std::string_view tail = text.substr(text.size() - suffix.size());
  return std::equal(tail.begin(), tail.end(), suffix.begin(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == y;
  });
}

bool IsText(std::string_view content) {
  return content.find('\0') == std::string_view::npos && IsValidUtf8(content);
}

ContentDifference DiffBinary(std::string_view a, std::string_view b) {
  ContentDifference out;
  out.format = ContentFormat::kBinary;
  size_t common = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < common && a[i] == b[i]) ++i;
  out.first_byte = i;
  return out;
}

ContentDifference WithChanges(ContentFormat format, std::vector<StructuralChange> changes,
                              size_t max_lines) {
  ContentDifference out;
  out.format = format;
  if (changes.size() > max_lines) {
    out.truncated = true;
    out.omitted = changes.size() - max_lines;
    changes.resize(max_lines);
  }
  out.changes = std::move(changes);
  return out;
}

ContentDifference DiffTextOrBinary(std::string_view a, std::string_view b,
                                   const CompareOptions& options) {
  if (!IsText(a) || !IsText(b)) return DiffBinary(a, b);
  ContentDifference out;
  DiffText(a, b, options.max_diff_lines, &out);
  return out;
}

}  // namespace

ContentFormat DetectFormat(std::string_view path, std::string_view a, std::string_view b) {
  if (!IsText(a) || !IsText(b)) return ContentFormat::kBinary;
  if (EndsWith(path, ".json")) return ContentFormat::kJson;
  if (EndsWith(path, ".csv") || EndsWith(path, ".tsv")) return ContentFormat::kCsv;
  return ContentFormat::kText;
}

std::optional<ContentDifference> DiffContent(std::string_view path, std::string_view a,
                                             std::string_view b, const CompareOptions& options) {
  ContentFormat format = DetectFormat(path, a, b);
  if (format == ContentFormat::kBinary) return DiffBinary(a, b);
  if (format == ContentFormat::kText) return DiffTextOrBinary(a, b, options);
  std::string parse_error;
  std::optional<std::vector<StructuralChange>> changes =
      format == ContentFormat::kJson
          ? DiffJson(a, b, options, &parse_error)
          : DiffCsv(a, b, EndsWith(path, ".tsv") ? '\t' : ',', options, &parse_error);
  if (changes) {
    if (changes->empty()) return std::nullopt;
    return WithChanges(format, std::move(*changes), options.max_diff_lines);
  }
  ContentDifference out = DiffTextOrBinary(a, b, options);
  out.notes.push_back(parse_error + "; compared as text");
  return out;
}

}  // namespace snaprun::orchestrator
