#include "orchestrator/snapshot/wildmatch.h"

#include <gtest/gtest.h>

namespace snaprun::orchestrator {
namespace {

bool Path(const char* pattern, const char* text) {
  return WildMatch(pattern, text, WildFlags::kPathname);
}

TEST(WildMatch, StarAndQuestionStopAtSlash) {
  EXPECT_TRUE(Path("*.txt", "a.txt"));
  EXPECT_FALSE(Path("*.txt", "dir/a.txt"));
  EXPECT_TRUE(Path("a?c", "abc"));
  EXPECT_FALSE(Path("a?c", "a/c"));
  EXPECT_TRUE(Path("a/*", "a/b"));
  EXPECT_FALSE(Path("a/*", "a/b/c"));
  EXPECT_TRUE(WildMatch("*.txt", "dir/a.txt", WildFlags::kPlain));
}

TEST(WildMatch, LeadingDoubleStarMatchesAnyDepth) {
  EXPECT_TRUE(Path("**/foo", "foo"));
  EXPECT_TRUE(Path("**/foo", "a/foo"));
  EXPECT_TRUE(Path("**/foo", "a/b/foo"));
  EXPECT_FALSE(Path("**/foo", "afoo"));
  EXPECT_TRUE(Path("**/foo/bar", "x/foo/bar"));
}

TEST(WildMatch, TrailingDoubleStarMatchesEverythingInside) {
  EXPECT_TRUE(Path("abc/**", "abc/x"));
  EXPECT_TRUE(Path("abc/**", "abc/x/y"));
  EXPECT_FALSE(Path("abc/**", "abc"));
  EXPECT_TRUE(Path("**", "anything/at/all"));
}

TEST(WildMatch, MiddleDoubleStarMatchesZeroOrMoreDirectories) {
  EXPECT_TRUE(Path("a/**/b", "a/b"));
  EXPECT_TRUE(Path("a/**/b", "a/x/b"));
  EXPECT_TRUE(Path("a/**/b", "a/x/y/b"));
  EXPECT_FALSE(Path("a/**/b", "a/xb"));
  EXPECT_FALSE(Path("a/**/b", "ab"));
}

TEST(WildMatch, DoubleStarInsideAComponentIsAPlainStar) {
  EXPECT_TRUE(Path("a**b", "axxb"));
  EXPECT_FALSE(Path("a**b", "a/b"));
  EXPECT_FALSE(Path("**foo", "x/foo"));
  EXPECT_TRUE(Path("**foo", "xfoo"));
}

TEST(WildMatch, BracketClasses) {
  EXPECT_TRUE(Path("[abc]", "b"));
  EXPECT_FALSE(Path("[abc]", "d"));
  EXPECT_TRUE(Path("[a-c]x", "bx"));
  EXPECT_TRUE(Path("[!a-c]", "d"));
  EXPECT_TRUE(Path("[^a-c]", "d"));
  EXPECT_FALSE(Path("[!a-c]", "a"));
  EXPECT_TRUE(Path("[]]", "]"));
  EXPECT_TRUE(Path("[!]]", "a"));
  EXPECT_TRUE(Path("[[:digit:]]*", "7z"));
  EXPECT_FALSE(Path("[[:digit:]]*", "z7"));
  EXPECT_TRUE(Path("[[:upper:][:digit:]]", "Q"));
  EXPECT_FALSE(Path("[[:bogus:]]", "b"));
  EXPECT_FALSE(Path("[abc", "a"));  // unterminated: matches nothing
  EXPECT_FALSE(Path("a[/]b", "a/b"));
  EXPECT_TRUE(Path("[a-]", "-"));
}

TEST(WildMatch, BackslashEscapes) {
  EXPECT_TRUE(Path("\\*", "*"));
  EXPECT_FALSE(Path("\\*", "a"));
  EXPECT_TRUE(Path("\\?x", "?x"));
  EXPECT_TRUE(Path("[\\]]", "]"));
  EXPECT_TRUE(Path("a\\ b", "a b"));
}

}  // namespace
}  // namespace snaprun::orchestrator
