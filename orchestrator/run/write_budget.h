// The disk a run may fill while it runs. outputs/, logs/ and console.log are on the
// host's filesystem (SNAPRUN_HOME) and written by the sandbox as fast as it likes; the
// harvest's caps only decide what is kept afterwards. The supervisor measures them
// every kBudgetCheckInterval and stops the run (SIGKILL) once one is over its budget or
// the filesystem is down to its reserve, so the host keeps its free space up to one
// interval's worth of writing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace snaprun::orchestrator {

inline constexpr uint64_t kDefaultOutputsBytes = uint64_t{10} << 30;
inline constexpr uint64_t kDefaultLogsBytes = uint64_t{1} << 30;
inline constexpr uint64_t kMaxOutputsFiles = 100000;  // the harvest's cap
inline constexpr uint64_t kMaxLogsFiles = 10000;
// Free space the run may not take from the filesystem holding SNAPRUN_HOME.
inline constexpr uint64_t kMinFreeBytes = uint64_t{1} << 30;
inline constexpr std::chrono::milliseconds kBudgetCheckInterval{200};
// The harvest takes in up to the outputs budget plus this: what a stopped run wrote in
// its last interval is kept, not refused with the rest.
inline constexpr uint64_t kHarvestHeadroomBytes = uint64_t{1} << 30;

struct TreeUsage {
  uint64_t bytes = 0;  // allocated (st_blocks), so a sparse file counts what it takes
  uint64_t files = 0;  // every entry below the top, directories included
};

// Usage of PATH: a regular file, or a directory walked beneath its fd one component at
// a time without following symlinks (a symlink counts as itself). Missing: zero.
TreeUsage MeasureTree(const std::string& path);

struct WriteBudget {
  std::string name;                // "outputs/", "logs/ and console.log"
  std::vector<std::string> paths;  // measured together
  uint64_t max_bytes = 0;
  uint64_t max_files = 0;
};

struct BudgetCheck {
  std::optional<std::string> stop;  // why the run must stop, naming the budget
  uint64_t bytes = 0;               // all budgets together, for the next check
};

// Stops a run over one of BUDGETS, or one still writing (more than BYTES_BEFORE in
// all) while the filesystem of FREE_SPACE_PATH is below MIN_FREE_BYTES: a run that
// writes nothing is not stopped for a disk others filled.
BudgetCheck CheckBudgets(const std::vector<WriteBudget>& budgets,
                         const std::string& free_space_path, uint64_t min_free_bytes,
                         uint64_t bytes_before);

// "1.5 GiB": sizes in messages.
std::string HumanBytes(uint64_t bytes);

}  // namespace snaprun::orchestrator
