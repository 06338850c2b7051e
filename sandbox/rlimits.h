// Resource limits as setrlimit(2), applied in the command just before exec so they
// bind the command's whole tree but not the supervisor or init. They are also the
// fallback for memory/pids limits until cgroups exist (plan.cc records which).
#pragma once

#include "sandbox/child_error.h"
#include "sandbox/plan.h"

namespace snaprun::sandbox {

ChildError ApplyRlimits(const ChildPlan& plan);

}  // namespace snaprun::sandbox
