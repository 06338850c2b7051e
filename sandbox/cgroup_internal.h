// Between cgroup.cc (which chooses the hierarchy) and the per-version files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sandbox/cgroup.h"

namespace snaprun::sandbox {

struct V1Hierarchy {
  std::string controller;  // memory, pids, cpu, cpuacct, cpuset, freezer
  std::string parent_dir;  // the caller's own cgroup directory in that hierarchy
};

Result<std::unique_ptr<Cgroup>> CreateCgroupV1(const std::string& name,
                                              const std::vector<V1Hierarchy>& hierarchies);
// PARENT_DIR is the caller's own v2 cgroup; its controllers are enabled for children.
Result<std::unique_ptr<Cgroup>> CreateCgroupV2(const std::string& name,
                                              const std::string& parent_dir,
                                              const Resources& resources);

}  // namespace snaprun::sandbox
