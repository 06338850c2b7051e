#include "orchestrator/history/run_record.h"

#include <gtest/gtest.h>

#include <set>

#include "orchestrator/history/run_id.h"

namespace snaprun::orchestrator {
namespace {

using S = RunState;

TEST(RunState, NamesRoundTrip) {
  for (size_t i = 0; i < kRunStateCount; ++i) {
    RunState state = static_cast<RunState>(i);
    EXPECT_EQ(ParseRunState(RunStateName(state)), state);
  }
  EXPECT_STREQ(RunStateName(S::kTimedOut), "timed_out");
  EXPECT_FALSE(ParseRunState("done").has_value());
}

TEST(RunState, LifecycleMovesForwardOnly) {
  EXPECT_TRUE(CanTransition(S::kQueued, S::kPreparing));
  EXPECT_TRUE(CanTransition(S::kPreparing, S::kRunning));
  EXPECT_TRUE(CanTransition(S::kRunning, S::kHarvesting));
  EXPECT_TRUE(CanTransition(S::kHarvesting, S::kCompleted));
  EXPECT_TRUE(CanTransition(S::kRunning, S::kTimedOut));
  EXPECT_TRUE(CanTransition(S::kHarvesting, S::kTimedOut));
  EXPECT_TRUE(CanTransition(S::kQueued, S::kCanceled));
  EXPECT_TRUE(CanTransition(S::kRunning, S::kLost));
  EXPECT_TRUE(CanTransition(S::kPreparing, S::kFailed));
  EXPECT_FALSE(CanTransition(S::kQueued, S::kRunning));
  EXPECT_FALSE(CanTransition(S::kQueued, S::kTimedOut));
  EXPECT_FALSE(CanTransition(S::kRunning, S::kCompleted));
  EXPECT_FALSE(CanTransition(S::kRunning, S::kPreparing));
  EXPECT_FALSE(CanTransition(S::kRunning, S::kRunning));
  for (RunState terminal : {S::kCompleted, S::kFailed, S::kCanceled, S::kTimedOut, S::kLost}) {
    EXPECT_TRUE(IsTerminal(terminal));
    for (size_t i = 0; i < kRunStateCount; ++i) {
      EXPECT_FALSE(CanTransition(terminal, static_cast<RunState>(i)))
          << RunStateName(terminal) << " → " << RunStateName(static_cast<RunState>(i));
    }
  }
  EXPECT_EQ(CheckTransition("01abc", S::kCompleted, S::kRunning).error().message(),
            "run 01abc: cannot go from completed to running");
}

TEST(RunId, FormatIsSortableBase32) {
  EXPECT_EQ(FormatRunId(0, 0, 0), "00000000000000000000000000");
  EXPECT_EQ(FormatRunId(1, 0, 1), "00000000010000000000000001");
  EXPECT_LT(FormatRunId(1000, 0xFFFF, ~0ull), FormatRunId(1001, 0, 0));
  EXPECT_EQ(FormatRunId(0, 0xFFFF, ~0ull), "0000000000zzzzzzzzzzzzzzzz");
}

TEST(RunId, NewIdsAreUniqueAndIncreasing) {
  std::set<std::string> ids;
  std::string previous;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewRunId();
    ASSERT_TRUE(IsRunId(id)) << id;
    ASSERT_GT(id, previous);
    previous = id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 10000u);
}

TEST(RunId, PrefixValidation) {
  EXPECT_TRUE(IsRunIdPrefix("01HZ"));
  EXPECT_TRUE(IsRunIdPrefix("01hz"));
  EXPECT_FALSE(IsRunIdPrefix(""));
  EXPECT_FALSE(IsRunIdPrefix("01hu"));  // Crockford base32 has no u
  EXPECT_FALSE(IsRunIdPrefix("last"));
  EXPECT_FALSE(IsRunIdPrefix(std::string(27, '0')));
}

}  // namespace
}  // namespace snaprun::orchestrator
