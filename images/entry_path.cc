#include "images/entry_path.h"

namespace snaprun::images {
namespace {

Error Refuse(std::string_view name, std::string_view why) {
  return Error(ErrorCode::kInvalidInput,
               "refused entry '" + std::string(name) + "': " + std::string(why));
}

std::vector<std::string_view> Components(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) slash = text.size();
    std::string_view part = text.substr(start, slash - start);
    if (!part.empty() && part != ".") out.push_back(part);
    start = slash + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> SplitEntryPath(std::string_view name,
                                                const ExtractLimits& limits) {
  if (name.size() > limits.max_path_length) {
    return Error(ErrorCode::kLimitExceeded,
                 "refused entry '" + std::string(name.substr(0, 64)) + "…': name longer than " +
                     std::to_string(limits.max_path_length) + " bytes (--max-path-length)");
  }
  if (name.find('\0') != std::string_view::npos) return Refuse(name, "NUL byte in name");
  if (!name.empty() && name.front() == '/') return Refuse(name, "absolute path");
  std::vector<std::string> parts;
  for (std::string_view part : Components(name)) {
    if (part == "..") return Refuse(name, "'..' component");
    parts.emplace_back(part);
  }
  if (parts.size() > limits.max_depth) {
    return Error(ErrorCode::kLimitExceeded,
                 "refused entry '" + std::string(name) + "': nesting deeper than " +
                     std::to_string(limits.max_depth) + " (--max-depth)");
  }
  return parts;
}

std::string JoinPath(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out;
}

bool SymlinkEscapes(const std::vector<std::string>& parts, std::string_view target) {
  if (!target.empty() && target.front() == '/') return false;
  // The link lives in the directory of its parent: depth = components above it.
  long depth = static_cast<long>(parts.empty() ? 0 : parts.size() - 1);
  for (std::string_view part : Components(target)) {
    depth += part == ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

}  // namespace snaprun::images
