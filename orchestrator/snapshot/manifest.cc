#include "orchestrator/snapshot/manifest.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

#include "sandbox/base/sha256.h"

namespace snaprun::orchestrator {
namespace {

constexpr int kManifestVersion = 1;

const char* TypeName(EntryType type) {
  switch (type) {
    case EntryType::kFile:
      return "file";
    case EntryType::kDirectory:
      return "dir";
    case EntryType::kSymlink:
      return "symlink";
  }
  return "file";
}

std::string Octal(uint32_t mode) {
  char buf[16];
  snprintf(buf, sizeof buf, "%04o", mode);
  return buf;
}

std::string ToHex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

bool FromHex(const std::string& hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int value = 0;
    if (sscanf(hex.substr(i, 2).c_str(), "%2x", &value) != 1) return false;
    out += static_cast<char>(value);
  }
  return true;
}

// "N:bytes": length-prefixed, so any byte (newline, space) in a path stays unambiguous.
void AppendField(std::string& out, std::string_view bytes) {
  out += std::to_string(bytes.size());
  out += ':';
  out.append(bytes);
}

void SetText(Poco::JSON::Object& object, const std::string& key, const std::string& value) {
  if (IsValidUtf8(value)) {
    object.set(key, value);
  } else {
    object.set(key + "_hex", ToHex(value));
  }
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    if (c >= 0x80) {
      if ((c >> 5) == 6)
        extra = 1;
      else if ((c >> 4) == 14)
        extra = 2;
      else if ((c >> 3) == 30)
        extra = 3;
      else
        return false;
    }
    if (i + extra >= text.size()) return false;
    uint32_t code = extra == 0 ? c : c & (0x3Fu >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc >> 6) != 2) return false;
      code = (code << 6) | (cc & 0x3Fu);
    }
    if (code < kMin[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::string CanonicalManifest(const std::vector<TreeEntry>& sorted_entries) {
  std::string out = "snaprun-snapshot-v1\n";
  for (const TreeEntry& e : sorted_entries) {
    out += e.type == EntryType::kFile ? 'f' : e.type == EntryType::kDirectory ? 'd' : 'l';
    out += ' ' + Octal(e.mode) + ' ' + std::to_string(e.size) + ' ';
    AppendField(out, e.path);
    out += ' ';
    if (e.type == EntryType::kFile) out += e.digest;
    if (e.type == EntryType::kSymlink) AppendField(out, e.target);
    out += '\n';
  }
  return out;
}

Manifest BuildManifest(std::vector<TreeEntry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
  Manifest manifest;
  for (TreeEntry& e : entries) {
    if (e.type == EntryType::kSymlink) e.mode = 0777;
    if (e.type != EntryType::kFile) e.size = 0;
    if (e.type != EntryType::kDirectory) ++manifest.files;
    manifest.bytes += e.size;
  }
  manifest.digest = Sha256Hex(CanonicalManifest(entries));
  manifest.entries = std::move(entries);
  return manifest;
}

std::string ManifestToJson(const Manifest& manifest) {
  Poco::JSON::Array entries;
  for (const TreeEntry& e : manifest.entries) {
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    SetText(entry, "path", e.path);
    entry.set("type", std::string(TypeName(e.type)));
    entry.set("mode", Octal(e.mode));
    if (e.type == EntryType::kFile) {
      entry.set("size", e.size);
      entry.set("digest", e.digest);
    }
    if (e.type == EntryType::kSymlink) SetText(entry, "target", e.target);
    entries.add(entry);
  }
  Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("version", kManifestVersion);
  root.set("digest", manifest.digest);
  root.set("files", manifest.files);
  root.set("bytes", manifest.bytes);
  root.set("entries", entries);
  std::ostringstream out;
  root.stringify(out);
  out << '\n';
  return out.str();
}

namespace {

Result<std::string> GetText(const Poco::JSON::Object::Ptr& object, const std::string& key,
                            const std::string& source) {
  if (object->has(key)) return object->getValue<std::string>(key);
  std::string decoded;
  if (object->has(key + "_hex") && FromHex(object->getValue<std::string>(key + "_hex"), decoded)) {
    return decoded;
  }
  return Error(ErrorCode::kCorrupt, source + ": entry without \"" + key + "\"");
}

Result<TreeEntry> EntryFromJson(const Poco::JSON::Object::Ptr& object, const std::string& source) {
  TreeEntry e;
  e.path = SNAPRUN_TRY(GetText(object, "path", source));
  std::string type = object->getValue<std::string>("type");
  e.mode = static_cast<uint32_t>(std::stoul(object->getValue<std::string>("mode"), nullptr, 8));
  if (type == "file") {
    e.type = EntryType::kFile;
    e.size = object->getValue<uint64_t>("size");
    e.digest = object->getValue<std::string>("digest");
  } else if (type == "dir") {
    e.type = EntryType::kDirectory;
  } else if (type == "symlink") {
    e.type = EntryType::kSymlink;
    e.target = SNAPRUN_TRY(GetText(object, "target", source));
  } else {
    return Error(ErrorCode::kCorrupt, source + ": unknown entry type \"" + type + "\"");
  }
  return e;
}

}  // namespace

Result<Manifest> ManifestFromJson(const std::string& text, const std::string& source) {
  std::vector<TreeEntry> entries;
  std::string recorded;
  try {
    Poco::JSON::Parser parser;
    auto root = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    recorded = root->getValue<std::string>("digest");
    auto array = root->getArray("entries");
    if (!array) return Error(ErrorCode::kCorrupt, source + ": no \"entries\"");
    for (size_t i = 0; i < array->size(); ++i) {
      entries.push_back(
          SNAPRUN_TRY(EntryFromJson(array->getObject(static_cast<unsigned>(i)), source)));
    }
  } catch (const std::exception& e) {
    return Error(ErrorCode::kCorrupt, source + ": not a snapshot manifest: " + e.what());
  }
  Manifest manifest = BuildManifest(std::move(entries));
  if (manifest.digest != recorded) {
    return Error(ErrorCode::kCorrupt, source + ": entries hash to " + manifest.digest +
                                          ", not the recorded " + recorded);
  }
  return manifest;
}

}  // namespace snaprun::orchestrator
