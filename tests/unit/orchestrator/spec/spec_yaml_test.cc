// The YAML adapter against hostile and malformed input: bombs, huge files, deep
// nesting, invalid UTF-8, tabs; positions are 1-based and count characters.
#include "orchestrator/spec/spec_yaml.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

std::string ErrorOf(std::string_view text) {
  Result<SpecNode> node = ParseSpecYaml(text, "spec.yaml");
  if (node.has_value()) return "accepted";
  return node.error().ToString();
}

// The classic billion laughs: 9 levels of 9 aliases each, 9^9 strings expanded.
std::string BillionLaughs() {
  std::string text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char level = 'b'; level <= 'i'; ++level) {
    std::string previous(1, static_cast<char>(level - 1));
    text += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ", *" : "*") + previous;
    text += "]\n";
  }
  return text;
}

// Under the alias cap (30 aliases) yet 2^16 nodes when expanded.
std::string DoublingBomb() {
  std::string text = "l0: &l0 [x, x]\n";
  for (int i = 1; i <= 15; ++i) {
    std::string prev = "l" + std::to_string(i - 1), name = "l" + std::to_string(i);
    text += name + ": &" + name + " [*" + prev + ", *" + prev + "]\n";
  }
  return text;
}

long StatusKilobytes(const char* field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(field)) return std::stol(line.substr(std::strlen(field)));
  }
  return -1;
}

// Parses TEXT in a child process and returns how much its peak RSS grew, in KiB,
// or -1 if the parse was accepted. The peak is reset first via clear_refs, so
// whatever this test process used before does not hide the growth.
long ParsePeakGrowthKb(const std::string& text) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd >= 0) {
      [[maybe_unused]] ssize_t n = write(fd, "5", 1);
      close(fd);
    }
    long before = StatusKilobytes("VmHWM:");
    bool refused = !ParseSpecYaml(text, "bomb.yaml").has_value();
    long growth = StatusKilobytes("VmHWM:") - before;
    _exit(refused ? static_cast<int>(std::min(growth / 1024, 250L)) : 255);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 255) return -1;
  return WEXITSTATUS(status) * 1024L;
}

TEST(SpecYamlBombs, BillionLaughsIsRefusedWithBoundedMemory) {
  std::string error = ErrorOf(BillionLaughs());
  EXPECT_NE(error.find("is this a YAML bomb?"), std::string::npos) << error;
  long growth_kb = ParsePeakGrowthKb(BillionLaughs());
  ASSERT_GE(growth_kb, 0) << "the bomb was accepted";
  EXPECT_LT(growth_kb, 64 * 1024) << "peak memory grew by " << growth_kb << " KiB";
}

TEST(SpecYamlBombs, ExpansionUnderTheAliasCapHitsTheNodeBudget) {
  EXPECT_EQ(ErrorOf(DoublingBomb()),
            "spec.yaml:12:12: the document expands to more than 10000 YAML nodes; a run spec is "
            "small (is this a YAML bomb?)");
  long growth_kb = ParsePeakGrowthKb(DoublingBomb());
  ASSERT_GE(growth_kb, 0);
  EXPECT_LT(growth_kb, 64 * 1024);
}

TEST(SpecYamlBombs, TooManyAliasesAreRefused) {
  std::string text = "a: &a x\nb: [";
  for (int i = 0; i < 33; ++i) text += "*a, ";
  text += "]\n";
  EXPECT_EQ(ErrorOf(text),
            "spec.yaml:2:133: more than 32 aliases; a run spec needs few (is this a YAML bomb?)");
}

TEST(SpecYamlBombs, WideDocumentsHitTheNodeBudget) {
  std::string text = "x: [";
  for (int i = 0; i < 20000; ++i) text += "1,";
  text += "]\n";
  EXPECT_NE(ErrorOf(text).find("more than 10000 YAML nodes"), std::string::npos);
}

TEST(SpecYamlBombs, DeepNestingIsRefused) {
  // The root mapping and 31 lists make 32 levels; the 32nd list is one too many.
  EXPECT_EQ(ErrorOf("x: " + std::string(31, '[') + std::string(31, ']')), "accepted");
  EXPECT_EQ(ErrorOf("x: " + std::string(40, '[') + std::string(40, ']')),
            "spec.yaml:1:35: lists and mappings nest deeper than 32 levels");
  EXPECT_NE(ErrorOf("x: " + std::string(100000, '[')).find("nest deeper than 32 levels"),
            std::string::npos);
}

TEST(SpecYamlBombs, RecursiveAliasIsRefused) {
  EXPECT_EQ(ErrorOf("a: &a [*a]\n"),
            "spec.yaml:1:8: alias refers to a node that is not complete yet");
}

TEST(SpecYamlFile, HugeFileIsRefusedUnread) {
  testing::TempDir dir;
  std::string path = dir.path() + "/huge.yaml";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, 50 << 20), 0);  // sparse: 50 MB without writing them
  close(fd);
  Result<SpecNode> node = LoadSpecYamlFile(path);
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(node.error().ToString(), path + ": spec is 52428800 bytes; the limit is 1048576 bytes");
}

TEST(SpecYamlFile, EndlessStreamIsCutAtTheLimit) {
  Result<SpecNode> node = LoadSpecYamlFile("/dev/zero");
  ASSERT_FALSE(node.has_value());
  EXPECT_NE(node.error().message().find("the limit is 1048576 bytes"), std::string::npos);
}

TEST(SpecYamlFile, MissingFileIsInvalidInput) {
  Result<SpecNode> node = LoadSpecYamlFile("/nonexistent/run.yaml");
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(node.error().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(node.error().ToString(),
            "/nonexistent/run.yaml: cannot read the spec: No such file or directory");
}

TEST(SpecYamlInput, InvalidUtf8IsReportedAtItsCharacter) {
  EXPECT_EQ(ErrorOf("name: x\nenv: {A: \"caf\xc3\xa9 \xe9t\xe9\"}\n"),
            "spec.yaml:2:16: invalid UTF-8 byte sequence; a spec must be UTF-8 text");
  EXPECT_EQ(ErrorOf("a: \xed\xa0\x80\n"),
            "spec.yaml:1:4: invalid UTF-8 byte sequence; a spec must be UTF-8 text");
  EXPECT_EQ(ErrorOf("a: \xc0\xaf\n"),
            "spec.yaml:1:4: invalid UTF-8 byte sequence; a spec must be UTF-8 text");
  EXPECT_EQ(ErrorOf("a: \xf4\x90\x80\x80\n"),
            "spec.yaml:1:4: invalid UTF-8 byte sequence; a spec must be UTF-8 text");
  EXPECT_EQ(ErrorOf("a: b\xe2\x82"),
            "spec.yaml:1:5: invalid UTF-8 byte sequence; a spec must be UTF-8 text");
}

TEST(SpecYamlInput, ValidUtf8IsAccepted) {
  EXPECT_EQ(ErrorOf("\xef\xbb\xbfname: caf\xc3\xa9 \xf0\x9f\x9a\x80\n"), "accepted");
}

TEST(SpecYamlInput, TabIndentationNamesTheLine) {
  EXPECT_EQ(
      ErrorOf("resources:\n  memory: 1GiB\n \tpids: 5\n"),
      "spec.yaml:3:2: tab character in the indentation of line 3; YAML indents with spaces only");
  EXPECT_EQ(ErrorOf("name: a\tb  # tabs after content are fine\n"), "accepted");
}

TEST(SpecYamlInput, NulByteIsRefused) {
  EXPECT_EQ(ErrorOf(std::string("name: a\0b\n", 10)),
            "spec.yaml:1:8: NUL byte; a spec must be text");
}

TEST(SpecYamlPositions, ColumnsCountCharactersNotBytes) {
  EXPECT_EQ(ErrorOf("\"\xc3\xa9\": x: y\n"), "spec.yaml:1:7: YAML syntax error: illegal map value");
}

TEST(SpecYamlPositions, DuplicateKeysNameBothPlaces) {
  EXPECT_EQ(ErrorOf("env:\n  A: 1\n  B: 2\n  A: 3\n"),
            "spec.yaml:4:3: duplicate key 'A' (first at line 2, column 3)");
  EXPECT_EQ(ErrorOf("{a: 1, a: 2}"),
            "spec.yaml:1:8: duplicate key 'a' (first at line 1, column 2)");
}

TEST(SpecYamlTree, ScalarsKeepTheirStyle) {
  Result<SpecNode> node = ParseSpecYaml("a: 1\nb: \"1\"\nc: |\n  text\nd:\ne: &x y\nf: *x\n", "s");
  ASSERT_TRUE(node.has_value()) << node.error().ToString();
  EXPECT_EQ(node->Find("a")->Resolve(), SpecNode::ScalarType::kInteger);
  EXPECT_EQ(node->Find("b")->Resolve(), SpecNode::ScalarType::kString);
  EXPECT_EQ(node->Find("c")->text, "text\n");
  EXPECT_EQ(node->Find("c")->Resolve(), SpecNode::ScalarType::kString);
  EXPECT_EQ(node->Find("d")->kind, SpecNode::Kind::kNull);
  EXPECT_EQ(node->Find("f")->text, "y");
}

TEST(SpecYamlTree, CoreSchemaResolution) {
  auto type_of = [](const char* text) {
    Result<SpecNode> node = ParseSpecYaml(std::string("v: ") + text, "s");
    return node->Find("v")->Resolve();
  };
  using T = SpecNode::ScalarType;
  EXPECT_EQ(type_of("0x1F"), T::kInteger);
  EXPECT_EQ(type_of("-12"), T::kInteger);
  EXPECT_EQ(type_of("1.5e3"), T::kFloat);
  EXPECT_EQ(type_of(".inf"), T::kFloat);
  EXPECT_EQ(type_of("true"), T::kBool);
  EXPECT_EQ(type_of("yes"), T::kString);  // YAML 1.2: only true/false are booleans
  EXPECT_EQ(type_of("~"), T::kNull);
  EXPECT_EQ(type_of("1.2.3"), T::kString);
}

}  // namespace
}  // namespace snaprun::orchestrator
