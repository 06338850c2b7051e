#include "orchestrator/logs/console_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

std::vector<ConsoleRecord> ReadRecords(const std::string& path) {
  std::ifstream in(path);
  std::vector<ConsoleRecord> records;
  for (std::string line; std::getline(in, line);) {
    Result<ConsoleRecord> record = ParseConsoleRecord(line);
    EXPECT_TRUE(record.has_value()) << line;
    if (record) records.push_back(*record);
  }
  return records;
}

TEST(ConsoleRecord, FormatAndParseRoundTrip) {
  ConsoleRecord record{std::chrono::system_clock::now(), ConsoleStream::kErr, "a b  c"};
  std::string line = FormatConsoleRecord(record);
  ASSERT_EQ(line.back(), '\n');
  Result<ConsoleRecord> parsed = ParseConsoleRecord(line);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->stream, ConsoleStream::kErr);
  EXPECT_EQ(parsed->text, "a b  c");
  auto delta = std::chrono::duration_cast<std::chrono::microseconds>(parsed->time - record.time);
  EXPECT_EQ(delta.count(), 0);
}

TEST(ConsoleRecord, GarbageIsCorrupt) {
  for (const char* bad : {"", "hello", "2026-11-27T03:10:00.123456Z xxx hi", "nottime out x"}) {
    Result<ConsoleRecord> parsed = ParseConsoleRecord(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kCorrupt);
  }
}

TEST(ConsoleRecorder, RecordsBothStreamsLineByLineAndKeepsTheUnterminatedTail) {
  testing::TempDir dir;
  std::string path = dir.path() + "/console.log";
  int out[2], err[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);
  std::thread writer([&] {
    ASSERT_EQ(write(out[1], "one\ntw", 6), 6);
    ASSERT_EQ(write(err[1], "oops\n", 5), 5);
    ASSERT_EQ(write(out[1], "o\nno newline", 12), 12);
    close(out[1]);
    close(err[1]);
  });
  Result<ConsoleRecorder> recorder = ConsoleRecorder::Open(path, false);
  ASSERT_TRUE(recorder.has_value()) << recorder.error().message();
  ASSERT_TRUE(recorder->Pump(out[0], err[0]).has_value());
  writer.join();
  close(out[0]);
  close(err[0]);

  std::vector<ConsoleRecord> records = ReadRecords(path);
  std::vector<std::string> out_lines, err_lines;
  for (const auto& r : records) {
    (r.stream == ConsoleStream::kOut ? out_lines : err_lines).push_back(r.text);
  }
  EXPECT_EQ(out_lines, (std::vector<std::string>{"one", "two", "no newline"}));
  EXPECT_EQ(err_lines, (std::vector<std::string>{"oops"}));
}

TEST(ConsoleRecorder, EndlessLineIsSplitNotBuffered) {
  testing::TempDir dir;
  std::string path = dir.path() + "/console.log";
  int out[2], err[2];
  ASSERT_EQ(pipe2(out, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(err, O_CLOEXEC), 0);
  close(err[1]);
  const size_t total = kMaxConsoleLine * 3 + 10;
  std::thread writer([&] {
    std::string chunk(4096, 'x');
    for (size_t sent = 0; sent < total; sent += chunk.size()) {
      size_t n = std::min(chunk.size(), total - sent);
      ASSERT_EQ(write(out[1], chunk.data(), n), static_cast<ssize_t>(n));
    }
    close(out[1]);
  });
  Result<ConsoleRecorder> recorder = ConsoleRecorder::Open(path, false);
  ASSERT_TRUE(recorder.has_value());
  ASSERT_TRUE(recorder->Pump(out[0], err[0]).has_value());
  writer.join();
  close(out[0]);
  close(err[0]);
  std::vector<ConsoleRecord> records = ReadRecords(path);
  ASSERT_EQ(records.size(), 4u);
  size_t bytes = 0;
  for (const auto& r : records) {
    EXPECT_LE(r.text.size(), kMaxConsoleLine);
    bytes += r.text.size();
  }
  EXPECT_EQ(bytes, total);
}

TEST(ConsoleRecorder, UnwritableLogNamesThePath) {
  Result<ConsoleRecorder> recorder = ConsoleRecorder::Open("/nonexistent/dir/console.log", false);
  ASSERT_FALSE(recorder.has_value());
  EXPECT_EQ(recorder.error().message(),
            "open /nonexistent/dir/console.log: No such file or directory");
}

}  // namespace
}  // namespace snaprun::orchestrator
