// Numeric equality under CompareOptions' tolerance, shared by the JSON and CSV comparisons:
// |a-b| <= atol + rtol*|b| (b is the new side, as numpy.isclose), NaN equals NaN, and an
// infinity equals only itself.
#pragma once

#include <optional>
#include <string_view>

#include "orchestrator/compare/compare.h"

namespace snaprun::orchestrator {

bool NumbersEqual(double a, double b, const CompareOptions& options);

// TEXT as a number when the whole of it (ASCII blanks aside) is one: decimal, exponent,
// "nan", "inf"/"infinity", with an optional sign. Independent of the locale.
std::optional<double> ParseNumber(std::string_view text);

}  // namespace snaprun::orchestrator
