// OCI runtime-spec 1.0 config.json <-> sandbox::Config. Strict: an unknown key, or a
// known one this runtime does not implement where ignoring it would weaken isolation
// or change what the command sees, is kInvalidInput naming its JSON path
// ("linux.intelRdt"). Annotations are kept for the hooks' state JSON. The standard
// /proc, /dev, /dev/pts and /dev/shm mounts are provided by the runtime itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sandbox/base/error.h"
#include "sandbox/config.h"

namespace snaprun::sandbox {

// BUNDLE resolves root.path; ORIGIN names the file in errors.
Result<Config> ConfigFromOciJson(std::string_view json, const std::string& bundle,
                                 const std::string& origin);
Result<Config> LoadOciBundle(const std::string& bundle);
// An OCI process object alone (`exec --process FILE`), through the same parser.
Result<Process> ProcessFromOciJson(std::string_view json, const std::string& origin);

// The mount options without a value that mounts[].options accepts (for `features`).
std::vector<std::string> OciMountOptionNames();

// A starter config.json running `sh` in ./rootfs (rootless adds the id maps).
std::string StarterOciJson(bool rootless);

}  // namespace snaprun::sandbox
