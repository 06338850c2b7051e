#include "orchestrator/history/run_id.h"

#include <sys/random.h>

#include <cctype>
#include <mutex>

#include "orchestrator/history/run_record.h"

namespace snaprun::orchestrator {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";

struct IdState {
  std::mutex mutex;
  uint64_t last_ms = 0;
  uint64_t high = 0;  // 16 random bits
  uint64_t low = 0;   // 64 random bits
};

void FillRandom(uint64_t& high, uint64_t& low) {
  unsigned char bytes[10];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  high = (uint64_t{bytes[0]} << 8) | bytes[1];
  low = 0;
  for (int i = 2; i < 10; ++i) low = (low << 8) | bytes[i];
}

}  // namespace

std::string FormatRunId(uint64_t ms, uint64_t random_high16, uint64_t random_low64) {
  std::string id(kRunIdLength, '0');
  for (int i = 9; i >= 0; --i, ms >>= 5) id[i] = kAlphabet[ms & 31];
  // 80 random bits as 16 characters, low bits last.
  unsigned __int128 random =
      (static_cast<unsigned __int128>(random_high16 & 0xFFFF) << 64) | random_low64;
  for (int i = 25; i >= 10; --i, random >>= 5) id[i] = kAlphabet[static_cast<size_t>(random & 31)];
  return id;
}

std::string NewRunId() {
  static IdState state;
  std::lock_guard lock(state.mutex);
  uint64_t now = static_cast<uint64_t>(NowMs());
  if (now <= state.last_ms) {
    // Same millisecond (or the clock stepped back): keep the time, count up.
    if (++state.low == 0) state.high = (state.high + 1) & 0xFFFF;
  } else {
    state.last_ms = now;
    FillRandom(state.high, state.low);
  }
  return FormatRunId(state.last_ms, state.high, state.low);
}

bool IsRunIdPrefix(std::string_view text) {
  if (text.empty() || text.size() > kRunIdLength) return false;
  for (char c : text) {
    if (kAlphabet.find(static_cast<char>(std::tolower(static_cast<unsigned char>(c)))) ==
        std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsRunId(std::string_view text) { return text.size() == kRunIdLength && IsRunIdPrefix(text); }

}  // namespace snaprun::orchestrator
