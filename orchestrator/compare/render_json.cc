// JSON rendering; the keys are documented in compare_render.h and are part of the CLI's
// output contract. Key order is kept so the output reads top-down.
#include <Poco/JSON/Array.h>

#include <cstdio>

#include "orchestrator/compare/compare_render.h"
#include "orchestrator/snapshot/manifest.h"

namespace snaprun::orchestrator {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr NewObject() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string Hex(const std::string& bytes) {
  std::string hex;
  char buf[3];
  for (unsigned char c : bytes) {
    snprintf(buf, sizeof buf, "%02x", c);
    hex += buf;
  }
  return hex;
}

// Non-UTF-8 text cannot be a JSON string: such paths and targets go out as hex, as in
// manifests.
void SetText(Object& object, const std::string& key, const std::string& value) {
  if (IsValidUtf8(value)) {
    object.set(key, value);
  } else {
    object.set(key + "_hex", Hex(value));
  }
}

Object::Ptr EntryJson(const TreeEntry& entry) {
  Object::Ptr object = NewObject();
  const char* type = entry.type == EntryType::kFile        ? "file"
                     : entry.type == EntryType::kDirectory ? "directory"
                                                           : "symlink";
  object->set("type", type);
  char mode[16];
  snprintf(mode, sizeof mode, "%04o", entry.mode);
  object->set("mode", std::string(mode));
  object->set("size", entry.size);
  object->set("digest", entry.digest);
  if (entry.type == EntryType::kSymlink) SetText(*object, "target", entry.target);
  return object;
}

Array::Ptr StringArray(const std::vector<std::string>& strings) {
  Array::Ptr array = new Array;
  for (const std::string& s : strings) array->add(s);
  return array;
}

Array::Ptr HunksJson(const std::vector<DiffHunk>& hunks) {
  Array::Ptr array = new Array;
  for (const DiffHunk& hunk : hunks) {
    Object::Ptr object = NewObject();
    object->set("a_start", hunk.a_start);
    object->set("a_count", hunk.a_count);
    object->set("b_start", hunk.b_start);
    object->set("b_count", hunk.b_count);
    object->set("lines", StringArray(hunk.lines));
    array->add(object);
  }
  return array;
}

Array::Ptr ChangesJson(const std::vector<StructuralChange>& changes) {
  Array::Ptr array = new Array;
  for (const StructuralChange& change : changes) {
    Object::Ptr object = NewObject();
    object->set("location", change.location);
    if (change.a) object->set("a", *change.a);
    if (change.b) object->set("b", *change.b);
    if (change.row != 0) object->set("row", change.row);
    if (change.column != 0) object->set("column", change.column);
    if (!change.column_name.empty()) object->set("column_name", change.column_name);
    array->add(object);
  }
  return array;
}

Object::Ptr ContentJson(const ContentDifference& c) {
  Object::Ptr object = NewObject();
  object->set("format", ContentFormatName(c.format));
  object->set("truncated", c.truncated);
  object->set("omitted", c.omitted);
  object->set("notes", StringArray(c.notes));
  object->set("hunks", HunksJson(c.hunks));
  object->set("changes", ChangesJson(c.changes));
  if (c.first_line) {
    Object::Ptr line = NewObject();
    line->set("line", c.first_line->line);
    if (c.first_line->a) line->set("a", *c.first_line->a);
    if (c.first_line->b) line->set("b", *c.first_line->b);
    object->set("first_line", line);
  }
  if (c.first_byte) object->set("first_byte", *c.first_byte);
  return object;
}

Object::Ptr DifferenceJson(const FileDifference& d) {
  Object::Ptr object = NewObject();
  SetText(*object, "path", d.path);
  Array::Ptr kinds = new Array;
  for (ChangeKind kind : d.kinds) kinds->add(std::string(ChangeKindName(kind)));
  object->set("kinds", kinds);
  if (d.a) object->set("a", EntryJson(*d.a));
  if (d.b) object->set("b", EntryJson(*d.b));
  if (d.content) object->set("content", ContentJson(*d.content));
  return object;
}

}  // namespace

Object::Ptr ComparisonToJson(const TreeComparison& comparison) {
  Object::Ptr root = NewObject();
  root->set("same", comparison.Same());
  root->set("identical", comparison.identical);
  root->set("within_tolerance", comparison.within_tolerance);
  Array::Ptr differences = new Array;
  for (const FileDifference& d : comparison.differences) differences->add(DifferenceJson(d));
  root->set("differences", differences);
  return root;
}

}  // namespace snaprun::orchestrator
