// The two ways every isolation test runs: rootless, as the unprivileged test user
// (scripts/test-user.sh), and as root. A mode that cannot be tested on this machine is
// skipped with its reason, never passed silently.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/support/process.h"

namespace snaprun::testing {

enum class Mode { kRootless, kRoot };

// Why MODE cannot be tested here, or "" when it can; for rootless, *USER is the test user.
std::string ModeUnavailable(Mode mode, std::optional<TestUser>* user);

// Instantiates a TEST_P suite over Mode, its tests named …/Rootless and …/Root.
#define SNAPRUN_INSTANTIATE_MODES(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(                                                                \
      Modes, suite,                                                                        \
      ::testing::Values(::snaprun::testing::Mode::kRootless, ::snaprun::testing::Mode::kRoot), \
      [](const auto& param_info) {                                                         \
        return param_info.param == ::snaprun::testing::Mode::kRoot ? "Root" : "Rootless";  \
      })

}  // namespace snaprun::testing
