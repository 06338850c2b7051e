// Byte checks for spec text: UTF-8 validity, NUL bytes, tabs used as indentation.
#include <cstdint>

#include "orchestrator/spec/spec_yaml.h"

namespace snaprun::orchestrator {
namespace {

// Length of the valid UTF-8 sequence at TEXT[i], 0 when invalid (overlong forms,
// surrogates and code points above U+10FFFF are invalid too).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) -> uint8_t { return static_cast<uint8_t>(text[k]); };
  uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || lead == 0xC0 || lead == 0xC1) return 0;
  if (i + length > text.size()) return 0;
  uint32_t code = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kMinimum[length] || code > 0x10FFFF) return 0;
  if (code >= 0xD800 && code <= 0xDFFF) return 0;
  return length;
}

Error ByteError(const std::string& label, int line, int column, std::string message) {
  return Error(ErrorCode::kInvalidInput, std::move(message)).At({label, line, column});
}

}  // namespace

Result<void> CheckSpecBytes(std::string_view text, const std::string& label) {
  int line = 1, column = 1;
  bool in_indent = true;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      return ByteError(label, line, column,
                       "invalid UTF-8 byte sequence; a spec must be UTF-8 text");
    }
    if (c == '\0') return ByteError(label, line, column, "NUL byte; a spec must be text");
    if (c == '\t' && in_indent) {
      return ByteError(label, line, column,
                       "tab character in the indentation of line " + std::to_string(line) +
                           "; YAML indents with spaces only");
    }
    if (c != ' ' && c != '\t') in_indent = false;
    if (c == '\n') {
      ++line;
      column = 1;
      in_indent = true;
    } else {
      ++column;
    }
    i += length;
  }
  return Ok();
}

}  // namespace snaprun::orchestrator
