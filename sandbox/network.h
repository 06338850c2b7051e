// Network: with Network::kNone the sandbox has its own network namespace holding only
// loopback, which starts down; bringing it up lets localhost services work inside
// while nothing reaches the host. Network::kHost creates no namespace at all.
#pragma once

#include "sandbox/child_error.h"

namespace snaprun::sandbox {

ChildError BringUpLoopback();

}  // namespace snaprun::sandbox
