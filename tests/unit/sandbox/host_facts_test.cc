#include "sandbox/host_facts.h"

#include <gtest/gtest.h>

namespace snaprun::sandbox::host {
namespace {

// Mount table of this project's CI host: v1 controllers plus a cgroup2 mount.
constexpr const char* kHybridMountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

TEST(CgroupMounts, HybridHostHasBothKinds) {
  CgroupMounts mounts = ParseCgroupMounts(kHybridMountinfo);
  EXPECT_EQ(mounts.layout, CgroupLayout::kHybrid);
  EXPECT_EQ(mounts.v2_mount, "/sys/fs/cgroup/unified");
  EXPECT_EQ(mounts.v1_mounts.at("memory"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(mounts.v1_mounts.count("name=systemd"), 0u);
  EXPECT_EQ(mounts.v1_mounts.size(), 3u);
}

TEST(CgroupMounts, PureV2AndNone) {
  EXPECT_EQ(ParseCgroupMounts("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n")
                .layout,
            CgroupLayout::kV2);
  EXPECT_EQ(ParseCgroupMounts("").layout, CgroupLayout::kNone);
}

TEST(OwnCgroups, SplitsCoMountedControllers) {
  auto paths = ParseOwnCgroups("4:memory:/a/b\n2:cpu,cpuacct:/c\n0::/user.slice\n");
  EXPECT_EQ(paths.at("memory"), "/a/b");
  EXPECT_EQ(paths.at("cpu"), "/c");
  EXPECT_EQ(paths.at("cpuacct"), "/c");
  EXPECT_EQ(paths.at(""), "/user.slice");
}

TEST(SubordinateIds, CountsByNameOrUidAndIgnoresJunk) {
  std::string text = "# comment\nalice:100000:65536\n1001:300000:10\nbob:200000:65536\nbad line\n";
  EXPECT_EQ(SubordinateIdCount(text, "alice", 1001), 65546u);
  EXPECT_EQ(SubordinateIdCount(text, "carol", 1002), 0u);
}

}  // namespace
}  // namespace snaprun::sandbox::host
