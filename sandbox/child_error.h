// ChildError: what one child-side setup function returns — a step, an errno and a
// fixed-size "operation object" text — built without allocation so it can be used
// after clone(). Success is step == Step::kNone.
#pragma once

#include <cstddef>

#include "sandbox/child_report.h"

namespace snaprun::sandbox {

struct ChildError {
  Step step = Step::kNone;
  int err = 0;
  char detail[160] = {};

  bool failed() const { return step != Step::kNone; }
};

// Async-signal-safe: ChildError{step, err, "OP OBJECT"} (OBJECT may be null).
ChildError Fail(Step step, int err, const char* op, const char* object = nullptr);
inline ChildError Success() { return {}; }

// Appends SRC to DST (capacity CAP, always NUL-terminated); returns DST.
char* AppendText(char* dst, size_t cap, const char* src);
// Writes "/proc/self/fd/N" into BUF (at least 32 bytes); returns BUF.
char* ProcFdPath(int fd, char* buf);

}  // namespace snaprun::sandbox
