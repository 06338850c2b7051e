#include <gtest/gtest.h>

#include "sandbox/seccomp.h"
#include "sandbox/seccomp_names.h"
#include "tests/support/process.h"

namespace snaprun::sandbox {
namespace {

using snaprun::testing::SourcePath;

TEST(SeccompNames, EveryListedNameMapsBack) {
  for (auto name : SeccompActionNames()) EXPECT_TRUE(SeccompActionFromName(name)) << name;
  for (auto name : SeccompArchNames()) EXPECT_TRUE(SeccompArchFromName(name)) << name;
  for (auto name : SeccompOperatorNames()) EXPECT_TRUE(SeccompOperatorFromName(name)) << name;
  for (auto name : SeccompFlagNames()) EXPECT_TRUE(SeccompFlagFromName(name)) << name;
  EXPECT_EQ(SeccompOperatorNames().size(), 7u);
}

TEST(SeccompProfileJson, ParsesTheOciShape) {
  SeccompProfile p = SeccompProfileFromJson(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [
      {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["ioctl"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
       "args": [{"index": 1, "value": 18446744073709551615, "valueTwo": 21522,
                 "op": "SCMP_CMP_MASKED_EQ"}]}]})",
                                            "test.json")
                         .value();
  EXPECT_EQ(p.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(p.default_errno_ret, 38u);
  EXPECT_EQ(p.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
  EXPECT_EQ(p.flags, std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
  ASSERT_EQ(p.syscalls.size(), 2u);
  EXPECT_EQ(p.syscalls[0].names, (std::vector<std::string>{"read", "write"}));
  EXPECT_FALSE(p.syscalls[0].errno_ret.has_value());
  ASSERT_EQ(p.syscalls[1].args.size(), 1u);
  EXPECT_EQ(p.syscalls[1].args[0].index, 1u);
  EXPECT_EQ(p.syscalls[1].args[0].value, UINT64_MAX);
  EXPECT_EQ(p.syscalls[1].args[0].value_two, 21522u);
  EXPECT_EQ(p.syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
}

// Each bad document must be refused with a message naming the key path.
struct BadCase {
  const char* json;
  const char* mentions;
};

class SeccompProfileJsonRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(SeccompProfileJsonRejects, NamingTheKey) {
  Result<SeccompProfile> p = SeccompProfileFromJson(GetParam().json, "bad.json");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code(), ErrorCode::kInvalidInput);
  std::string text = p.error().ToString();
  EXPECT_NE(text.find(GetParam().mentions), std::string::npos) << text;
  EXPECT_EQ(text.rfind("bad.json: ", 0), 0u) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SeccompProfileJsonRejects,
    ::testing::Values(
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultActon": 1})", "defaultActon: unknown key"},
        BadCase{R"({"syscalls": []})", "defaultAction: missing"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOWED"})", "unknown action \"SCMP_ACT_ALLOWED\""},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]})",
                "architectures[0]: unknown architecture"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NEW_LISTENER"]})",
                "flags[0]: unknown flag"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/x"})",
                "listenerPath: unknown key"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
                  "action": "SCMP_ACT_ERRNO", "comment": "x"}]})",
                "syscalls[0].comment: unknown key"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
                  "action": "SCMP_ACT_ALLOW"}, {"names": ["mount"], "action": "SCMP_ACT_ERRNO",
                  "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ", "bogus": 2}]}]})",
                "syscalls[1].args[0].bogus: unknown key"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
                  "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "op": "SCMP_CMP_LIKE"}]}]})",
                "syscalls[0].args[0].op: unknown operator"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
                  "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "op": "SCMP_CMP_EQ"}]}]})",
                "syscalls[0].args[0].index: value 6 is too large"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"],
                  "action": "SCMP_ACT_ERRNO", "errnoRet": -1}]})",
                "syscalls[0].errnoRet: expected a non-negative integer"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [],
                  "action": "SCMP_ACT_ERRNO"}]})",
                "syscalls[0].names: must name at least one syscall"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": "read",
                  "action": "SCMP_ACT_ERRNO"}]})",
                "syscalls[0].names: expected an array"},
        BadCase{R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read", 3],
                  "action": "SCMP_ACT_ERRNO"}]})",
                "syscalls[0].names[1]: expected a string"},
        BadCase{R"([1, 2])", "(top level): expected an object"},
        BadCase{R"({"defaultAction": )", "not valid JSON"}));

TEST(SeccompProfileJson, RoundTripsThroughJson) {
  SeccompProfile original = LoadSeccompProfileFile(SourcePath("policies/seccomp/default.json")).value();
  SeccompProfile again = SeccompProfileFromJson(SeccompProfileToJson(original), "again").value();
  EXPECT_EQ(again.default_action, original.default_action);
  EXPECT_EQ(again.architectures, original.architectures);
  ASSERT_EQ(again.syscalls.size(), original.syscalls.size());
  for (size_t i = 0; i < again.syscalls.size(); ++i) {
    EXPECT_EQ(again.syscalls[i].names, original.syscalls[i].names);
    EXPECT_EQ(again.syscalls[i].errno_ret, original.syscalls[i].errno_ret);
    ASSERT_EQ(again.syscalls[i].args.size(), original.syscalls[i].args.size());
    for (size_t a = 0; a < again.syscalls[i].args.size(); ++a) {
      EXPECT_EQ(again.syscalls[i].args[a].value, original.syscalls[i].args[a].value);
      EXPECT_EQ(again.syscalls[i].args[a].value_two, original.syscalls[i].args[a].value_two);
    }
  }
}

TEST(SeccompProfileJson, ShippedProfilesLoad) {
  for (const char* name : {"default.json", "strict.json"}) {
    Result<SeccompProfile> p = LoadSeccompProfileFile(SourcePath("policies/seccomp/") + name);
    EXPECT_TRUE(p.has_value()) << name << ": " << p.error().ToString();
  }
}

TEST(SeccompProfileJson, MissingFileIsASystemErrorNamingThePath) {
  Result<SeccompProfile> p = LoadSeccompProfileFile("/nonexistent/profile.json");
  ASSERT_FALSE(p.has_value());
  EXPECT_NE(p.error().message().find("/nonexistent/profile.json"), std::string::npos);
}

}  // namespace
}  // namespace snaprun::sandbox
