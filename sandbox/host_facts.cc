#include "sandbox/host_facts.h"

#include <fstream>
#include <sstream>

namespace snaprun::sandbox::host {

std::optional<std::string> ReadTrimmed(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::optional<long long> ReadInteger(const std::string& path) {
  std::optional<std::string> text = ReadTrimmed(path);
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    long long value = std::stoll(*text, &used);
    if (used != text->size()) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const char* CgroupLayoutName(CgroupLayout layout) {
  switch (layout) {
    case CgroupLayout::kNone: return "none";
    case CgroupLayout::kV1: return "v1";
    case CgroupLayout::kV2: return "v2";
    case CgroupLayout::kHybrid: return "hybrid";
  }
  return "?";
}

CgroupMounts ParseCgroupMounts(const std::string& mountinfo) {
  CgroupMounts mounts;
  std::istringstream lines(mountinfo);
  for (std::string line; std::getline(lines, line);) {
    // Fields after " - " are: fstype, source, super options.
    size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream head(line.substr(0, dash));
    std::istringstream tail(line.substr(dash + 3));
    std::string id, parent, devno, root, mount_point, fstype, source, super_options;
    head >> id >> parent >> devno >> root >> mount_point;
    tail >> fstype >> source >> super_options;
    if (fstype == "cgroup2") {
      mounts.v2_mount = mount_point;
    } else if (fstype == "cgroup") {
      std::istringstream options(super_options);
      for (std::string option; std::getline(options, option, ',');) {
        if (option == "rw" || option == "ro" || option.find('=') != std::string::npos) continue;
        mounts.v1_mounts.emplace(option, mount_point);
      }
    }
  }
  bool v1 = !mounts.v1_mounts.empty();
  bool v2 = !mounts.v2_mount.empty();
  mounts.layout = v1 && v2 ? CgroupLayout::kHybrid
                  : v1     ? CgroupLayout::kV1
                  : v2     ? CgroupLayout::kV2
                           : CgroupLayout::kNone;
  return mounts;
}

std::map<std::string, std::string> ParseOwnCgroups(const std::string& proc_self_cgroup) {
  std::map<std::string, std::string> paths;
  std::istringstream lines(proc_self_cgroup);
  for (std::string line; std::getline(lines, line);) {
    size_t first = line.find(':');
    size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    if (controllers.empty()) {
      paths[""] = path;
      continue;
    }
    std::istringstream names(controllers);
    for (std::string name; std::getline(names, name, ',');) paths[name] = path;
  }
  return paths;
}

unsigned long long SubordinateIdCount(const std::string& text, const std::string& user, uid_t uid) {
  unsigned long long total = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string owner, start, count;
    if (!std::getline(fields, owner, ':') || !std::getline(fields, start, ':') ||
        !std::getline(fields, count)) {
      continue;
    }
    if (owner != user && owner != std::to_string(uid)) continue;
    try {
      total += std::stoull(count);
    } catch (const std::exception&) {
      // A malformed line grants nothing, as in shadow-utils.
    }
  }
  return total;
}

}  // namespace snaprun::sandbox::host
