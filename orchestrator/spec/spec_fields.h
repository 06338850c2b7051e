// Typed reads of SpecNode values for the decoder: each names the field's dotted path
// and the node's position in its error, and says what was expected and what was found.
// Mappings are read against a fixed key list: an unknown key is an error with a
// did-you-mean suggestion (edit distance), never ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "orchestrator/spec/spec_node.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

using KeyList = std::initializer_list<std::string_view>;

// "resources" + "memory" → "resources.memory"; "" + "name" → "name".
std::string JoinPath(std::string_view path, std::string_view key);

// The closest of CANDIDATES to WORD if it is plausibly a typo of it, else "".
std::string SuggestKey(std::string_view word, KeyList candidates);

// NODE must be a mapping whose keys are all in ALLOWED and which has every REQUIRED key.
Result<void> ExpectMap(const SpecNode& node, std::string_view path, KeyList allowed,
                       KeyList required = {});

Result<std::string> ReadString(const SpecNode& node, std::string_view path);
// Any non-null scalar as written (strings, numbers, booleans): env values, argv items.
Result<std::string> ReadScalarText(const SpecNode& node, std::string_view path);
// One of CHOICES (a string); returns its index.
Result<size_t> ReadChoice(const SpecNode& node, std::string_view path, KeyList choices);
Result<bool> ReadBool(const SpecNode& node, std::string_view path);
// An integer in [MIN, MAX]; 3.0 counts as an integer, as in JSON Schema.
Result<uint64_t> ReadInteger(const SpecNode& node, std::string_view path, uint64_t min,
                             uint64_t max);
// A number in (0, MAX].
Result<double> ReadPositiveNumber(const SpecNode& node, std::string_view path, double max);
// A size (units.h) in [1, MAX].
Result<uint64_t> ReadSize(const SpecNode& node, std::string_view path, uint64_t max);
// A duration (units.h) in (0, MAX].
Result<std::chrono::milliseconds> ReadDuration(const SpecNode& node, std::string_view path,
                                               std::chrono::milliseconds max);

}  // namespace snaprun::orchestrator
