// Unified line diff. Lines keep their "\n" so a last line without one differs from the same
// line with one, as in diff(1), which then prints "\ No newline at end of file".
#include "orchestrator/compare/text_diff.h"

#include <algorithm>
#include <dtl/dtl.hpp>
#include <string>
#include <vector>

namespace snaprun::orchestrator {
namespace {

constexpr size_t kContext = 3;  // diff -u's default

enum class Op : char { kCommon = ' ', kDelete = '-', kAdd = '+' };

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

// The edit script of the whole texts: common prefix, dtl's script of the middle, suffix.
std::vector<Op> EditScript(const std::vector<std::string_view>& a,
                           const std::vector<std::string_view>& b, size_t prefix, size_t suffix) {
  std::vector<Op> ops(prefix, Op::kCommon);
  std::vector<std::string_view> mid_a(a.begin() + prefix, a.end() - suffix);
  std::vector<std::string_view> mid_b(b.begin() + prefix, b.end() - suffix);
  dtl::Diff<std::string_view> diff(mid_a, mid_b);
  diff.compose();
  std::vector<Op> run_deletes, run_adds;
  auto flush_run = [&] {
    // diff -u prints a change's deletions before its additions; dtl may interleave them.
    ops.insert(ops.end(), run_deletes.begin(), run_deletes.end());
    ops.insert(ops.end(), run_adds.begin(), run_adds.end());
    run_deletes.clear();
    run_adds.clear();
  };
  for (const auto& [line, info] : diff.getSes().getSequence()) {
    if (info.type == dtl::SES_DELETE) {
      run_deletes.push_back(Op::kDelete);
    } else if (info.type == dtl::SES_ADD) {
      run_adds.push_back(Op::kAdd);
    } else {
      flush_run();
      ops.push_back(Op::kCommon);
    }
  }
  flush_run();
  ops.insert(ops.end(), suffix, Op::kCommon);
  return ops;
}

void AppendLine(char mark, std::string_view line, std::vector<std::string>* lines) {
  bool has_newline = !line.empty() && line.back() == '\n';
  if (has_newline) line.remove_suffix(1);
  std::string text(1, mark);
  text.append(line);
  lines->push_back(std::move(text));
  if (!has_newline) lines->push_back("\\ No newline at end of file");
}

// One hunk covering ops [begin, end); A_LINE and B_LINE are the 0-based line indexes at BEGIN.
DiffHunk MakeHunk(const std::vector<Op>& ops, size_t begin, size_t end, size_t a_line,
                  size_t b_line, const std::vector<std::string_view>& a,
                  const std::vector<std::string_view>& b) {
  DiffHunk hunk;
  hunk.a_start = a_line + 1;
  hunk.b_start = b_line + 1;
  for (size_t i = begin; i < end; ++i) {
    if (ops[i] == Op::kAdd) {
      AppendLine('+', b[b_line++], &hunk.lines);
      ++hunk.b_count;
    } else {
      AppendLine(static_cast<char>(ops[i]), a[a_line++], &hunk.lines);
      ++hunk.a_count;
      if (ops[i] == Op::kCommon) ++b_line, ++hunk.b_count;
    }
  }
  // diff(1) numbers an empty range by the line before it.
  if (hunk.a_count == 0) --hunk.a_start;
  if (hunk.b_count == 0) --hunk.b_start;
  return hunk;
}

std::vector<DiffHunk> GroupHunks(const std::vector<Op>& ops, const std::vector<std::string_view>& a,
                                 const std::vector<std::string_view>& b) {
  std::vector<DiffHunk> hunks;
  size_t i = 0, a_line = 0, b_line = 0;
  auto advance = [&](size_t to) {
    for (; i < to; ++i) {
      if (ops[i] != Op::kAdd) ++a_line;
      if (ops[i] != Op::kDelete) ++b_line;
    }
  };
  while (true) {
    size_t change = i;
    while (change < ops.size() && ops[change] == Op::kCommon) ++change;
    if (change == ops.size()) break;
    advance(change - std::min(kContext, change - i));
    size_t begin = i, hunk_a = a_line, hunk_b = b_line;
    // Extend while the next change is within 2*context common lines: one hunk, as diff -u.
    size_t end = change;
    while (true) {
      while (end < ops.size() && ops[end] != Op::kCommon) ++end;
      size_t next = end;
      while (next < ops.size() && ops[next] == Op::kCommon) ++next;
      if (next == ops.size() || next - end > 2 * kContext) {
        end = std::min(ops.size(), end + kContext);
        break;
      }
      end = next;
    }
    hunks.push_back(MakeHunk(ops, begin, end, hunk_a, hunk_b, a, b));
    advance(end);
  }
  return hunks;
}

void CutHunks(size_t max_lines, std::vector<DiffHunk>* hunks, ContentDifference* out) {
  size_t used = 0;
  for (DiffHunk& hunk : *hunks) {
    if (out->truncated) {
      out->omitted += hunk.lines.size();
      continue;
    }
    if (used + hunk.lines.size() <= max_lines) {
      used += hunk.lines.size();
      out->hunks.push_back(std::move(hunk));
      continue;
    }
    out->truncated = true;
    if (out->hunks.empty()) {
      // A single hunk longer than the budget: keep its head so something is shown.
      out->omitted += hunk.lines.size() - max_lines;
      hunk.lines.resize(max_lines);
      out->hunks.push_back(std::move(hunk));
    } else {
      out->omitted += hunk.lines.size();
    }
  }
}

}  // namespace

void DiffText(std::string_view a_text, std::string_view b_text, size_t max_lines,
              ContentDifference* out, size_t max_middle_lines) {
  out->format = ContentFormat::kText;
  std::vector<std::string_view> a = SplitLines(a_text), b = SplitLines(b_text);
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  size_t middle = a.size() + b.size() - 2 * (prefix + suffix);
  if (middle > max_middle_lines) {
    out->first_line = FirstDifferingLine(a_text, b_text);
    out->notes.push_back(std::to_string(middle) + " changed lines, more than " +
                         std::to_string(max_middle_lines) +
                         " diffed: showing the first difference");
    return;
  }
  std::vector<DiffHunk> hunks = GroupHunks(EditScript(a, b, prefix, suffix), a, b);
  CutHunks(max_lines, &hunks, out);
}

std::optional<LineDifference> FirstDifferingLine(std::string_view a, std::string_view b) {
  size_t pos = 0;
  uint64_t line = 1;
  // Skip the common prefix line by line; the first line that differs is reported whole.
  while (true) {
    size_t end_a = a.find('\n', pos), end_b = b.find('\n', pos);
    std::string_view line_a = pos < a.size()
                                  ? a.substr(pos, end_a == a.npos ? a.npos : end_a + 1 - pos)
                                  : std::string_view();
    std::string_view line_b = pos < b.size()
                                  ? b.substr(pos, end_b == b.npos ? b.npos : end_b + 1 - pos)
                                  : std::string_view();
    if (line_a.empty() && line_b.empty()) return std::nullopt;
    if (line_a != line_b) {
      LineDifference difference;
      difference.line = line;
      auto strip = [](std::string_view l) {
        if (!l.empty() && l.back() == '\n') l.remove_suffix(1);
        return std::string(l);
      };
      if (!line_a.empty()) difference.a = strip(line_a);
      if (!line_b.empty()) difference.b = strip(line_b);
      return difference;
    }
    pos += line_a.size();
    ++line;
  }
}

}  // namespace snaprun::orchestrator
