// The one yaml-cpp adapter for run specs: bytes in, SpecNode out. Input is checked
// before yaml-cpp sees it (size, UTF-8, NUL, tab indentation) and the tree is built
// from parser events under fixed budgets, so hostile input (alias bombs, deep
// nesting, huge files) is refused without allocating in proportion to its expansion.
// yaml-cpp exceptions never leave this adapter; errors carry 1-based FILE:LINE:COL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "orchestrator/spec/spec_node.h"
#include "sandbox/base/error.h"

namespace snaprun::orchestrator {

struct YamlLimits {
  size_t max_bytes = 1 << 20;  // a spec is a page of text: 1 MiB is generous
  size_t max_nodes = 10000;    // nodes after alias expansion
  int max_aliases = 32;        // alias uses (*name) per document
  int max_depth = 32;          // nesting of lists and mappings
};

// Parses TEXT; LABEL names it in positions (the file name, or "--set K=V").
Result<SpecNode> ParseSpecYaml(std::string_view text, const std::string& label,
                               const YamlLimits& limits = {});
// Reads at most limits.max_bytes from PATH (a larger file is refused unread) and parses it.
Result<SpecNode> LoadSpecYamlFile(const std::string& path, const YamlLimits& limits = {});

// Byte-level checks run before parsing: valid UTF-8 without NUL, no tab in the
// indentation of any line (tabs are never indentation in YAML; even inside block
// scalars a leading tab is refused, to keep the rule one line long).
Result<void> CheckSpecBytes(std::string_view text, const std::string& label);

}  // namespace snaprun::orchestrator
