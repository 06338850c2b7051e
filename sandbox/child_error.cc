#include "sandbox/child_error.h"

#include <cstring>

namespace snaprun::sandbox {

char* AppendText(char* dst, size_t cap, const char* src) {
  size_t len = strnlen(dst, cap);
  if (src == nullptr || len + 1 >= cap) return dst;
  size_t n = strnlen(src, cap - len - 1);
  memcpy(dst + len, src, n);
  dst[len + n] = '\0';
  return dst;
}

ChildError Fail(Step step, int err, const char* op, const char* object) {
  ChildError e;
  e.step = step;
  e.err = err;
  AppendText(e.detail, sizeof e.detail, op);
  if (object != nullptr) {
    AppendText(e.detail, sizeof e.detail, " ");
    AppendText(e.detail, sizeof e.detail, object);
  }
  return e;
}

char* ProcFdPath(int fd, char* buf) {
  char digits[16];
  int n = 0;
  unsigned value = static_cast<unsigned>(fd);
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && n < 15);
  memcpy(buf, "/proc/self/fd/", 14);
  for (int i = 0; i < n; ++i) buf[14 + i] = digits[n - 1 - i];
  buf[14 + n] = '\0';
  return buf;
}

}  // namespace snaprun::sandbox
