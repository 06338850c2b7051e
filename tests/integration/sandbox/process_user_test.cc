// process.user through the CLI: uid, gid and additionalGids exactly as configured, the
// caller's own supplementary groups never inherited, and a rootless sandbox that cannot
// set groups refused rather than run with them dropped.
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include "tests/support/oci_bundle_test.h"
#include "tests/support/host_facts.h"

namespace snaprun::testing {
namespace {

constexpr char kReportIds[] =
    "echo uid=$(id -u) gid=$(id -g) $(grep '^Groups:' /proc/self/status | tr -s '\\t ' ' ')";

class ProcessUser : public OciBundleTest {
 protected:
  static Poco::JSON::Object::Ptr User(int uid, int gid, const std::vector<int>& groups) {
    Poco::JSON::Object::Ptr user = new Poco::JSON::Object;
    user->set("uid", uid);
    user->set("gid", gid);
    Poco::JSON::Array::Ptr extra = new Poco::JSON::Array;
    for (int g : groups) extra->add(g);
    user->set("additionalGids", extra);
    return user;
  }
  static Poco::JSON::Array::Ptr Range(int inside, int outside, int size) {
    Poco::JSON::Object::Ptr map = new Poco::JSON::Object;
    map->set("containerID", inside);
    map->set("hostID", outside);
    map->set("size", size);
    Poco::JSON::Array::Ptr maps = new Poco::JSON::Array;
    maps->add(map);
    return maps;
  }
  CommandResult RunWith(const Poco::JSON::Object::Ptr& config,
                        const std::vector<std::string>& prefix = {}) {
    WriteConfig(config);
    std::vector<std::string> argv = prefix;
    for (auto& a : Argv({"run", "--bundle", Bundle(), "t"})) argv.push_back(a);
    return RunCommand(argv);
  }
};

TEST_P(ProcessUser, RangesMappedByRootGiveExactlyTheConfiguredIds) {
  if (user_) GTEST_SKIP() << ::snaprun::testing::RootOnlySkip("ranges without /etc/subuid entries need root");
  auto config = DefaultConfig(kReportIds);
  config->getObject("process")->set("user", User(1000, 1000, {10, 20}));
  config->getObject("linux")->set("uidMappings", Range(0, 200000, 65536));
  config->getObject("linux")->set("gidMappings", Range(0, 200000, 65536));
  auto r = RunWith(config);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("uid=1000 gid=1000 Groups: 10 20"), std::string::npos) << r.out;
}

TEST_P(ProcessUser, AnUnmappedAdditionalGidIsRefusedByName) {
  if (user_) GTEST_SKIP() << ::snaprun::testing::RootOnlySkip("ranges without /etc/subuid entries need root");
  auto config = DefaultConfig("echo ran");
  config->getObject("process")->set("user", User(0, 0, {70000}));
  config->getObject("linux")->set("uidMappings", Range(0, 200000, 65536));
  config->getObject("linux")->set("gidMappings", Range(0, 200000, 65536));
  auto r = RunWith(config);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out.find("ran"), std::string::npos);
  EXPECT_NE(r.err.find("additionalGids: gid 70000 is not in linux.gidMappings"), std::string::npos)
      << r.err;
}

TEST_P(ProcessUser, RootlessSingleIdMapRefusesAdditionalGidsInsteadOfDroppingThem) {
  if (!user_) GTEST_SKIP() << ::snaprun::testing::RootlessOnlySkip("the single-id map is the rootless default");
  auto config = DefaultConfig("echo ran");
  config->getObject("process")->set("user", User(0, 0, {1, 2}));
  auto r = RunWith(config);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out.find("ran"), std::string::npos);
  EXPECT_NE(r.err.find("process.user.additionalGids"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("newgidmap"), std::string::npos) << r.err;
}

TEST_P(ProcessUser, TheCallersSupplementaryGroupsAreNotInherited) {
  if (user_) GTEST_SKIP() << ::snaprun::testing::RootOnlySkip("a rootless caller's groups show only as the overflow gid");
  auto config = DefaultConfig(kReportIds);
  // No user namespace: the host's group ids would show as they are.
  auto namespaces = config->getObject("linux")->getArray("namespaces");
  Poco::JSON::Array::Ptr kept = new Poco::JSON::Array;
  for (size_t i = 0; i < namespaces->size(); ++i) {
    if (namespaces->getObject(i)->getValue<std::string>("type") != "user") {
      kept->add(namespaces->getObject(i));
    }
  }
  config->getObject("linux")->set("namespaces", kept);
  auto r = RunWith(config, {"setpriv", "--groups=4,27", "--"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("uid=0 gid=0 Groups:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(" 4"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("27"), std::string::npos) << r.out;
}

SNAPRUN_INSTANTIATE_MODES(ProcessUser);

}  // namespace
}  // namespace snaprun::testing
