// Reading and writing cgroup control files; errors name the file, as every
// syscall error in snaprun names its object.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "sandbox/base/error.h"

namespace snaprun::sandbox::cgroup_files {

Result<void> Write(const std::string& dir, const std::string& file, const std::string& value);
std::optional<std::string> Read(const std::string& dir, const std::string& file);
std::optional<uint64_t> ReadNumber(const std::string& dir, const std::string& file);
// The value of KEY in a "key value" per line file (memory.events, cpu.stat, oom_control).
std::optional<uint64_t> ReadKeyed(const std::string& dir, const std::string& file,
                                  const std::string& key);
// The pids in DIR/cgroup.procs (empty when unreadable).
std::vector<pid_t> ReadPids(const std::string& dir);
Result<void> MakeDir(const std::string& dir);
// Kills every pid listed in DIR/cgroup.procs until it is empty, then rmdir(DIR).
Result<void> KillAndRemove(const std::string& dir);

}  // namespace snaprun::sandbox::cgroup_files
