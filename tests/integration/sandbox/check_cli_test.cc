// `snaprun-sandbox check` through the CLI, as the unprivileged user (whose answers
// matter most) and as root.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/support/process.h"

namespace snaprun::sandbox {
namespace {

Poco::JSON::Object::Ptr CheckJson(const std::vector<std::string>& argv, int* exit_code) {
  testing::CommandResult result = testing::RunCommand(argv);
  *exit_code = result.exit_code;
  EXPECT_TRUE(result.err.empty()) << result.err;
  Poco::JSON::Parser parser;
  return parser.parse(result.out).extract<Poco::JSON::Object::Ptr>();
}

void ExpectEveryCheck(const Poco::JSON::Object::Ptr& report, int exit_code) {
  std::set<std::string> names;
  auto checks = report->getArray("checks");
  for (size_t i = 0; i < checks->size(); ++i) {
    auto check = checks->getObject(static_cast<unsigned>(i));
    names.insert(check->getValue<std::string>("name"));
    std::string status = check->getValue<std::string>("status");
    if (status != "ok") {
      EXPECT_TRUE(check->has("how_to_enable")) << check->getValue<std::string>("name");
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"user namespaces", "subordinate id ranges",
                                          "rootless overlayfs", "cgroups", "seccomp"}));
  EXPECT_EQ(exit_code, report->getValue<std::string>("overall") == "missing" ? 1 : 0);
}

TEST(CheckCli, RootlessReportNamesEveryCheckAndAFixForEachGap) {
  auto user = testing::UnprivilegedUser();
  if (!user) GTEST_SKIP() << "no unprivileged test user";
  int exit_code = -1;
  auto report =
      CheckJson(testing::AsUser(*user, {testing::BinaryPath("snaprun-sandbox"), "check", "--json"}),
                &exit_code);
  ExpectEveryCheck(report, exit_code);
}

TEST(CheckCli, RootReportAndTextForm) {
  int exit_code = -1;
  auto report = CheckJson({testing::BinaryPath("snaprun-sandbox"), "check", "--json"}, &exit_code);
  ExpectEveryCheck(report, exit_code);
  testing::CommandResult text = testing::RunCommand({testing::BinaryPath("snaprun-sandbox"), "check"});
  EXPECT_NE(text.out.find("] user namespaces: "), std::string::npos) << text.out;
}

}  // namespace
}  // namespace snaprun::sandbox
