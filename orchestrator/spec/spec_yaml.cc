// yaml-cpp → SpecNode, built from parser events so every budget is checked before
// the memory is spent. Aliases are expanded by copying the anchored node, which is
// where YAML bombs multiply; the node budget stops them at the first copy too many.
#include "orchestrator/spec/spec_yaml.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>

#include "sandbox/base/unique_fd.h"

namespace snaprun::orchestrator {
namespace {

// Thrown from inside event callbacks to abort the parse; caught in ParseSpecYaml.
struct BuildAbort {
  Error error;
};

size_t CountNodes(const SpecNode& node) {
  size_t count = 1;
  for (const auto& item : node.items) count += CountNodes(item);
  for (const auto& [key, value] : node.entries) count += CountNodes(key) + CountNodes(value);
  return count;
}

// yaml-cpp counts columns in bytes; editors count characters. Converts a 0-based
// mark into a 1-based line and character column.
class PositionMap {
 public:
  PositionMap(std::string_view text, const std::string& label) : text_(text), label_(label) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  SourcePosition At(const YAML::Mark& mark) const {
    if (mark.line < 0 || static_cast<size_t>(mark.line) >= line_starts_.size()) {
      return {label_, mark.line + 1, mark.column + 1};
    }
    size_t start = line_starts_[mark.line];
    size_t end = std::min(text_.size(), start + std::max(mark.column, 0));
    int column = 1;
    for (size_t i = start; i < end; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return {label_, mark.line + 1, column};
  }

 private:
  std::string_view text_;
  const std::string& label_;
  std::vector<size_t> line_starts_;
};

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const PositionMap& positions, const YamlLimits& limits)
      : positions_(positions), limits_(limits) {}

  std::optional<SpecNode> TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      Fail(mark, "a run spec is a single YAML document; a second one starts here");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(MakeNode(mark, SpecNode::Kind::kNull), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (++aliases_ > limits_.max_aliases) {
      Fail(mark, "more than " + std::to_string(limits_.max_aliases) +
                     " aliases; a run spec needs few (is this a YAML bomb?)");
    }
    auto found = anchors_.find(anchor);
    if (found == anchors_.end()) Fail(mark, "alias refers to a node that is not complete yet");
    Charge(mark, found->second.second);
    Add(found->second.first, 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    CheckTag(mark, tag);
    SpecNode node = MakeNode(mark, SpecNode::Kind::kScalar);
    node.text = value;
    node.quoted = tag == "!";
    Add(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, tag, anchor, SpecNode::Kind::kSequence);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(mark, tag, anchor, SpecNode::Kind::kMap);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    SpecNode node;
    YAML::anchor_t anchor = 0;
    std::optional<SpecNode> pending_key;
  };

  [[noreturn]] void Fail(const YAML::Mark& mark, std::string message) {
    throw BuildAbort{Error(ErrorCode::kInvalidInput, std::move(message)).At(positions_.At(mark))};
  }

  void Charge(const YAML::Mark& mark, size_t nodes) {
    nodes_ += nodes;
    if (nodes_ > limits_.max_nodes) {
      Fail(mark, "the document expands to more than " + std::to_string(limits_.max_nodes) +
                     " YAML nodes; a run spec is small (is this a YAML bomb?)");
    }
  }

  SpecNode MakeNode(const YAML::Mark& mark, SpecNode::Kind kind) {
    Charge(mark, 1);
    SpecNode node;
    node.kind = kind;
    node.position = positions_.At(mark);
    return node;
  }

  void CheckTag(const YAML::Mark& mark, const std::string& tag) {
    if (tag != "?" && tag != "!" && !tag.empty()) {
      Fail(mark, "YAML tag '" + tag + "' is not supported in a run spec");
    }
  }

  void Open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            SpecNode::Kind kind) {
    CheckTag(mark, tag);
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      Fail(mark,
           "lists and mappings nest deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    stack_.push_back(Frame{MakeNode(mark, kind), anchor, std::nullopt});
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    Add(std::move(frame.node), frame.anchor);
  }

  void Add(SpecNode node, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = {node, CountNodes(node)};
    if (stack_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = stack_.back();
    if (top.node.kind == SpecNode::Kind::kSequence) {
      top.node.items.push_back(std::move(node));
    } else if (!top.pending_key) {
      AcceptKey(top, std::move(node));
    } else {
      // An empty value's mark is wherever the next token starts, often the next
      // line; the key is where a reader looks.
      if (node.kind == SpecNode::Kind::kNull) node.position = top.pending_key->position;
      top.node.entries.emplace_back(std::move(*top.pending_key), std::move(node));
      top.pending_key.reset();
    }
  }

  // yaml-cpp 0.7 keeps duplicate keys (the later one silently wins in lookups),
  // so they are refused here, where both positions are known.
  void AcceptKey(Frame& map, SpecNode key) {
    if (key.kind != SpecNode::Kind::kScalar) {
      throw BuildAbort{
          NodeError(key, "", "a mapping key must be a plain string, not " + key.Describe())};
    }
    for (const auto& [existing, value] : map.node.entries) {
      if (existing.text != key.text) continue;
      throw BuildAbort{NodeError(key, "",
                                 "duplicate key '" + key.text + "' (first at line " +
                                     std::to_string(existing.position.line) + ", column " +
                                     std::to_string(existing.position.column) + ")")};
    }
    map.pending_key = std::move(key);
  }

  const PositionMap& positions_;
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<SpecNode, size_t>> anchors_;
  std::optional<SpecNode> root_;
  size_t nodes_ = 0;
  int aliases_ = 0;
  int documents_ = 0;
};

std::string ParserMessage(const YAML::Exception& e) {
  std::string message = e.msg;
  if (!message.empty()) message[0] = static_cast<char>(std::tolower(message[0]));
  return "YAML syntax error: " + message;
}

// A spec that cannot be read is the user's input problem (exit 2), not a system fault.
Error CannotRead(const std::string& path) {
  int saved = errno;
  return Error(ErrorCode::kInvalidInput,
               std::string("cannot read the spec: ") + std::strerror(saved), saved)
      .At({path, 0, 0});
}

}  // namespace

Result<SpecNode> ParseSpecYaml(std::string_view text, const std::string& label,
                               const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error(ErrorCode::kInvalidInput, "spec is " + std::to_string(text.size()) +
                                               " bytes; the limit is " +
                                               std::to_string(limits.max_bytes) + " bytes")
        .At({label, 0, 0});
  }
  SNAPRUN_TRY(CheckSpecBytes(text, label));
  std::istringstream stream{std::string(text)};
  PositionMap positions(text, label);
  TreeBuilder builder(positions, limits);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (BuildAbort& abort) {
    return std::move(abort.error);
  } catch (const YAML::Exception& e) {
    return Error(ErrorCode::kInvalidInput, ParserMessage(e)).At(positions.At(e.mark));
  }
  std::optional<SpecNode> root = builder.TakeRoot();
  if (!root) {
    SpecNode empty;
    empty.position = {label, 1, 1};
    return empty;
  }
  return std::move(*root);
}

Result<SpecNode> LoadSpecYamlFile(const std::string& path, const YamlLimits& limits) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return CannotRead(path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return CannotRead(path);
  if (S_ISDIR(st.st_mode)) {
    return Error(ErrorCode::kInvalidInput, "is a directory; expected a run spec file (run.yaml)")
        .At({path, 0, 0});
  }
  // A regular file's size is known: refuse an oversized one without reading it.
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > limits.max_bytes) {
    return Error(ErrorCode::kInvalidInput, "spec is " + std::to_string(st.st_size) +
                                               " bytes; the limit is " +
                                               std::to_string(limits.max_bytes) + " bytes")
        .At({path, 0, 0});
  }
  std::string text;
  char buffer[65536];
  while (text.size() <= limits.max_bytes) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return CannotRead(path);
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return ParseSpecYaml(text, path, limits);
}

}  // namespace snaprun::orchestrator
