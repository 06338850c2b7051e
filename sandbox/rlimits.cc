#include "sandbox/rlimits.h"

#include <sys/resource.h>

#include <cerrno>

namespace snaprun::sandbox {

ChildError ApplyRlimits(const ChildPlan& plan) {
  for (const auto& limit : plan.rlimits) {
    rlimit value{static_cast<rlim_t>(limit.soft), static_cast<rlim_t>(limit.hard)};
    if (setrlimit(static_cast<__rlimit_resource>(limit.resource), &value) != 0) {
      char name[24] = "resource ";
      char digit[4] = {static_cast<char>('0' + limit.resource / 10),
                       static_cast<char>('0' + limit.resource % 10), 0, 0};
      AppendText(name, sizeof name, digit);
      return Fail(Step::kRlimits, errno, "setrlimit", name);
    }
  }
  return Success();
}

}  // namespace snaprun::sandbox
