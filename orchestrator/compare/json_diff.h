// Structural comparison of two JSON documents (Poco::JSON): objects by key (key order is not
// a difference), arrays by index, numbers as numbers under the tolerance, everything else
// exactly. Each change is located by its JSON pointer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/compare/compare.h"

namespace snaprun::orchestrator {

// The changes between A and B (empty: equal as data), or nullopt when either side does not
// parse; PARSE_ERROR then says which side and why.
std::optional<std::vector<StructuralChange>> DiffJson(std::string_view a, std::string_view b,
                                                      const CompareOptions& options,
                                                      std::string* parse_error);

}  // namespace snaprun::orchestrator
