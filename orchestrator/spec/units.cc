#include "orchestrator/spec/units.h"

#include <array>
#include <cctype>
#include <limits>

namespace snaprun::orchestrator {
namespace {

using Wide = unsigned __int128;
constexpr Wide kSaturated = Wide{1} << 70;  // above any uint64; ×2^50 still fits 128 bits

struct Unit {
  std::string_view suffix;
  uint64_t factor;
};

constexpr uint64_t kKi = 1024;
constexpr std::array<Unit, 12> kSizeUnits = {{
    {"B", 1},
    {"kB", 1000},
    {"KB", 1000},
    {"MB", 1000000},
    {"GB", 1000000000},
    {"TB", 1000000000000},
    {"PB", 1000000000000000},
    {"KiB", kKi},
    {"MiB", kKi* kKi},
    {"GiB", kKi* kKi* kKi},
    {"TiB", kKi* kKi* kKi* kKi},
    {"PiB", kKi* kKi* kKi* kKi* kKi},
}};
constexpr std::array<Unit, 5> kDurationUnits = {{
    {"ms", 1},
    {"s", 1000},
    {"m", 60000},
    {"h", 3600000},
    {"d", 86400000},
}};

// A decimal NUMBER as mantissa / 10^decimals; advances POS past it.
struct Decimal {
  Wide mantissa = 0;
  Wide divisor = 1;
};

std::optional<Decimal> ReadDecimal(std::string_view text, size_t& pos) {
  Decimal number;
  size_t digits = 0;
  bool fraction = false;
  for (; pos < text.size(); ++pos) {
    char c = text[pos];
    if (c == '.' && !fraction && digits > 0 && pos + 1 < text.size() &&
        std::isdigit(static_cast<unsigned char>(text[pos + 1]))) {
      fraction = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    ++digits;
    if (number.mantissa < kSaturated) number.mantissa = number.mantissa * 10 + (c - '0');
    if (fraction && number.divisor < kSaturated) number.divisor *= 10;
  }
  if (digits == 0) return std::nullopt;
  return number;
}

template <size_t N>
std::optional<uint64_t> ReadUnit(std::string_view text, size_t& pos,
                                 const std::array<Unit, N>& units) {
  size_t end = pos;
  while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
  std::string_view suffix = text.substr(pos, end - pos);
  for (const Unit& unit : units) {
    if (unit.suffix == suffix) {
      pos = end;
      return unit.factor;
    }
  }
  return std::nullopt;
}

uint64_t Saturate(Wide value) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return value > kMax ? kMax : static_cast<uint64_t>(value);
}

Error Refuse(std::string message) { return Error(ErrorCode::kInvalidInput, std::move(message)); }

}  // namespace

Result<uint64_t> ParseSize(std::string_view text) {
  const std::string expected =
      "expected a size such as 512MiB, 2GiB, 1.5GB or a number of bytes, got \"" +
      std::string(text) + "\" (units: B kB MB GB TB PB KiB MiB GiB TiB PiB)";
  size_t pos = 0;
  std::optional<Decimal> number = ReadDecimal(text, pos);
  if (!number) return Refuse(expected);
  std::optional<uint64_t> factor = pos == text.size() ? 1 : ReadUnit(text, pos, kSizeUnits);
  if (!factor || pos != text.size()) return Refuse(expected);
  if (number->divisor >= kSaturated) return Refuse(expected);
  if (number->mantissa >= kSaturated) return std::numeric_limits<uint64_t>::max();
  Wide scaled = number->mantissa * *factor;
  if (scaled % number->divisor != 0) {
    return Refuse("\"" + std::string(text) + "\" is not a whole number of bytes");
  }
  return Saturate(scaled / number->divisor);
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const std::string expected = "expected a duration such as 90s, 10m, 1h30m or 500ms, got \"" +
                               std::string(text) + "\" (units: ms s m h d)";
  size_t pos = 0;
  Wide total = 0;
  while (pos < text.size() || pos == 0) {
    std::optional<Decimal> number = ReadDecimal(text, pos);
    if (!number) return Refuse(expected);
    std::optional<uint64_t> factor = ReadUnit(text, pos, kDurationUnits);
    if (!factor || number->divisor >= kSaturated) return Refuse(expected);
    if (number->mantissa >= kSaturated) number->mantissa = kSaturated;
    Wide scaled = number->mantissa * *factor;
    if (scaled % number->divisor != 0) {
      return Refuse("\"" + std::string(text) + "\" is not a whole number of milliseconds");
    }
    total += scaled / number->divisor;
    if (total > kSaturated) total = kSaturated;
  }
  uint64_t ms = Saturate(total);
  constexpr uint64_t kMaxRep = std::numeric_limits<std::chrono::milliseconds::rep>::max();
  return std::chrono::milliseconds(ms > kMaxRep ? kMaxRep : ms);
}

std::string FormatSize(uint64_t bytes) {
  if (bytes == 0) return "0";
  const Unit* best = &kSizeUnits[0];
  for (const Unit& unit : kSizeUnits) {
    if (unit.suffix == "KB" || bytes % unit.factor != 0) continue;
    if (unit.factor > best->factor) best = &unit;
  }
  if (best->factor == 1) return std::to_string(bytes);
  return std::to_string(bytes / best->factor) + std::string(best->suffix);
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  uint64_t ms = static_cast<uint64_t>(duration.count());
  if (ms == 0) return "0s";
  std::string out;
  for (size_t i = kDurationUnits.size(); i-- > 0;) {
    uint64_t factor = kDurationUnits[i].factor;
    if (ms >= factor) {
      out += std::to_string(ms / factor) + std::string(kDurationUnits[i].suffix);
      ms %= factor;
    }
  }
  return out;
}

}  // namespace snaprun::orchestrator
