#include "images/entry_path.h"

#include <gtest/gtest.h>

namespace snaprun::images {
namespace {

TEST(SplitEntryPath, DropsDotAndEmptyComponents) {
  auto parts = SplitEntryPath("./usr//bin/./sh/", ExtractLimits{});
  ASSERT_TRUE(parts) << parts.error().ToString();
  EXPECT_EQ(*parts, (std::vector<std::string>{"usr", "bin", "sh"}));
  EXPECT_TRUE(SplitEntryPath("./", ExtractLimits{})->empty());
}

TEST(SplitEntryPath, RefusesAbsoluteAndDotDot) {
  EXPECT_EQ(SplitEntryPath("/etc/passwd", ExtractLimits{}).error().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(SplitEntryPath("a/../../x", ExtractLimits{}).error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(SplitEntryPath("..", ExtractLimits{}).error().code(), ErrorCode::kInvalidInput);
}

TEST(SplitEntryPath, EnforcesDepthAndLength) {
  ExtractLimits limits;
  limits.max_depth = 3;
  limits.max_path_length = 10;
  EXPECT_TRUE(SplitEntryPath("a/b/c", limits));
  EXPECT_EQ(SplitEntryPath("a/b/c/d", limits).error().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(SplitEntryPath("abcdefghijk", limits).error().code(), ErrorCode::kLimitExceeded);
}

TEST(SymlinkEscapes, AbsoluteTargetsStayInside) {
  EXPECT_FALSE(SymlinkEscapes({"bin", "sh"}, "/usr/bin/dash"));
  EXPECT_FALSE(SymlinkEscapes({"etc", "x"}, "/../../../etc/passwd"));
}

TEST(SymlinkEscapes, RelativeTargetsMayNotClimbAboveRoot) {
  EXPECT_FALSE(SymlinkEscapes({"usr", "lib", "x"}, "../../bin/sh"));
  EXPECT_TRUE(SymlinkEscapes({"usr", "lib", "x"}, "../../../etc"));
  EXPECT_TRUE(SymlinkEscapes({"x"}, ".."));
  EXPECT_FALSE(SymlinkEscapes({"a", "x"}, "b/../.."));
  EXPECT_TRUE(SymlinkEscapes({"a", "x"}, "../b/../.."));
}

}  // namespace
}  // namespace snaprun::images
