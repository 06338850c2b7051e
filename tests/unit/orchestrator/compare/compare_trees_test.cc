// CompareTrees over real objects: metadata changes, digest shortcut, formats, limits, errors.
#include <unistd.h>

#include "tests/unit/orchestrator/compare/compare_fixture.h"

namespace snaprun::orchestrator {
namespace {

using Kinds = std::vector<ChangeKind>;

TEST_F(CompareTest, IdenticalTreesAreSame) {
  std::vector<TreeEntry> tree = {Dir("d"), File("d/a.txt", "one\n"), File("b.bin", "\x01\x02"),
                                 Link("l", "d/a.txt")};
  TreeComparison c = Compare(tree, tree);
  EXPECT_TRUE(c.Same());
  EXPECT_EQ(c.identical, 3u);  // files and symlinks; the directory is not counted
  EXPECT_EQ(c.within_tolerance, 0u);
}

TEST_F(CompareTest, EqualDigestsAreNeverRead) {
  TreeEntry entry = File("x", "content");
  ASSERT_EQ(::unlink(store_.ObjectPath(entry.digest).c_str()), 0);
  TreeComparison c = Compare({entry}, {entry});
  EXPECT_TRUE(c.Same());
}

TEST_F(CompareTest, AddedAndRemovedEntriesIncludingDirectories) {
  TreeComparison c = Compare({Dir("gone"), File("gone/f", "x"), File("keep", "k")},
                             {File("keep", "k"), Dir("new"), Link("new/l", "../keep")});
  ASSERT_EQ(c.differences.size(), 4u);
  EXPECT_EQ(c.differences[0].path, "gone");
  EXPECT_EQ(c.differences[0].kinds, Kinds{ChangeKind::kRemoved});
  EXPECT_TRUE(c.differences[0].a.has_value());
  EXPECT_FALSE(c.differences[0].b.has_value());
  EXPECT_EQ(c.differences[1].path, "gone/f");
  EXPECT_EQ(c.differences[2].path, "new");
  EXPECT_EQ(c.differences[2].kinds, Kinds{ChangeKind::kAdded});
  EXPECT_EQ(c.differences[3].path, "new/l");
  EXPECT_EQ(c.differences[3].kinds, Kinds{ChangeKind::kAdded});
  EXPECT_EQ(c.identical, 1u);
}

TEST_F(CompareTest, ModeTypeAndSymlinkTargetChanges) {
  TreeComparison c =
      Compare({File("exe", "#!/bin/sh\n", 0644), File("t", "x"), Link("l", "a"), Dir("d", 0755)},
              {File("exe", "#!/bin/sh\n", 0755), Link("t", "x"), Link("l", "b"), Dir("d", 0700)});
  ASSERT_EQ(c.differences.size(), 4u);
  EXPECT_EQ(c.differences[0].path, "d");
  EXPECT_EQ(c.differences[0].kinds, Kinds{ChangeKind::kMode});
  EXPECT_EQ(c.differences[1].path, "exe");
  EXPECT_EQ(c.differences[1].kinds, Kinds{ChangeKind::kMode});
  EXPECT_FALSE(c.differences[1].content.has_value());
  EXPECT_EQ(c.differences[2].path, "l");
  EXPECT_EQ(c.differences[2].kinds, Kinds{ChangeKind::kSymlinkTarget});
  EXPECT_EQ(c.differences[3].path, "t");
  EXPECT_EQ(c.differences[3].kinds, Kinds{ChangeKind::kType});
  EXPECT_EQ(c.differences[3].b->type, EntryType::kSymlink);
}

TEST_F(CompareTest, ModeAndContentTogether) {
  TreeComparison c = Compare({File("f", "a\n", 0644)}, {File("f", "b\n", 0600)});
  ASSERT_EQ(c.differences.size(), 1u);
  EXPECT_EQ(c.differences[0].kinds, (Kinds{ChangeKind::kMode, ChangeKind::kContent}));
  ASSERT_TRUE(c.differences[0].content.has_value());
  EXPECT_EQ(c.differences[0].content->format, ContentFormat::kText);
}

TEST_F(CompareTest, ContentOffReadsNothing) {
  TreeEntry a = File("f.txt", "a\n"), b = File("f.txt", "b\n");
  ASSERT_EQ(::unlink(store_.ObjectPath(a.digest).c_str()), 0);
  CompareOptions options;
  options.content = false;
  TreeComparison c = Compare({a}, {b}, options);
  ASSERT_EQ(c.differences.size(), 1u);
  EXPECT_EQ(c.differences[0].kinds, Kinds{ChangeKind::kContent});
  EXPECT_FALSE(c.differences[0].content.has_value());
}

TEST_F(CompareTest, BinaryReportsFirstDifferingByte) {
  std::string a("\x00\x01\x02\x03\x04", 5), b("\x00\x01\x09\x03", 4);
  FileDifference d = CompareOne("blob.bin", a, b);
  ASSERT_TRUE(d.content.has_value());
  EXPECT_EQ(d.content->format, ContentFormat::kBinary);
  EXPECT_EQ(d.content->first_byte, 2u);
  EXPECT_EQ(d.a->size, 5u);
  EXPECT_EQ(d.b->size, 4u);
  EXPECT_NE(d.a->digest, d.b->digest);
}

TEST_F(CompareTest, InvalidUtf8IsBinaryEvenWithTextExtension) {
  FileDifference d = CompareOne("notes.txt", "ok\xff\n", "ok\xfe\n");
  ASSERT_TRUE(d.content.has_value());
  EXPECT_EQ(d.content->format, ContentFormat::kBinary);
  EXPECT_EQ(d.content->first_byte, 2u);
}

TEST_F(CompareTest, HugeFilesAreComparedBySizeAndDigestOnly) {
  CompareOptions options;
  options.max_content_bytes = 1024;
  TreeEntry a = File("big.txt", std::string(2000, 'a')),
            b = File("big.txt", std::string(2000, 'b'));
  // Unreadable objects prove the contents were not read.
  ASSERT_EQ(::unlink(store_.ObjectPath(a.digest).c_str()), 0);
  TreeComparison c = Compare({a}, {b}, options);
  ASSERT_EQ(c.differences.size(), 1u);
  const ContentDifference& content = *c.differences[0].content;
  EXPECT_EQ(content.format, ContentFormat::kBinary);
  EXPECT_FALSE(content.first_byte.has_value());
  ASSERT_EQ(content.notes.size(), 1u);
  EXPECT_NE(content.notes[0].find("larger than 1024 bytes"), std::string::npos);
}

TEST_F(CompareTest, MissingObjectIsNotFoundNamingThePath) {
  TreeEntry a = File("results/out.txt", "a\n"), b = File("results/out.txt", "b\n");
  ASSERT_EQ(::unlink(store_.ObjectPath(b.digest).c_str()), 0);
  auto result = CompareTrees(BuildManifest({a}), BuildManifest({b}), store_, {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(result.error().message().find("results/out.txt"), std::string::npos)
      << result.error().message();
}

TEST_F(CompareTest, CorruptObjectIsCorruptNamingThePath) {
  TreeEntry a = File("m.json", "{\"x\": 1}"), b = File("m.json", "{\"x\": 2}");
  std::string path = store_.ObjectPath(b.digest);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  { std::ofstream(path) << "{\"x\": 3}"; }
  auto result = CompareTrees(BuildManifest({a}), BuildManifest({b}), store_, {});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(result.error().message().find("m.json"), std::string::npos);
}

TEST_F(CompareTest, JsonWithinToleranceIsNotADifference) {
  CompareOptions options;
  options.rtol = 1e-6;
  TreeComparison c =
      Compare({File("m.json", R"({"loss": 0.1234567, "n": 3})"), File("s", "x")},
              {File("m.json", R"({"n": 3, "loss": 0.12345675})"), File("s", "x")}, options);
  EXPECT_TRUE(c.Same());
  EXPECT_EQ(c.within_tolerance, 1u);
  EXPECT_EQ(c.identical, 1u);
}

TEST_F(CompareTest, CsvWithinToleranceIsNotADifference) {
  CompareOptions options;
  options.atol = 0.01;
  TreeComparison c = Compare({File("r.csv", "step,loss\n1,0.500\n2,0.250\n")},
                             {File("r.csv", "step,loss\n1,0.505\n2,0.25\n")}, options);
  EXPECT_TRUE(c.Same());
  EXPECT_EQ(c.within_tolerance, 1u);
}

TEST_F(CompareTest, ModeChangeWithContentWithinToleranceIsOnlyAModeChange) {
  CompareOptions options;
  options.atol = 0.1;
  TreeComparison c =
      Compare({File("m.json", "[1.00]", 0644)}, {File("m.json", "[1.05]", 0600)}, options);
  ASSERT_EQ(c.differences.size(), 1u);
  EXPECT_EQ(c.differences[0].kinds, Kinds{ChangeKind::kMode});
  EXPECT_FALSE(c.differences[0].content.has_value());
}

TEST_F(CompareTest, JsonNestedBeyondTheParserDepthFallsBackToText) {
  std::string deep_a = std::string(500, '[') + "1" + std::string(500, ']');
  std::string deep_b = std::string(500, '[') + "2" + std::string(500, ']');
  FileDifference d = CompareOne("deep.json", deep_a, deep_b);
  ASSERT_TRUE(d.content.has_value());
  EXPECT_EQ(d.content->format, ContentFormat::kText);
  ASSERT_EQ(d.content->notes.size(), 1u);
  EXPECT_NE(d.content->notes[0].find("not valid JSON"), std::string::npos);
}

TEST_F(CompareTest, NonJsonDotJsonFallsBackToTextWithNote) {
  FileDifference d = CompareOne("log.json", "not json\nline 2\n", "not json\nline 3\n");
  ASSERT_TRUE(d.content.has_value());
  EXPECT_EQ(d.content->format, ContentFormat::kText);
  ASSERT_EQ(d.content->hunks.size(), 1u);
  EXPECT_EQ(d.content->hunks[0].lines,
            (std::vector<std::string>{" not json", "-line 2", "+line 3"}));
  ASSERT_EQ(d.content->notes.size(), 1u);
  EXPECT_NE(d.content->notes[0].find("a side is not valid JSON"), std::string::npos)
      << d.content->notes[0];
  EXPECT_NE(d.content->notes[0].find("compared as text"), std::string::npos);
}

TEST_F(CompareTest, BadCsvFallsBackToTextWithNote) {
  FileDifference d = CompareOne("t.csv", "a,b\n1,2\n", "a,b\n\"1,2\n");
  ASSERT_TRUE(d.content.has_value());
  EXPECT_EQ(d.content->format, ContentFormat::kText);
  ASSERT_EQ(d.content->notes.size(), 1u);
  EXPECT_NE(d.content->notes[0].find("b side is not valid CSV"), std::string::npos);
}

}  // namespace
}  // namespace snaprun::orchestrator
