#include "tests/support/oci_bundle_test.h"

#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace snaprun::testing {

TempDir* OciBundleTest::rootfs_dir_ = nullptr;

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void OciBundleTest::SetUpTestSuite() {
  rootfs_dir_ = new TempDir();
  auto built = RunCommand({SourcePath("images/scripts/build-busybox-rootfs.sh"), RootfsPath()});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  // Bind targets: a rootless sandbox cannot create them in a root-owned rootfs.
  std::filesystem::create_directories(RootfsPath() + "/out");
}

void OciBundleTest::TearDownTestSuite() {
  delete rootfs_dir_;
  rootfs_dir_ = nullptr;
}

std::string OciBundleTest::RootfsPath() { return rootfs_dir_->path() + "/rootfs"; }

void OciBundleTest::SetUp() {
  std::string why = ModeUnavailable(GetParam(), &user_);
  if (!why.empty()) GTEST_SKIP() << why;
  std::filesystem::create_directories(Out());
  std::filesystem::create_directories(Bundle());
  Chown();
}

void OciBundleTest::TearDown() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(Root(), ec)) {
    Cli({"delete", "--force", entry.path().filename().string()});
  }
}

void OciBundleTest::Chown() {
  if (user_) dir_.ChownTo(*user_);
}

Poco::JSON::Object::Ptr OciBundleTest::DefaultConfig(const std::string& script) const {
  std::string json = R"({
  "ociVersion": "1.0.2",
  "process": {"args": ["/bin/sh", "-c", )" + JsonQuote(script) + R"(],
    "env": ["PATH=/bin"], "cwd": "/", "noNewPrivileges": true},
  "root": {"path": )" + JsonQuote(RootfsPath()) + R"(, "readonly": true},
  "hostname": "sandbox",
  "annotations": {"org.example.purpose": "lifecycle test"},
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/out", "type": "bind", "source": )" + JsonQuote(Out()) + R"(,
     "options": ["rbind", "rw"]}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
      {"type": "uts"}, {"type": "mount"}, {"type": "user"}]}
})";
  return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

void OciBundleTest::WriteConfig(const Poco::JSON::Object::Ptr& config) {
  std::filesystem::create_directories(Bundle());
  std::ofstream out(Bundle() + "/config.json");
  config->stringify(out, 2);
  out.close();
  Chown();
}

std::vector<std::string> OciBundleTest::Argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {BinaryPath("snaprun-sandbox"), "--root", Root()};
  argv.insert(argv.end(), args.begin(), args.end());
  return user_ ? AsUser(*user_, argv) : argv;
}

CommandResult OciBundleTest::Create(const std::string& id, const std::vector<std::string>& flags,
                                    const std::vector<std::string>& global_flags) {
  std::string log = dir_.path() + "/create.log";
  std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\" </dev/null >\"$0\" 2>&1", log};
  std::vector<std::string> args = global_flags;
  for (const char* arg : {"create", "--bundle"}) args.push_back(arg);
  args.push_back(Bundle());
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back(id);
  for (auto& a : Argv(args)) argv.push_back(a);
  CommandResult result = RunCommand(argv);
  std::ifstream in(log);
  std::stringstream s;
  s << in.rdbuf();
  result.err = s.str();
  return result;
}

Poco::JSON::Object::Ptr OciBundleTest::State(const std::string& id) const {
  auto result = Cli({"state", id});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  if (result.exit_code != 0) return new Poco::JSON::Object;
  return Poco::JSON::Parser().parse(result.out).extract<Poco::JSON::Object::Ptr>();
}

std::string OciBundleTest::Status(const std::string& id) const {
  return State(id)->optValue<std::string>("status", "");
}

std::string OciBundleTest::AwaitStatus(const std::string& id, const std::string& status) const {
  std::string seen;
  for (int i = 0; i < 500 && (seen = Status(id)) != status; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return seen;
}

bool OciBundleTest::AwaitFile(const std::string& path) {
  for (int i = 0; i < 500 && !std::filesystem::exists(path); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::filesystem::exists(path);
}

}  // namespace snaprun::testing
