// Unified text diffs, checked line for line against diff -u, and FirstDifferingLine.
#include "orchestrator/compare/text_diff.h"

#include <fstream>
#include <random>
#include <sstream>

#include "tests/unit/orchestrator/compare/compare_fixture.h"

namespace snaprun::orchestrator {
namespace {

// The hunks as diff -u prints them (no file header).
std::string RenderHunks(const std::vector<DiffHunk>& hunks) {
  auto range = [](uint64_t start, uint64_t count) {
    return std::to_string(start) + (count == 1 ? "" : "," + std::to_string(count));
  };
  std::string out;
  for (const DiffHunk& h : hunks) {
    out += "@@ -" + range(h.a_start, h.a_count) + " +" + range(h.b_start, h.b_count) + " @@\n";
    for (const std::string& line : h.lines) out += line + "\n";
  }
  return out;
}

std::string Ours(const std::string& a, const std::string& b, size_t max_lines = 100000) {
  ContentDifference out;
  DiffText(a, b, max_lines, &out);
  return RenderHunks(out.hunks);
}

// diff -u's output without its two header lines.
std::string Theirs(const std::string& a, const std::string& b) {
  testing::TempDir dir;
  { std::ofstream(dir.path() + "/a", std::ios::binary) << a; }
  { std::ofstream(dir.path() + "/b", std::ios::binary) << b; }
  testing::CommandResult r =
      testing::RunCommand({"diff", "-u", dir.path() + "/a", dir.path() + "/b"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  size_t start = r.out.find('\n', r.out.find('\n') + 1) + 1;
  return r.out.substr(start);
}

TEST(TextDiff, SmallCaseExactOutput) {
  std::string a = "alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta\ntheta\n";
  std::string b = "alpha\nbeta\ngamma\nDELTA\nepsilon\nzeta\neta\ntheta\niota\n";
  EXPECT_EQ(Ours(a, b),
            "@@ -1,8 +1,9 @@\n"
            " alpha\n beta\n gamma\n-delta\n+DELTA\n epsilon\n zeta\n eta\n theta\n+iota\n");
  EXPECT_EQ(Ours(a, b), Theirs(a, b));
}

TEST(TextDiff, SeparateHunksAndMissingFinalNewline) {
  std::string a, b;
  for (int i = 1; i <= 30; ++i) {
    a += "line " + std::to_string(i) + "\n";
    b += (i == 5 ? "changed 5" : i == 25 ? "changed 25" : "line " + std::to_string(i)) + "\n";
  }
  b += "tail without newline";
  EXPECT_EQ(Ours(a, b), Theirs(a, b));
  ContentDifference out;
  DiffText(a, b, 1000, &out);
  ASSERT_EQ(out.hunks.size(), 2u);
  EXPECT_EQ(out.hunks[1].lines.back(), "\\ No newline at end of file");
}

TEST(TextDiff, EmptySidesAndAdjacentHunks) {
  EXPECT_EQ(Ours("", "a\nb\n"), Theirs("", "a\nb\n"));
  EXPECT_EQ(Ours("a\nb\n", ""), Theirs("a\nb\n", ""));
  EXPECT_EQ(Ours("x", "x\n"), Theirs("x", "x\n"));
  // Gaps of exactly 6 and 7 unchanged lines: joined by diff -u, then split.
  std::string base;
  for (int i = 0; i < 20; ++i) base += std::to_string(i) + "\n";
  std::string six = base, seven = base;
  six.replace(six.find("2\n"), 2, "X\n");
  six.replace(six.find("9\n"), 2, "Y\n");
  seven.replace(seven.find("2\n"), 2, "X\n");
  seven.replace(seven.find("10\n"), 3, "Y\n");
  EXPECT_EQ(Ours(base, six), Theirs(base, six));
  EXPECT_EQ(Ours(base, seven), Theirs(base, seven));
}

// Applies unified hunks to A the way patch(1) would, for checking a diff reproduces B.
std::string ApplyHunks(const std::string& a, const std::vector<DiffHunk>& hunks) {
  std::vector<std::string> lines;
  std::istringstream in(a);
  for (std::string line; std::getline(in, line);) lines.push_back(line + "\n");
  std::string out;
  size_t next = 0;  // 0-based index of the next unconsumed line of A
  for (const DiffHunk& h : hunks) {
    size_t start = h.a_count == 0 ? h.a_start : h.a_start - 1;
    while (next < start) out += lines[next++];
    for (const std::string& line : h.lines) {
      if (line[0] == '\\') continue;  // the random texts all end in a newline
      if (line[0] == ' ' || line[0] == '-') ++next;
      if (line[0] == ' ' || line[0] == '+') out += line.substr(1) + "\n";
    }
  }
  while (next < lines.size()) out += lines[next++];
  return out;
}

size_t ChangedLines(const std::string& unified) {
  size_t n = 0;
  std::istringstream in(unified);
  for (std::string line; std::getline(in, line);) {
    if (line[0] == '-' || line[0] == '+') ++n;
  }
  return n;
}

// GNU diff breaks ties between equally short edit scripts its own way, so random cases check
// that the hunks reproduce B and are no longer than diff's, not byte equality.
TEST(TextDiff, RandomEditsReproduceAndAreMinimal) {
  std::mt19937 rng(42);
  for (int round = 0; round < 40; ++round) {
    std::string a, b;
    int n = 5 + static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      std::string line = "l" + std::to_string(rng() % 12) + "\n";
      unsigned op = rng() % 10;
      if (op != 0) a += line;                          // 0: insertion into b only
      if (op != 1) b += op == 2 ? "changed\n" : line;  // 1: deletion; 2: change
    }
    if (a == b) continue;
    ContentDifference out;
    DiffText(a, b, 100000, &out);
    EXPECT_EQ(ApplyHunks(a, out.hunks), b) << "round " << round;
    EXPECT_LE(ChangedLines(RenderHunks(out.hunks)), ChangedLines(Theirs(a, b)))
        << "round " << round;
  }
}

TEST(TextDiff, CutAtMaxLinesSaysHowManyMore) {
  std::string a, b;
  for (int i = 0; i < 100; ++i) {
    a += "a" + std::to_string(i) + "\n";
    b += "b" + std::to_string(i) + "\n";
  }
  ContentDifference out;
  DiffText(a, b, 10, &out);
  ASSERT_EQ(out.hunks.size(), 1u);
  EXPECT_EQ(out.hunks[0].lines.size(), 10u);
  EXPECT_TRUE(out.truncated);
  EXPECT_EQ(out.omitted, 190u);
}

TEST(TextDiff, TooManyChangedLinesFallsBackToFirstDifference) {
  std::string a = "same\n", b = "same\n";
  for (int i = 0; i < 50; ++i) {
    a += "a" + std::to_string(i) + "\n";
    b += "b" + std::to_string(i) + "\n";
  }
  ContentDifference out;
  DiffText(a, b, 200, &out, /*max_middle_lines=*/20);
  EXPECT_TRUE(out.hunks.empty());
  ASSERT_TRUE(out.first_line.has_value());
  EXPECT_EQ(out.first_line->line, 2u);
  EXPECT_EQ(out.first_line->a, "a0");
  EXPECT_EQ(out.first_line->b, "b0");
  ASSERT_EQ(out.notes.size(), 1u);
  EXPECT_NE(out.notes[0].find("100 changed lines"), std::string::npos) << out.notes[0];
}

TEST(TextDiff, LargeFileWithOneChangedLineStillDiffs) {
  std::string a, b;
  for (int i = 0; i < 200000; ++i) {
    std::string line = "row " + std::to_string(i) + "\n";
    a += line;
    b += i == 123456 ? "row changed\n" : line;
  }
  ContentDifference out;
  DiffText(a, b, 200, &out);
  ASSERT_EQ(out.hunks.size(), 1u);
  EXPECT_EQ(out.hunks[0].a_start, 123454u);
  EXPECT_EQ(out.hunks[0].lines[3], "-row 123456");
  EXPECT_EQ(out.hunks[0].lines[4], "+row changed");
}

TEST(FirstDifferingLine, FindsTheLine) {
  EXPECT_FALSE(FirstDifferingLine("a\nb\n", "a\nb\n").has_value());
  auto d = FirstDifferingLine("a\nb\nc\n", "a\nB\nc\n");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->line, 2u);
  EXPECT_EQ(d->a, "b");
  EXPECT_EQ(d->b, "B");
}

TEST(FirstDifferingLine, OneSideEnded) {
  auto d = FirstDifferingLine("a\n", "a\nmore\n");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->line, 2u);
  EXPECT_FALSE(d->a.has_value());
  EXPECT_EQ(d->b, "more");
  auto n = FirstDifferingLine("x", "x\n");
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->line, 1u);
  EXPECT_EQ(n->a, "x");
  EXPECT_EQ(n->b, "x");
}

}  // namespace
}  // namespace snaprun::orchestrator
