// history_bench: times `list 50` and `show` on a history of 30,000 runs and prints
// the figures (target: under 50 ms each). It measures; it asserts nothing about time.
// The first call after opening is what one `snaprun ls` or `snaprun show` process
// pays; the median of repeated calls shows the steady state.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "orchestrator/history/sqlite_history_store.h"
#include "tests/support/process.h"
#include "tests/unit/orchestrator/history/history_test_util.h"

namespace snaprun::orchestrator {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRuns = 30000;
constexpr int kRepeats = 200;
constexpr uint64_t kBase = 1700000000000;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

template <typename F>
void Report(const char* what, F&& operation) {
  std::vector<double> times;
  for (int i = 0; i < kRepeats; ++i) {
    Clock::time_point start = Clock::now();
    if (!operation(i)) {
      std::printf("%-34s FAILED\n", what);
      return;
    }
    times.push_back(MsSince(start));
  }
  std::sort(times.begin(), times.end());
  std::printf("%-34s median %7.3f ms  p95 %7.3f ms  max %7.3f ms\n", what, times[kRepeats / 2],
              times[kRepeats * 95 / 100], times.back());
}

int Main() {
  snaprun::testing::TempDir dir;
  std::string path = dir.path() + "/history.db";
  {
    auto store = SqliteHistoryStore::Open(path);
    Clock::time_point start = Clock::now();
    if (!store || !(*store)->CreateAll(testing::SyntheticHistory(kBase, kRuns))) return 1;
    std::printf("build %d runs in one transaction      %9.1f ms\n", kRuns, MsSince(start));
  }
  std::string middle = testing::SyntheticRun(kBase, kRuns / 2).id;
  Report("cold: open + list 50", [&](int) {
    auto store = SqliteHistoryStore::Open(path);
    return store && (*store)->List(testing::Query(50)).has_value();
  });
  Report("cold: open + show (12-char prefix)", [&](int) {
    auto store = SqliteHistoryStore::Open(path);
    if (!store) return false;
    auto id = (*store)->ResolveId(middle.substr(0, 12));
    return id && (*store)->Get(*id).has_value();
  });
  auto store = SqliteHistoryStore::Open(path);
  if (!store) return 1;
  Report("warm: list 50", [&](int) { return (*store)->List(testing::Query(50)).has_value(); });
  Report("warm: list 50, name filter", [&](int) {
    return (*store)->List(testing::Query(50, std::nullopt, "experiment-3")).has_value();
  });
  Report("warm: list 50, page 100 (keyset)", [&](int) {
    return (*store)
        ->List(testing::Query(50, std::nullopt, "", testing::SyntheticRun(kBase, 5000).id))
        .has_value();
  });
  Report("warm: show (resolve prefix + get)", [&](int i) {
    auto id = (*store)->ResolveId(testing::SyntheticRun(kBase, (i * 131) % kRuns).id.substr(0, 12));
    return id && (*store)->Get(*id).has_value();
  });
  return 0;
}

}  // namespace
}  // namespace snaprun::orchestrator

int main() { return snaprun::orchestrator::Main(); }
