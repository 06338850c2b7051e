// Pure plan logic: id-map text, mount flags, the precomputed argv/envp and limits.
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <cstring>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sandbox/child_error.h"
#include "sandbox/child_report.h"
#include "sandbox/plan.h"
#include "sandbox/userns.h"

namespace snaprun::sandbox {
namespace {

using ::testing::HasSubstr;

// The refusal's message; "" when RESULT is a success, so no expected text is found.
std::string RefusalOf(const Result<void>& result) {
  return result ? std::string() : result.error().message();
}

Config MinimalConfig() {
  Config c;
  c.rootfs = "/srv/rootfs";
  c.process.args = {"sh", "-c", "true"};
  c.process.env = {"PATH=/bin:/usr/bin", "HOME=/"};
  return c;
}

TEST(IdMapText, OneLinePerMapping) {
  EXPECT_EQ(IdMapText({{0, 1000, 1}, {1, 100000, 65536}}), "0 1000 1\n1 100000 65536\n");
}

TEST(DefaultIdMappings, MapCallerToProcessUid) {
  Config c = MinimalConfig();
  c.process.uid = 5;
  auto maps = DefaultUidMappings(c, 1000);
  ASSERT_EQ(maps.size(), 1u);
  EXPECT_EQ(maps[0].inside, 5u);
  EXPECT_EQ(maps[0].outside, 1000u);
  EXPECT_EQ(maps[0].count, 1u);
}

TEST(NeedsIdMapHelper, OnlyForRangesBeyondOwnIdWhenRootless) {
  EXPECT_FALSE(NeedsIdMapHelper({{0, 1000, 1}}, 1000));
  EXPECT_TRUE(NeedsIdMapHelper({{0, 1000, 1}, {1, 100000, 65536}}, 1000));
  EXPECT_FALSE(NeedsIdMapHelper({{0, 100000, 65536}}, 0));
}

TEST(MountFlags, BindCreationIgnoresAttributesUntilRemount) {
  Mount m;
  m.type = MountType::kBind;
  m.read_only = true;
  m.noexec = true;
  EXPECT_EQ(MountFlags(m), static_cast<unsigned long>(MS_BIND | MS_REC));
  EXPECT_EQ(BindRemountFlags(m),
            static_cast<unsigned long>(MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC));
}

TEST(MountFlags, TmpfsCarriesItsFlagsAndSize) {
  Mount m;
  m.type = MountType::kTmpfs;
  m.read_only = true;
  EXPECT_EQ(MountFlags(m), static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_RDONLY));
  EXPECT_EQ(BindRemountFlags(m), 0u);
  EXPECT_EQ(TmpfsData(1048576, 01777), "mode=1777,size=1048576");
}

TEST(BuildPlan, PrecomputesArgvEnvpAndSearchPath) {
  ChildPlan plan;
  ASSERT_TRUE(BuildPlan(MinimalConfig(), Caller{1000, 1000}, plan));
  ASSERT_EQ(plan.argv.size(), 4u);
  EXPECT_STREQ(plan.argv[0], "sh");
  EXPECT_EQ(plan.argv[3], nullptr);
  EXPECT_EQ(plan.envp.back(), nullptr);
  EXPECT_EQ(plan.search_path, "/bin:/usr/bin");
  EXPECT_EQ(plan.uid_map, "0 1000 1\n");
  EXPECT_TRUE(plan.deny_setgroups);
  EXPECT_FALSE(plan.set_groups);
  EXPECT_FALSE(plan.use_newuidmap);
  EXPECT_TRUE(plan.clone_flags & CLONE_NEWNET);
}

TEST(BuildPlan, GroupsAreSetWhereTheKernelAllowsItAndRefusedWhereNot) {
  ChildPlan root_plan;
  ASSERT_TRUE(BuildPlan(MinimalConfig(), Caller{0, 0}, root_plan));
  EXPECT_TRUE(root_plan.set_groups) << "root clears the groups it would pass on";
  Config ranged = MinimalConfig();
  ranged.uid_mappings = {{0, 100000, 65536}};
  ranged.gid_mappings = {{0, 100000, 65536}};
  ranged.process.additional_gids = {10};
  ChildPlan helper_plan;
  ASSERT_TRUE(BuildPlan(ranged, Caller{1000, 1000}, helper_plan));
  EXPECT_TRUE(helper_plan.use_newuidmap);
  EXPECT_TRUE(helper_plan.set_groups);
  Config single = MinimalConfig();
  single.process.additional_gids = {10};
  ChildPlan single_plan;
  EXPECT_THAT(RefusalOf(BuildPlan(single, Caller{1000, 1000}, single_plan)),
              HasSubstr("additionalGids"));
}

TEST(BuildPlan, TargetsAreRelativeToTheNewRoot) {
  Config c = MinimalConfig();
  Mount m;
  m.type = MountType::kTmpfs;
  m.destination = "/workspace/tmp";
  c.mounts.push_back(m);
  ChildPlan plan;
  ASSERT_TRUE(BuildPlan(c, Caller{1000, 1000}, plan));
  EXPECT_EQ(plan.mounts[0].target, "workspace/tmp");
}

TEST(BuildPlan, MemoryAndPidsFallBackToRlimitsAndSaySo) {
  Config c = MinimalConfig();
  c.resources.memory_max_bytes = 1 << 20;
  c.resources.pids_max = 10;
  ChildPlan plan;
  ASSERT_TRUE(BuildPlan(c, Caller{1000, 1000}, plan));
  ASSERT_EQ(plan.rlimits.size(), 2u);
  EXPECT_EQ(plan.rlimits[0].resource, RLIMIT_AS);
  EXPECT_EQ(plan.rlimits[1].resource, RLIMIT_NPROC);
  EXPECT_NE(plan.limits[0].find("no cgroup"), std::string::npos);
}

TEST(BuildPlan, PidsLimitForHostRootIsRefusedNotIgnored) {
  Config c = MinimalConfig();
  c.resources.pids_max = 10;
  ChildPlan plan;
  EXPECT_THAT(RefusalOf(BuildPlan(c, Caller{0, 0}, plan)), HasSubstr("pids.limit"));
  c.uid_mappings = {{0, 100000, 65536}};
  c.gid_mappings = {{0, 100000, 65536}};
  ChildPlan mapped;
  EXPECT_TRUE(BuildPlan(c, Caller{0, 0}, mapped));
}

Config CommandOnlyConfig() {
  Config c = MinimalConfig();
  c.uid_mappings = {{0, 0x70000000, 65536}};
  c.gid_mappings = {{0, 0x70000000, 65536}};
  c.user_namespace_scope = UserNamespaceScope::kCommandOnly;
  Mount lower;
  lower.type = MountType::kOverlay;
  lower.destination = "/workspace";
  lower.overlay_lower = {"/home/snapshot"};
  lower.idmap = true;
  c.mounts.push_back(lower);
  return c;
}

// The clone makes every namespace but the user one; the command enters that later.
TEST(BuildPlan, ACommandOnlyUserNamespaceIsNotCreatedByTheClone) {
  ChildPlan plan;
  ASSERT_TRUE(BuildPlan(CommandOnlyConfig(), Caller{0, 0}, plan));
  EXPECT_EQ(plan.clone_flags & CLONE_NEWUSER, 0u);
  EXPECT_NE(plan.clone_flags & CLONE_NEWNS, 0u);
  EXPECT_FALSE(plan.new_user_ns);
  EXPECT_TRUE(plan.command_user_ns.enabled);
  EXPECT_EQ(plan.command_user_ns.root_uid, 0x70000000u);
  EXPECT_EQ(plan.command_user_ns.id_count, 65536u);
  EXPECT_EQ(plan.uid_map, "0 1879048192 65536\n");
  // The idmapped lower is stacked from where the child attaches it, not the host path.
  EXPECT_NE(plan.mounts[0].data.find("lowerdir=/srv/rootfs/workspace/.lower0,"),
            std::string::npos)
      << plan.mounts[0].data;
  EXPECT_FALSE(plan.mounts[0].overlay_copy_fallback);
}

TEST(BuildPlan, ACommandOnlyUserNamespaceNeedsRootAndAMapFromZero) {
  ChildPlan rootless;
  EXPECT_THAT(RefusalOf(BuildPlan(CommandOnlyConfig(), Caller{1000, 1000}, rootless)),
              HasSubstr("root caller"));
  Config shifted = CommandOnlyConfig();
  shifted.uid_mappings = {{1, 0x70000000, 65536}};
  ChildPlan plan;
  EXPECT_THAT(RefusalOf(BuildPlan(shifted, Caller{0, 0}, plan)), HasSubstr("start at 0"));
}

TEST(ConfigValidate, IdmappedMountsAndTheCommandOnlyScopeComeTogether) {
  Config idmapped = MinimalConfig();
  Mount bind;
  bind.source = "/srv/data";
  bind.destination = "/data";
  bind.idmap = true;
  idmapped.mounts.push_back(bind);
  EXPECT_THAT(RefusalOf(idmapped.Validate()), HasSubstr("idmapped"));
  Config hooked = CommandOnlyConfig();
  hooked.hooks.create_runtime.push_back(Hook{});
  hooked.hooks.create_runtime.back().path = "/bin/true";
  EXPECT_THAT(RefusalOf(hooked.Validate()), HasSubstr("hooks"));
  Config unmapped = CommandOnlyConfig();
  unmapped.uid_mappings.clear();
  EXPECT_FALSE(unmapped.Validate());
}

TEST(BuildPlan, CpuLimitsAreRefusedUntilCgroupsExist) {
  Config c = MinimalConfig();
  c.resources.cpu_quota_us = 1000;
  ChildPlan plan;
  EXPECT_THAT(RefusalOf(BuildPlan(c, Caller{1000, 1000}, plan)), HasSubstr("linux.resources"));
}

TEST(Validate, RejectsDotDotDestinations) {
  Config c = MinimalConfig();
  Mount m;
  m.type = MountType::kTmpfs;
  m.destination = "/a/../../etc";
  c.mounts.push_back(m);
  EXPECT_THAT(RefusalOf(c.Validate()), HasSubstr("mounts[0].destination"));
}

TEST(ChildReport, FailureReadsOperationObjectErrnoWrappedWithStep) {
  ChildError e = Fail(Step::kProc, EPERM, "mount", "/proc");
  ChildFrame frame;
  frame.step = e.step;
  frame.err = e.err;
  memcpy(frame.detail, e.detail, sizeof frame.detail);
  Error error = FailureToError(frame);
  EXPECT_EQ(error.message(), "sandbox setup step \"proc\": mount /proc: Operation not permitted");
  EXPECT_EQ(error.sys_errno(), EPERM);
}

TEST(ChildReport, DetailIsTruncatedNotOverflowed) {
  std::string long_path(400, 'a');
  ChildError e = Fail(Step::kMount, ENOENT, "bind", long_path.c_str());
  EXPECT_EQ(strnlen(e.detail, sizeof e.detail), sizeof e.detail - 1);
}

TEST(ChildReport, StepNamesFollowPipelineOrder) {
  auto names = StepNames(StepBit(Step::kPivotRoot) | StepBit(Step::kProc));
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0], "proc");
  EXPECT_EQ(names[1], "pivot_root");
}

}  // namespace
}  // namespace snaprun::sandbox
