#include "images/names.h"

#include <sys/stat.h>

#include "images/host_image.h"
#include "images/json.h"
#include "sandbox/base/atomic_file.h"

namespace snaprun::images {
namespace {

std::string NamesPath(const std::string& root) { return root + "/names.json"; }

bool NameChar(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return !first && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-');
}

}  // namespace

Result<NameMap> LoadNames(const std::string& store_root) {
  NameMap names;
  struct stat st {};
  if (::stat(NamesPath(store_root).c_str(), &st) != 0) return names;
  std::string text = SNAPRUN_TRY(ReadFile(NamesPath(store_root)));
  json::ObjectPtr object = SNAPRUN_TRY(json::ParseObject(text, NamesPath(store_root)));
  for (const std::string& name : object->getNames()) {
    names[name] = SNAPRUN_TRY(json::String(object, name, NamesPath(store_root)));
  }
  return names;
}

Result<void> SaveNames(const std::string& store_root, const NameMap& names) {
  json::ObjectPtr object = json::NewObject();
  for (const auto& [name, digest] : names) object->set(name, digest);
  return WriteFileAtomic(NamesPath(store_root), json::Dump(object));
}

Result<void> ValidateName(const std::string& name) {
  bool ok =
      !name.empty() && name.size() <= 128 && name != kHostImageName && !name.starts_with("sha256:");
  for (size_t i = 0; ok && i < name.size(); ++i) ok = NameChar(name[i], i == 0);
  if (!ok) {
    return Error(ErrorCode::kInvalidInput,
                 "invalid image name '" + name +
                     "': use letters, digits and . _ : / - (not 'host', not a digest)");
  }
  return Ok();
}

}  // namespace snaprun::images
