#include "orchestrator/logs/log_follower.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "orchestrator/logs/console_log.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

void Append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  out << text;
}

class Collected {
 public:
  void Add(const FollowedLine& line) {
    std::lock_guard lock(mu_);
    lines_.push_back(line.source + ": " + line.text);
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  bool Has(const std::string& want) {
    for (const auto& l : Lines()) {
      if (l == want) return true;
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

TEST(LogFollower, ReadsExistingLinesWithoutFollowing) {
  testing::TempDir run;
  mkdir((run.path() + "/logs").c_str(), 0755);
  Append(run.path() + "/console.log",
         FormatConsoleRecord({std::chrono::system_clock::now(), ConsoleStream::kOut, "hi"}) +
             FormatConsoleRecord({std::chrono::system_clock::now(), ConsoleStream::kErr, "bad"}));
  Append(run.path() + "/logs/a.log", "first\nsecond\nunterminated");
  Result<LogFollower> follower = LogFollower::Open(run.path() + "/console.log", run.path() + "/logs");
  ASSERT_TRUE(follower.has_value());
  Collected seen;
  ASSERT_TRUE(follower->Run([&](const FollowedLine& l) { seen.Add(l); }, [] { return true; }, false)
                  .has_value());
  EXPECT_EQ(seen.Lines(), (std::vector<std::string>{"console: hi", "console: [stderr] bad",
                                                    "a.log: first", "a.log: second",
                                                    "a.log: unterminated"}));
}

// Lines written while following arrive, including from files and directories that
// did not exist when following started, and from a file that was truncated.
TEST(LogFollower, FollowsNewFilesDirectoriesAndTruncation) {
  testing::TempDir run;
  std::string logs = run.path() + "/logs";
  Result<LogFollower> follower = LogFollower::Open(run.path() + "/console.log", logs);
  ASSERT_TRUE(follower.has_value());
  Collected seen;
  std::atomic<bool> done{false};
  std::thread following([&] {
    auto result = follower->Run([&](const FollowedLine& l) { seen.Add(l); },
                                [&] { return done.load(); }, true);
    EXPECT_TRUE(result.has_value());
  });
  auto wait_for = [&](const std::string& want) {
    // Bounded by count, not asserted on time: 30 s of 10 ms sleeps at most.
    for (int i = 0; i < 3000 && !seen.Has(want); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return seen.Has(want);
  };
  mkdir(logs.c_str(), 0755);
  Append(logs + "/train.log", "epoch 1\n");
  EXPECT_TRUE(wait_for("train.log: epoch 1"));
  mkdir((logs + "/sub").c_str(), 0755);
  Append(logs + "/sub/metrics.jsonl", "{\"loss\": 1}\n");
  EXPECT_TRUE(wait_for("sub/metrics.jsonl: {\"loss\": 1}"));
  { std::ofstream truncate(logs + "/train.log", std::ios::trunc); }
  // Shorter than before: a shrunken file is how truncation is recognised.
  Append(logs + "/train.log", "again\n");
  EXPECT_TRUE(wait_for("train.log: again"));
  Append(logs + "/train.log", "last words");
  done = true;
  following.join();
  EXPECT_TRUE(seen.Has("train.log: last words"));
}

// Outside logs/: what a sandbox would like the host user's logs command to show.
void MakeSecret(const std::string& dir) {
  mkdir(dir.c_str(), 0755);
  Append(dir + "/secret.log", "host secret\n");
}

bool AnySecret(Collected& seen) {
  for (const auto& line : seen.Lines()) {
    if (line.find("host secret") != std::string::npos) return true;
  }
  return false;
}

TEST(LogFollower, SymlinksInLogsAreNeverFollowedAndFifosDoNotBlock) {
  testing::TempDir run;
  std::string logs = run.path() + "/logs";
  mkdir(logs.c_str(), 0755);
  MakeSecret(run.path() + "/outside");
  ASSERT_EQ(symlink((run.path() + "/outside").c_str(), (logs + "/dir-link").c_str()), 0);
  ASSERT_EQ(symlink((run.path() + "/outside/secret.log").c_str(), (logs + "/file-link").c_str()),
            0);
  ASSERT_EQ(mkfifo((logs + "/pipe").c_str(), 0644), 0);
  Append(logs + "/real.log", "kept\n");
  Result<LogFollower> follower = LogFollower::Open(run.path() + "/console.log", logs);
  ASSERT_TRUE(follower.has_value());
  Collected seen;
  ASSERT_TRUE(follower->Run([&](const FollowedLine& l) { seen.Add(l); }, [] { return true; }, false)
                  .has_value());
  EXPECT_EQ(seen.Lines(), (std::vector<std::string>{"real.log: kept"}));
}

// The sandbox renames a directory the follower has seen and puts a symlink to the
// host in its place, then writes to the host file through its own mount: nothing of
// it may be shown.
TEST(LogFollower, ADirectorySwappedForASymlinkMidRunIsNotFollowed) {
  testing::TempDir run;
  std::string logs = run.path() + "/logs";
  mkdir(logs.c_str(), 0755);
  mkdir((logs + "/d").c_str(), 0755);
  MakeSecret(run.path() + "/outside");
  Result<LogFollower> follower = LogFollower::Open(run.path() + "/console.log", logs);
  ASSERT_TRUE(follower.has_value());
  Collected seen;
  std::atomic<bool> done{false};
  std::thread following([&] {
    auto result = follower->Run([&](const FollowedLine& l) { seen.Add(l); },
                                [&] { return done.load(); }, true);
    EXPECT_TRUE(result.has_value());
  });
  auto wait_for = [&](const std::string& want) {
    for (int i = 0; i < 3000 && !seen.Has(want); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return seen.Has(want);
  };
  Append(logs + "/d/a.log", "before\n");
  ASSERT_TRUE(wait_for("d/a.log: before"));
  ASSERT_EQ(rename((logs + "/d").c_str(), (run.path() + "/moved").c_str()), 0);
  ASSERT_EQ(symlink((run.path() + "/outside").c_str(), (logs + "/d").c_str()), 0);
  Append(run.path() + "/outside/secret.log", "host secret again\n");
  Append(logs + "/after.log", "after\n");  // the follower has looked again once it shows
  EXPECT_TRUE(wait_for("after.log: after"));
  done = true;
  following.join();
  EXPECT_FALSE(AnySecret(seen));
}

}  // namespace
}  // namespace snaprun::orchestrator
