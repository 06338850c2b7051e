// Run ids: 26 characters of lowercase Crockford base32, a 48-bit millisecond time
// then 80 random bits (the ULID layout). Sorting ids sorts runs by creation time, and
// ids made by one process in the same millisecond still increase. The random part
// makes ids from concurrent processes distinct; a prefix of 8-10 characters usually
// names one run in a person's history, and the store resolves unique prefixes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace snaprun::orchestrator {

inline constexpr size_t kRunIdLength = 26;

std::string NewRunId();
// The id for time MS with the given random bits (for tests and imports).
std::string FormatRunId(uint64_t ms, uint64_t random_high16, uint64_t random_low64);
// 26 characters of the alphabet; says nothing about whether the run exists.
bool IsRunId(std::string_view text);
// A possible id prefix: 1-26 characters of the alphabet (case-insensitive).
bool IsRunIdPrefix(std::string_view text);

}  // namespace snaprun::orchestrator
