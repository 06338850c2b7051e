#include "orchestrator/run/record_view.h"

#include <gtest/gtest.h>

namespace snaprun::orchestrator {
namespace {

RunRecord Finished() {
  RunRecord run;
  run.id = "01jdx9k2m3n4p5q6r7s8t9v0wx";
  run.name = "hello";
  run.state = RunState::kCompleted;
  run.state_times_ms[static_cast<size_t>(RunState::kQueued)] = 1000;
  run.state_times_ms[static_cast<size_t>(RunState::kRunning)] = 2000;
  run.state_times_ms[static_cast<size_t>(RunState::kCompleted)] = 4500;
  run.exit_code = 0;
  run.isolation_json = R"({"workspace": "overlay"})";
  return run;
}

TEST(RecordView, TimesAreUtcWithMilliseconds) {
  EXPECT_EQ(FormatTimeMs(1795000000123), "2026-11-18T11:06:40.123Z");
}

TEST(RecordView, JsonEmbedsIsolationAndStates) {
  std::string json = RecordJson(Finished(), false);
  EXPECT_NE(json.find(R"("isolation":{"workspace":"overlay"})"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("completed":"1970-01-01T00:00:04.500Z")"), std::string::npos) << json;
}

TEST(RecordView, RowShowsShortIdStateExitAndDuration) {
  std::string row = RecordTableRow(Finished());
  EXPECT_EQ(row.rfind("01jdx9k2m3n4", 0), 0u);
  EXPECT_NE(row.find("completed"), std::string::npos);
  EXPECT_NE(row.find("2.5s"), std::string::npos);
}

}  // namespace
}  // namespace snaprun::orchestrator
