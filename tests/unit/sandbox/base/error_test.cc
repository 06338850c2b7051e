#include "sandbox/base/error.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>

namespace snaprun {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return Error(ErrorCode::kInvalidInput, "not positive");
  return v;
}

Result<int> Doubled(int v) {
  int parsed = SNAPRUN_TRY_CTX(ParsePositive(v), "while doubling");
  return parsed * 2;
}

Result<void> Check(int v) {
  SNAPRUN_TRY(ParsePositive(v));
  return Ok();
}

TEST(Error, FromErrnoNamesOperationObjectAndReason) {
  Error e = Error::FromErrno(EPERM, "mount", "/proc");
  EXPECT_EQ(e.message(), "mount /proc: Operation not permitted");
  EXPECT_EQ(e.code(), ErrorCode::kSystem);
  EXPECT_EQ(e.sys_errno(), EPERM);
}

TEST(Error, PositionIsPrintedFirst) {
  Error e = Error(ErrorCode::kInvalidInput, "unknown key 'foo'").At({"run.yaml", 3, 5});
  EXPECT_EQ(e.ToString(), "run.yaml:3:5: unknown key 'foo'");
}

TEST(Result, TryPropagatesAndWraps) {
  EXPECT_EQ(*Doubled(4), 8);
  Result<int> bad = Doubled(-1);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "while doubling: not positive");
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidInput);
}

TEST(Result, VoidResult) {
  EXPECT_TRUE(Check(1).has_value());
  Result<void> bad = Check(0);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "not positive");
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

}  // namespace
}  // namespace snaprun
