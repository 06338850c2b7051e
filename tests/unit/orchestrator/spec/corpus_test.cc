// The spec corpus (testdata/valid, testdata/invalid) and the examples: the parser's
// verdict and exact error for each, and agreement with the JSON Schema as an oracle.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "orchestrator/spec/spec_loader.h"
#include "tests/support/process.h"

namespace snaprun::orchestrator {
namespace {

namespace fs = std::filesystem;
using snaprun::testing::SourcePath;

const std::string kTestdata = "tests/unit/orchestrator/spec/testdata";

// Corpus files relative to the testdata directory, plus examples/*/run.yaml.
std::vector<std::string> CorpusFiles(const std::string& subdir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(SourcePath(kTestdata + "/" + subdir))) {
    if (entry.path().extension() == ".yaml")
      files.push_back(subdir + "/" + entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> ExampleSpecs() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(SourcePath("examples"))) {
    fs::path spec = entry.path() / "run.yaml";
    if (fs::exists(spec)) files.push_back(spec.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

TEST(SpecCorpus, ValidSpecsLoad) {
  std::vector<std::string> files = CorpusFiles("valid");
  ASSERT_GE(files.size(), 10u);
  for (const std::string& file : files) {
    Result<RunSpec> spec = LoadRunSpec(SourcePath(kTestdata + "/" + file));
    EXPECT_TRUE(spec.has_value()) << spec.error().ToString();
  }
}

TEST(SpecCorpus, ExamplesLoad) {
  std::vector<std::string> files = ExampleSpecs();
  ASSERT_GE(files.size(), 3u);
  for (const std::string& file : files) {
    Result<RunSpec> spec = LoadRunSpec(file);
    EXPECT_TRUE(spec.has_value()) << spec.error().ToString();
  }
}

// Each invalid file opens with "# expect: LINE:COL: MESSAGE", the exact error.
TEST(SpecCorpus, InvalidSpecsFailWithTheExpectedError) {
  std::vector<std::string> files = CorpusFiles("invalid");
  ASSERT_GE(files.size(), 50u);
  for (const std::string& file : files) {
    std::string path = SourcePath(kTestdata + "/" + file);
    std::string header = FirstLine(path);
    ASSERT_TRUE(header.starts_with("# expect: ")) << file;
    Result<RunSpec> spec = LoadRunSpec(path);
    ASSERT_FALSE(spec.has_value()) << file << " was accepted";
    EXPECT_EQ(spec.error().code(), ErrorCode::kInvalidInput) << file;
    EXPECT_EQ(spec.error().ToString(), path + ":" + header.substr(10)) << file;
  }
}

std::map<std::string, std::string> Exclusions() {
  std::map<std::string, std::string> out;
  std::ifstream in(SourcePath(kTestdata + "/schema_exclusions.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    out[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return out;
}

// "accept" / "reject" per file from the Python jsonschema oracle.
std::map<std::string, std::string> OracleVerdicts(const std::vector<std::string>& files) {
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   SourcePath("tests/unit/orchestrator/spec/schema_oracle.py"),
                                   SourcePath("orchestrator/spec/schema/run.schema.json")};
  argv.insert(argv.end(), files.begin(), files.end());
  testing::CommandResult result = testing::RunCommand(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, std::string> verdicts;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    size_t space = line.find(' ');
    std::string file = line.substr(space + 1, line.find(": ", space) - space - 1);
    verdicts[file] = line.substr(0, space);
  }
  return verdicts;
}

TEST(SpecSchema, SchemaAndParserAgreeOnEveryExample) {
  if (!fs::exists("/usr/bin/python3"))
    GTEST_FAIL() << "/usr/bin/python3 missing: run scripts/setup-deps.sh";
  std::vector<std::string> files;
  for (const auto& subdir : {"valid", "invalid"}) {
    for (const std::string& file : CorpusFiles(subdir))
      files.push_back(SourcePath(kTestdata + "/" + file));
  }
  for (const std::string& file : ExampleSpecs()) files.push_back(file);
  std::map<std::string, std::string> verdicts = OracleVerdicts(files);
  std::map<std::string, std::string> exclusions = Exclusions();
  std::set<std::string> excluded_seen;
  for (const std::string& file : files) {
    ASSERT_TRUE(verdicts.count(file)) << "no oracle verdict for " << file;
    bool parser_accepts = LoadRunSpec(file).has_value();
    bool schema_accepts = verdicts[file] == "accept";
    std::string relative = fs::relative(file, SourcePath(kTestdata)).string();
    if (exclusions.count(relative)) {
      excluded_seen.insert(relative);
      EXPECT_TRUE(schema_accepts && !parser_accepts)
          << relative << " is excluded because " << exclusions[relative]
          << ", so the schema must accept it and the parser refuse it";
      continue;
    }
    EXPECT_EQ(parser_accepts, schema_accepts)
        << file << ": parser " << (parser_accepts ? "accepts" : "refuses") << ", schema "
        << (schema_accepts ? "accepts" : "refuses");
  }
  EXPECT_EQ(excluded_seen.size(), exclusions.size()) << "an exclusion names a missing file";
}

}  // namespace
}  // namespace snaprun::orchestrator
