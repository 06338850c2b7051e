// Comparison of two trees (run outputs or snapshots) whose contents live in one object store:
// the engine behind `snaprun repro` and `snaprun diff`. Entries with equal digests are equal
// and never read; only differing files within max_content_bytes are read (and verified).
// Manifests carry no mtimes, so time is never a difference; permission bits are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/snapshot/manifest.h"
#include "orchestrator/store/object_store.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct CompareOptions {
  // Numbers (JSON numbers, numeric CSV cells) a and b are equal when |a-b| <= atol + rtol*|b|.
  // 1 and 1.0 are equal numbers even at zero tolerance (JSON has one number type); NaN equals
  // NaN (a run that wrote NaN twice reproduced); infinities equal only the same infinity.
  double rtol = 0;
  double atol = 0;
  // False: only say which entries changed and how, reading no content (snapshot diffs).
  bool content = true;
  // Per file: lines of unified diff, or structural changes, before "N more".
  size_t max_diff_lines = 200;
  // Differing files larger than this (either side) are reported by size and digest only.
  uint64_t max_content_bytes = uint64_t{64} << 20;
};

enum class ChangeKind { kAdded, kRemoved, kType, kMode, kSymlinkTarget, kContent };
enum class ContentFormat { kText, kJson, kCsv, kBinary };

const char* ChangeKindName(ChangeKind kind);          // "added", "removed", "type", …
const char* ContentFormatName(ContentFormat format);  // "text", "json", "csv", "binary"

// One hunk of a unified diff, as `diff -u` prints it: lines start with ' ', '-' or '+', or
// are "\ No newline at end of file". A count of 0 has its start on the line before.
struct DiffHunk {
  uint64_t a_start = 0, a_count = 0;
  uint64_t b_start = 0, b_count = 0;
  std::vector<std::string> lines;
};

// A changed value inside a JSON or CSV file. A side that is nullopt is absent there (an
// added or removed key, element, row or cell).
struct StructuralChange {
  // JSON: a JSON pointer (RFC 6901) such as "/metrics/0/loss", "" for the root.
  // CSV: "row R, column C" or "row R, column NAME" when the first row is a header.
  std::string location;
  std::optional<std::string> a, b;  // JSON: compact JSON text; CSV: the cell as parsed
  uint64_t row = 0, column = 0;     // CSV only, 1-based; column 0 for a whole row
  std::string column_name;          // CSV with a header row
};

// The first line at which two texts differ; 1-based. A side is nullopt when that text has
// ended. Lines compare with their terminator, so "x" and "x\n" differ at line 1.
struct LineDifference {
  uint64_t line = 0;
  std::optional<std::string> a, b;  // without the line terminator
};
std::optional<LineDifference> FirstDifferingLine(std::string_view a, std::string_view b);

struct ContentDifference {
  ContentFormat format = ContentFormat::kBinary;
  std::vector<DiffHunk> hunks;               // kText
  std::vector<StructuralChange> changes;     // kJson, kCsv
  std::optional<LineDifference> first_line;  // kText when the diff was too large to compute
  std::optional<uint64_t> first_byte;        // kBinary: offset of the first differing byte
  bool truncated = false;                    // hunks or changes were cut at max_diff_lines
  uint64_t omitted = 0;                      // how many lines or changes were cut
  std::vector<std::string> notes;            // fallbacks taken, limits hit
};

struct FileDifference {
  std::string path;
  std::vector<ChangeKind> kinds;             // never empty; kAdded and kRemoved stand alone
  std::optional<TreeEntry> a, b;             // the entry on each side; nullopt where absent
  std::optional<ContentDifference> content;  // with kContent when options.content is true
};

struct TreeComparison {
  uint64_t identical = 0;         // files and symlinks equal on both sides
  uint64_t within_tolerance = 0;  // JSON/CSV files equal as data (numbers within tolerance)
  std::vector<FileDifference> differences;  // sorted by path
  bool Same() const { return differences.empty(); }
};

// Compares A with B (B is the new side: "added" means present only in B). Errors: a missing
// object is kNotFound, a corrupt one kCorrupt, both naming the path being compared.
Result<TreeComparison> CompareTrees(const Manifest& a, const Manifest& b, const ObjectStore& store,
                                    const CompareOptions& options = {});

}  // namespace snaprun::orchestrator
