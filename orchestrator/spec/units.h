// Sizes and durations as written in run specs. Sizes: a whole number of bytes, or
// NUMBER UNIT with decimal units B kB KB MB GB TB PB (powers of 1000; "KB" is
// accepted as kB) or binary units KiB MiB GiB TiB PiB (powers of 1024), e.g. 512MiB,
// 1.5GB; the result must be a whole number of bytes. Durations: one or more NUMBER UNIT
// parts with units ms s m h d, e.g. 90s, 1h30m, 500ms, 1.5h; whole milliseconds.
// Arithmetic is exact (no floating point), so 1.1GB is exactly 1100000000 bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

// Errors are kInvalidInput without a position (the caller knows where the text was).
// Values too large for the type saturate to the maximum, so range checks report them.
Result<uint64_t> ParseSize(std::string_view text);
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// Shortest exact form: 536870912 → "512MiB", 1500000000 → "1500MB", 1000 → "1kB".
std::string FormatSize(uint64_t bytes);
// 5400000ms → "1h30m", 500ms → "500ms".
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace snaprun::orchestrator
