#include <unistd.h>

#include <string>

#include "orchestrator/cli/commands.h"

namespace snaprun::orchestrator::cli {

int ExitCodeFor(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidInput: return 2;
    case ErrorCode::kPolicyDenied: return 3;
    case ErrorCode::kNotFound: return 4;
    case ErrorCode::kLimitExceeded: return 5;
    case ErrorCode::kAlreadyExists: return 6;
    case ErrorCode::kCorrupt: return 7;
    case ErrorCode::kUnsupported: return 8;
    case ErrorCode::kSystem:
    case ErrorCode::kInternal: return 70;
  }
  return 70;
}

int ReportError(const Error& error) {
  std::string line = "snaprun: error: " + error.ToString() + "\n";
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  return ExitCodeFor(error);
}

}  // namespace snaprun::orchestrator::cli
