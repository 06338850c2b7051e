// history_fill HISTORY_DB COUNT: records COUNT synthetic finished runs in one transaction,
// so the run benchmark can time `snaprun ls` and `snaprun show` on a large history.
#include <cstdio>
#include <string>

#include "orchestrator/history/sqlite_history_store.h"
#include "tests/unit/orchestrator/history/history_test_util.h"

int main(int argc, char** argv) {
  using namespace snaprun::orchestrator;
  if (argc != 3) {
    std::fprintf(stderr, "usage: history_fill HISTORY_DB COUNT\n");
    return 2;
  }
  auto store = SqliteHistoryStore::Open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().ToString().c_str());
    return 1;
  }
  auto runs = testing::SyntheticHistory(1700000000000, std::stoi(argv[2]));
  if (auto created = (*store)->CreateAll(runs); !created) {
    std::fprintf(stderr, "%s\n", created.error().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", runs[runs.size() / 2].id.c_str());
  return 0;
}
