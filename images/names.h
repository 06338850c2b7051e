// names.json: the mutable map from image names to digests, the only mutable state
// of the store besides image.json name lists. Read and written whole, atomically,
// under the store lock held by the caller.
#pragma once

#include <map>
#include <string>

#include "sandbox/base/error.h"

namespace snaprun::images {

using NameMap = std::map<std::string, std::string>;  // name -> "sha256:…"

Result<NameMap> LoadNames(const std::string& store_root);
Result<void> SaveNames(const std::string& store_root, const NameMap& names);
// Names are [A-Za-z0-9][A-Za-z0-9._:/-]*, at most 128 bytes, not "host", not a digest.
Result<void> ValidateName(const std::string& name);

}  // namespace snaprun::images
