#include "orchestrator/spec/units.h"

#include <gtest/gtest.h>

namespace snaprun::orchestrator {
namespace {

using std::chrono::milliseconds;

uint64_t Size(std::string_view text) {
  Result<uint64_t> size = ParseSize(text);
  EXPECT_TRUE(size.has_value()) << text << ": " << size.error().message();
  return size.value_or(0);
}

TEST(ParseSize, DecimalAndBinaryUnits) {
  EXPECT_EQ(Size("1073741824"), 1073741824u);
  EXPECT_EQ(Size("512MiB"), 512ull << 20);
  EXPECT_EQ(Size("2GiB"), 2ull << 30);
  EXPECT_EQ(Size("4KiB"), 4096u);
  EXPECT_EQ(Size("1TiB"), 1ull << 40);
  EXPECT_EQ(Size("1PiB"), 1ull << 50);
  EXPECT_EQ(Size("1.5GB"), 1500000000u);
  EXPECT_EQ(Size("300MB"), 300000000u);
  EXPECT_EQ(Size("10KB"), 10000u);
  EXPECT_EQ(Size("10kB"), 10000u);
  EXPECT_EQ(Size("2TB"), 2000000000000u);
  EXPECT_EQ(Size("7B"), 7u);
  EXPECT_EQ(Size("1.5KiB"), 1536u);
  EXPECT_EQ(Size("1.1GB"), 1100000000u);  // exact: no floating-point rounding
}

TEST(ParseSize, RefusesMalformedText) {
  for (std::string_view bad : {"", "1G", "512mb", "512 MiB", "MiB", "1.MiB", ".5GiB", "-1MiB",
                               "1e3", "1,000", "1.5.3GB", "10MiBs"}) {
    Result<uint64_t> size = ParseSize(bad);
    ASSERT_FALSE(size.has_value()) << bad;
    EXPECT_NE(size.error().message().find("expected a size"), std::string::npos) << bad;
  }
}

TEST(ParseSize, RefusesFractionalBytes) {
  Result<uint64_t> size = ParseSize("1.5B");
  ASSERT_FALSE(size.has_value());
  EXPECT_EQ(size.error().message(), "\"1.5B\" is not a whole number of bytes");
}

TEST(ParseSize, SaturatesHugeValuesForRangeChecks) {
  EXPECT_EQ(Size("99999999999999999999999999PiB"), UINT64_MAX);
  EXPECT_EQ(Size("18446744073709551616"), UINT64_MAX);
}

TEST(ParseDuration, AcceptsUnitSequences) {
  EXPECT_EQ(*ParseDuration("90s"), milliseconds(90000));
  EXPECT_EQ(*ParseDuration("10m"), milliseconds(600000));
  EXPECT_EQ(*ParseDuration("1h"), milliseconds(3600000));
  EXPECT_EQ(*ParseDuration("1h30m"), milliseconds(5400000));
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("1.5h"), milliseconds(5400000));
  EXPECT_EQ(*ParseDuration("2d"), milliseconds(172800000));
  EXPECT_EQ(*ParseDuration("1m30s250ms"), milliseconds(90250));
}

TEST(ParseDuration, RefusesMalformedText) {
  for (std::string_view bad : {"", "600", "10 minutes", "1h 30m", "s", "1x", "-5s", "1.5"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
  Result<milliseconds> fraction = ParseDuration("1.5ms");
  ASSERT_FALSE(fraction.has_value());
  EXPECT_EQ(fraction.error().message(), "\"1.5ms\" is not a whole number of milliseconds");
}

TEST(FormatSize, PicksTheLargestExactUnit) {
  EXPECT_EQ(FormatSize(0), "0");
  EXPECT_EQ(FormatSize(7), "7");
  EXPECT_EQ(FormatSize(512ull << 20), "512MiB");
  EXPECT_EQ(FormatSize(1500000000), "1500MB");
  EXPECT_EQ(FormatSize(2000000000), "2GB");
  EXPECT_EQ(FormatSize(1000), "1kB");
  EXPECT_EQ(FormatSize(1ull << 50), "1PiB");
  for (uint64_t value : {1ull, 1000ull, 1536ull, 300000000ull, 12345678ull}) {
    EXPECT_EQ(Size(FormatSize(value)), value);
  }
}

TEST(FormatDuration, RoundTrips) {
  EXPECT_EQ(FormatDuration(milliseconds(5400000)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(86400000 + 1001)), "1d1s1ms");
  for (int64_t ms : {1LL, 999LL, 61000LL, 3600000LL, 2592000000LL}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(milliseconds(ms))), milliseconds(ms));
  }
}

}  // namespace
}  // namespace snaprun::orchestrator
