#include "tests/integration/run/run_harness.h"

#include <Poco/JSON/Parser.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace snaprun::testing {

RunHarness::RunHarness(Mode mode, std::string* why) : mode_(mode) {
  *why = ModeUnavailable(mode, &user_);
  if (!why->empty() || !user_) return;
  home_.ChownTo(*user_);
  code_.ChownTo(*user_);
}

void ModeTest::SetUp() {
  std::string why;
  harness_ = std::make_unique<RunHarness>(GetParam(), &why);
  if (!why.empty()) GTEST_SKIP() << why;
}

std::string RunIdFrom(const std::string& err) {
  std::string prefix = "snaprun: run ";
  size_t at = err.find(prefix);
  return at == std::string::npos ? "" : err.substr(at + prefix.size(), 26);
}

std::string RunHarness::WriteSpec(const std::string& yaml,
                                  const std::vector<std::pair<std::string, std::string>>& files) {
  std::string dir = code_.path() + "/spec" + std::to_string(specs_++);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/run.yaml") << yaml;
  for (const auto& [name, content] : files) {
    std::filesystem::path path = dir + "/" + name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << content;
  }
  if (user_) {
    RunCommand({"chown", "-R", std::to_string(user_->uid) + ":" + std::to_string(user_->gid), dir});
  }
  return dir + "/run.yaml";
}

CommandResult RunHarness::Snaprun(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"env", "SNAPRUN_HOME=" + home_.path(), BinaryPath("snaprun")};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(AsCaller(std::move(argv)));
}

std::vector<std::string> RunHarness::AsCaller(std::vector<std::string> argv) const {
  return user_ ? AsUser(*user_, std::move(argv)) : argv;
}

Poco::JSON::Object::Ptr RunHarness::Show(const std::string& run) const {
  CommandResult shown = Snaprun({"show", run, "--json"});
  if (shown.exit_code != 0) return nullptr;
  try {
    return Poco::JSON::Parser().parse(shown.out).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return nullptr;
  }
}

std::string RunHarness::State(const std::string& run) const {
  auto shown = Show(run);
  return shown ? shown->getValue<std::string>("state") : "";
}

std::string RunHarness::WaitForState(const std::string& run,
                                     const std::vector<std::string>& states) const {
  std::string state;
  for (int i = 0; i < 600; ++i) {
    state = State(run);
    for (const std::string& s : states) {
      if (s == state) return state;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return state;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool ProcessWithArgsExists(const std::string& marker) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadText(entry.path().string() + "/cmdline");
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    if (cmdline.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace snaprun::testing
