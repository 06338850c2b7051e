// `snaprun diff` as text: what a run wrote to its console or its spec values reaches the
// terminal escaped, coloured or not.
#include <gtest/gtest.h>

#include "orchestrator/repro/run_diff.h"

namespace snaprun::orchestrator {
namespace {

RunDiff HostileDiff() {
  RunDiff diff;
  diff.a_id = "a";
  diff.b_id = "b";
  diff.snapshot_a = diff.snapshot_b = "sha256:same";
  diff.spec.push_back({"env.TITLE", "plain", "\033]0;owned\007title"});
  diff.console = ConsoleDifference{3, "step \033[2J1", std::nullopt};
  return diff;
}

TEST(RunDiffText, ConsoleAndSpecValuesAreEscaped) {
  for (bool colour : {false, true}) {
    std::string text = RenderRunDiffText(HostileDiff(), colour);
    EXPECT_EQ(text.find("\033]"), std::string::npos) << colour;
    EXPECT_EQ(text.find("\033[2J"), std::string::npos) << colour;
    EXPECT_NE(text.find("\\x1b]0;owned\\x07title"), std::string::npos) << text;
    EXPECT_NE(text.find("step \\x1b[2J1"), std::string::npos) << text;
    EXPECT_NE(text.find("(end of output)"), std::string::npos) << text;
  }
}

TEST(RunDiffText, ColourOnlyWhenAsked) {
  EXPECT_EQ(RenderRunDiffText(HostileDiff(), false).find('\033'), std::string::npos);
  std::string coloured = RenderRunDiffText(HostileDiff(), true);
  EXPECT_NE(coloured.find("\033[1mspec\033[0m"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\033[31m- step"), std::string::npos) << coloured;
}

}  // namespace
}  // namespace snaprun::orchestrator
