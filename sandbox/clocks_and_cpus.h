// The two things a reproducibility check varies below the command's feet: the clocks it
// reads (a time namespace offsetting CLOCK_MONOTONIC and CLOCK_BOOTTIME) and the CPUs it
// may use (affinity, which is what nproc and os.cpu_count-style probes see). Both are
// planned in the parent as text and a cpu_set_t, so the child only copies bytes.
#pragma once

#include <sched.h>

#include <string>
#include <vector>

#include "sandbox/child_error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox {

// "monotonic S 0\nboottime S 0\n": the /proc/PID/timens_offsets text for OFFSETS.
std::string TimeOffsetsText(const TimeOffsets& offsets);
cpu_set_t CpuSetOf(const std::vector<unsigned>& cpus);

// unshare(CLONE_NEWTIME) and write the offsets: the namespace applies to the processes
// the caller forks afterwards (the command), which is why this runs in init before it
// forks. Offsets can only be written before any process has entered the namespace.
ChildError EnterTimeNamespace(const std::string& offsets_text);
ChildError ApplyCpuAffinity(const cpu_set_t& cpus);

}  // namespace snaprun::sandbox
