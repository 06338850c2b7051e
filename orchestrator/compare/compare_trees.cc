// CompareTrees: a merge walk of the two sorted manifests. Metadata (type, mode, symlink
// target, digest) decides first; content is read only for files whose digests differ, so
// the cost is the differing bytes, not the tree.
#include <string>

#include "orchestrator/compare/compare.h"
#include "orchestrator/compare/content_diff.h"

namespace snaprun::orchestrator {
namespace {

bool IsFileOrLink(const TreeEntry& entry) { return entry.type != EntryType::kDirectory; }

FileDifference OneSided(const TreeEntry& entry, bool in_a) {
  FileDifference difference;
  difference.path = entry.path;
  difference.kinds = {in_a ? ChangeKind::kRemoved : ChangeKind::kAdded};
  (in_a ? difference.a : difference.b) = entry;
  return difference;
}

ContentDifference SummarizeLarge(const CompareOptions& options) {
  ContentDifference out;
  out.format = ContentFormat::kBinary;
  out.notes.push_back("larger than " + std::to_string(options.max_content_bytes) +
                      " bytes: compared by size and digest only");
  return out;
}

// nullopt: the contents are equal as data (JSON/CSV within tolerance).
Result<std::optional<ContentDifference>> CompareContents(const TreeEntry& a, const TreeEntry& b,
                                                         const ObjectStore& store,
                                                         const CompareOptions& options) {
  if (a.size > options.max_content_bytes || b.size > options.max_content_bytes) {
    return std::optional<ContentDifference>(SummarizeLarge(options));
  }
  std::string context = "while comparing " + a.path;
  std::string content_a = SNAPRUN_TRY_CTX(store.Read(a.digest, options.max_content_bytes), context);
  std::string content_b = SNAPRUN_TRY_CTX(store.Read(b.digest, options.max_content_bytes), context);
  return DiffContent(a.path, content_a, content_b, options);
}

// Compares two entries at the same path; nullopt when they are equal (or equal as data, which
// WITHIN_TOLERANCE then says).
Result<std::optional<FileDifference>> ComparePair(const TreeEntry& a, const TreeEntry& b,
                                                  const ObjectStore& store,
                                                  const CompareOptions& options,
                                                  bool* within_tolerance) {
  FileDifference difference;
  difference.path = a.path;
  if (a.type != b.type) {
    difference.kinds.push_back(ChangeKind::kType);
  } else {
    if (a.mode != b.mode) difference.kinds.push_back(ChangeKind::kMode);
    if (a.type == EntryType::kSymlink && a.target != b.target) {
      difference.kinds.push_back(ChangeKind::kSymlinkTarget);
    }
    if (a.type == EntryType::kFile && a.digest != b.digest) {
      std::optional<ContentDifference> content;
      if (options.content) {
        content = SNAPRUN_TRY(CompareContents(a, b, store, options));
        *within_tolerance = !content.has_value();
      }
      if (content || !options.content) {
        difference.kinds.push_back(ChangeKind::kContent);
        difference.content = std::move(content);
      }
    }
  }
  if (difference.kinds.empty()) return std::optional<FileDifference>();
  difference.a = a;
  difference.b = b;
  return std::optional<FileDifference>(std::move(difference));
}

}  // namespace

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kRemoved:
      return "removed";
    case ChangeKind::kType:
      return "type";
    case ChangeKind::kMode:
      return "mode";
    case ChangeKind::kSymlinkTarget:
      return "symlink_target";
    case ChangeKind::kContent:
      return "content";
  }
  return "unknown";
}

const char* ContentFormatName(ContentFormat format) {
  switch (format) {
    case ContentFormat::kText:
      return "text";
    case ContentFormat::kJson:
      return "json";
    case ContentFormat::kCsv:
      return "csv";
    case ContentFormat::kBinary:
      return "binary";
  }
  return "unknown";
}

Result<TreeComparison> CompareTrees(const Manifest& a, const Manifest& b, const ObjectStore& store,
                                    const CompareOptions& options) {
  TreeComparison result;
  size_t i = 0, j = 0;
  while (i < a.entries.size() || j < b.entries.size()) {
    if (j == b.entries.size() || (i < a.entries.size() && a.entries[i].path < b.entries[j].path)) {
      result.differences.push_back(OneSided(a.entries[i++], true));
    } else if (i == a.entries.size() || b.entries[j].path < a.entries[i].path) {
      result.differences.push_back(OneSided(b.entries[j++], false));
    } else {
      const TreeEntry& entry_a = a.entries[i++];
      const TreeEntry& entry_b = b.entries[j++];
      bool within_tolerance = false;
      std::optional<FileDifference> difference =
          SNAPRUN_TRY(ComparePair(entry_a, entry_b, store, options, &within_tolerance));
      if (difference) {
        result.differences.push_back(std::move(*difference));
      } else if (within_tolerance) {
        ++result.within_tolerance;
      } else if (IsFileOrLink(entry_a)) {
        ++result.identical;
      }
    }
  }
  return result;
}

}  // namespace snaprun::orchestrator
