#include "orchestrator/store/object_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sandbox/base/atomic_file.h"
#include "sandbox/base/sha256.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;

TEST(ObjectStore, PutStoresReadOnlyBlobUnderItsDigest) {
  testing::TempDir home;
  ObjectStore store = ObjectStore::Open(home.path()).value();
  std::string digest = store.Put("hello\n").value();
  EXPECT_EQ(digest, Sha256Hex("hello\n"));
  std::string path = store.ObjectPath(digest);
  EXPECT_EQ(path, home.path() + "/objects/sha256/" + digest.substr(0, 2) + "/" + digest.substr(2));
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  EXPECT_TRUE(store.Has(digest));
  EXPECT_EQ(store.Read(digest).value(), "hello\n");
}

TEST(ObjectStore, IdenticalContentIsStoredOnce) {
  testing::TempDir home;
  ObjectStore store = ObjectStore::Open(home.path()).value();
  std::string a = store.Put("same").value();
  struct stat first;
  ASSERT_EQ(::stat(store.ObjectPath(a).c_str(), &first), 0);
  std::string b = store.Put("same").value();
  struct stat second;
  ASSERT_EQ(::stat(store.ObjectPath(b).c_str(), &second), 0);
  EXPECT_EQ(a, b);
  EXPECT_EQ(first.st_ino, second.st_ino);  // the existing object was kept, not replaced
  EXPECT_TRUE(fs::is_empty(home.path() + "/objects/tmp"));
}

TEST(ObjectStore, CorruptObjectIsReportedByName) {
  testing::TempDir home;
  ObjectStore store = ObjectStore::Open(home.path()).value();
  std::string digest = store.Put("original content").value();
  std::string path = store.ObjectPath(digest);
  ::chmod(path.c_str(), 0644);
  std::ofstream(path) << "tampered content";
  auto read = store.Read(digest);
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kCorrupt);
  EXPECT_NE(read.error().message().find(digest), std::string::npos);
  EXPECT_NE(read.error().message().find("corrupt"), std::string::npos);
  auto verified = store.Verify(digest);
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code(), ErrorCode::kCorrupt);
}

TEST(ObjectStore, MissingObjectIsNotFound) {
  testing::TempDir home;
  ObjectStore store = ObjectStore::Open(home.path()).value();
  auto read = store.Read(Sha256Hex("never stored"));
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(store.Read("not-a-digest").error().code(), ErrorCode::kInvalidInput);
}

// A crash between writing a temp file and renaming it leaves the temp behind: it must never
// count as the object, and storing the content afterwards must work.
TEST(ObjectStore, LeftoverTempFileIsNeverAnObject) {
  testing::TempDir home;
  ObjectStore store = ObjectStore::Open(home.path()).value();
  std::string content = "content interrupted by a crash";
  std::string digest = Sha256Hex(content);
  std::ofstream(home.path() + "/objects/tmp/obj-crashd") << content.substr(0, 10);
  EXPECT_FALSE(store.Has(digest));
  EXPECT_EQ(store.Read(digest).error().code(), ErrorCode::kNotFound);
  ObjectStore::Writer writer = store.NewWriter().value();
  ASSERT_TRUE(writer.Append(content.data(), 5).has_value());
  EXPECT_FALSE(store.Has(digest));  // half written, not committed: invisible
  EXPECT_EQ(store.Put(content).value(), digest);
  EXPECT_EQ(store.Read(digest).value(), content);
}

TEST(ObjectStore, OpenRemovesOnlyStaleTempFiles) {
  testing::TempDir home;
  ObjectStore::Open(home.path()).value();
  std::string stale = home.path() + "/objects/tmp/obj-stale1";
  std::string fresh = home.path() + "/objects/tmp/obj-fresh1";
  std::ofstream(stale) << "x";
  std::ofstream(fresh) << "y";
  timespec old_times[2] = {{1000000000, 0}, {1000000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, stale.c_str(), old_times, 0), 0);
  ObjectStore::Open(home.path()).value();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));  // may belong to a writer still at work
}

TEST(ObjectStore, AbandonedWriterRemovesItsTempFile) {
  testing::TempDir home;
  ObjectStore store = ObjectStore::Open(home.path()).value();
  {
    ObjectStore::Writer writer = store.NewWriter().value();
    ASSERT_TRUE(writer.Append("partial", 7).has_value());
  }
  EXPECT_TRUE(fs::is_empty(home.path() + "/objects/tmp"));
}

TEST(ObjectStore, ConcurrentWritersOfOneObjectAreSafe) {
  testing::TempDir home;
  std::string content(3 << 20, 'x');
  for (size_t i = 0; i < content.size(); i += 4096) content[i] = static_cast<char>(i / 4096);
  std::vector<pid_t> children;
  for (int c = 0; c < 4; ++c) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = ObjectStore::Open(home.path());
      for (int round = 0; round < 10; ++round) {
        if (!store || !store->Put(content)) _exit(1);
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ObjectStore store = ObjectStore::Open(home.path()).value();
  EXPECT_EQ(store.Read(Sha256Hex(content)).value(), content);
  EXPECT_TRUE(fs::is_empty(home.path() + "/objects/tmp"));
}

TEST(ObjectStore, LargeBatchCommitPublishesEveryObject) {
  testing::TempDir home;
  ObjectStore store = ObjectStore::Open(home.path()).value();
  std::vector<PendingObject> pending;
  for (int i = 0; i < 20; ++i) {
    ObjectStore::Writer writer = store.NewWriter().value();
    std::string body = "object " + std::to_string(i);
    ASSERT_TRUE(writer.Append(body.data(), body.size()).has_value());
    pending.push_back(writer.Finish().value());
    EXPECT_FALSE(store.Has(pending.back().digest));
  }
  ASSERT_TRUE(store.Commit(pending).has_value());
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(store.Read(Sha256Hex("object " + std::to_string(i))).value(),
              "object " + std::to_string(i));
  }
}

}  // namespace
}  // namespace snaprun::orchestrator
