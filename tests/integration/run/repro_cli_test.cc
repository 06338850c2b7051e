// `snaprun repro` and `snaprun diff` end to end through the CLI, rootless (as the test
// user) and as root. Each variation is switched on alone against a command that writes
// one probe per variation into outputs/: exactly that probe's file must differ, and with
// nothing varied the runs must match. No test asserts on wall time.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/run/run_harness.h"

namespace snaprun::testing {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// One output file per variation; the clock probe only says whether the boot clock is
// more than a year ahead, so the control and an unvaried run agree. The environment is
// read from /proc, as the shell received it: sh rebuilds its children's environment in
// an order of its own. Modes are pinned at the end, or the umask variation would show in
// every file.
const char* kProbeSpec = R"(name: probes
command: |
  hostname > outputs/hostname
  tr '\0' '\n' < /proc/$$/environ > outputs/env-order
  umask > outputs/umask
  echo "$LANG $LC_ALL" > outputs/locale
  date +%z > outputs/timezone
  nproc > outputs/cpus
  echo $(( $(cut -d. -f1 /proc/uptime) > 31000000 )) > outputs/clock
  pwd > outputs/path
  echo "$SNAPRUN_RUN_ID" > outputs/run-id
  ls -f data > outputs/dir-order
  chmod 644 outputs/*
)";

// Files the dir-order probe lists: enough that two orders agree only by design.
std::vector<std::pair<std::string, std::string>> ProbeData() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const char* name : {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"}) {
    files.emplace_back(std::string("data/") + name, name);
  }
  return files;
}

std::set<std::string> DifferingPaths(const Object::Ptr& report) {
  std::set<std::string> paths;
  Array::Ptr comparisons = report->getArray("comparisons");
  for (size_t i = 0; i < comparisons->size(); ++i) {
    Object::Ptr outputs = comparisons->getObject(i)->getObject("outputs");
    Array::Ptr differences = outputs->getArray("differences");
    for (size_t j = 0; j < differences->size(); ++j) {
      paths.insert(differences->getObject(j)->getValue<std::string>("path"));
    }
  }
  return paths;
}

Object::Ptr ParseObject(const std::string& text) {
  try {
    return Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    ADD_FAILURE() << e.displayText() << "\n" << text;
    return nullptr;
  }
}

std::string SourceText(const std::string& relative) { return ReadText(SourcePath(relative)); }

bool HostHasPython() { return std::filesystem::exists("/usr/bin/python3"); }

class ReproCli : public ModeTest {
 protected:
  // Runs the probe spec under VARY; returns the parsed JSON report and sets *EXIT.
  Object::Ptr Probe(const std::string& vary, int* exit_code) {
    if (probe_spec_.empty()) probe_spec_ = h().WriteSpec(kProbeSpec, ProbeData());
    CommandResult r = h().Snaprun({"repro", probe_spec_, "--vary", vary, "--json"});
    *exit_code = r.exit_code;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    return ParseObject(r.out);
  }

  std::string probe_spec_;
};

TEST_P(ReproCli, NothingVariedReproduces) {
  int exit_code = -1;
  Object::Ptr report = Probe("none", &exit_code);
  ASSERT_TRUE(report);
  EXPECT_EQ(exit_code, 0);
  EXPECT_TRUE(report->getValue<bool>("reproducible"));
  EXPECT_TRUE(DifferingPaths(report).empty());
}

TEST_P(ReproCli, EachVariationIsSeenByItsProbeAlone) {
  const std::vector<std::pair<std::string, std::set<std::string>>> cases = {
      {"hostname", {"hostname"}},
      {"env-order", {"env-order"}},
      {"umask", {"umask"}},
      {"locale", {"locale", "env-order"}},
      {"timezone", {"timezone", "env-order"}},
      {"clock", {"clock"}},
      {"path", {"path", "run-id", "env-order"}},
      {"dir-order", {"dir-order"}},
  };
  for (const auto& [vary, expected] : cases) {
    int exit_code = -1;
    Object::Ptr report = Probe(vary, &exit_code);
    ASSERT_TRUE(report) << vary;
    EXPECT_EQ(exit_code, 1) << vary;
    EXPECT_FALSE(report->getValue<bool>("reproducible")) << vary;
    EXPECT_EQ(DifferingPaths(report), expected) << vary;
  }
}

TEST_P(ReproCli, CpuVariationNeedsTwoCpusAndSaysWhenItCannot) {
  int exit_code = -1;
  Object::Ptr report = Probe("cpus", &exit_code);
  ASSERT_TRUE(report);
  if (std::thread::hardware_concurrency() > 1) {
    EXPECT_EQ(exit_code, 1);
    EXPECT_EQ(DifferingPaths(report), std::set<std::string>{"cpus"});
  } else {
    EXPECT_EQ(exit_code, 0);
    std::ostringstream json;
    report->stringify(json);
    EXPECT_NE(json.str().find("only one CPU"), std::string::npos) << json.str();
  }
}

TEST_P(ReproCli, RunsAreOrdinaryRunsGroupedUnderTheCheck) {
  std::string spec = h().WriteSpec(kProbeSpec, ProbeData());
  CommandResult r = h().Snaprun({"repro", spec, "--runs", "3", "--vary", "hostname", "--json"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  Object::Ptr report = ParseObject(r.out);
  ASSERT_TRUE(report);
  std::string repro = report->getValue<std::string>("repro");
  Array::Ptr runs = report->getArray("runs");
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ(report->getArray("comparisons")->size(), 2u);
  CommandResult listed = h().Snaprun({"ls", "--repro", repro, "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto parsed = Poco::JSON::Parser().parse(listed.out).extract<Array::Ptr>();
  ASSERT_EQ(parsed->size(), 3u);
  std::set<std::string> snapshots;
  for (size_t i = 0; i < parsed->size(); ++i) {
    Object::Ptr run = parsed->getObject(i);
    EXPECT_EQ(run->getValue<std::string>("state"), "completed");
    EXPECT_EQ(run->getValue<std::string>("repro"), repro);
    snapshots.insert(run->getValue<std::string>("snapshot_digest"));
  }
  EXPECT_EQ(snapshots.size(), 1u) << "every run of a check uses the control's snapshot";
  // diff works on any two of them and agrees with the check.
  std::string control = runs->getObject(0)->getValue<std::string>("id");
  std::string varied = runs->getObject(1)->getValue<std::string>("id");
  CommandResult diff = h().Snaprun({"diff", control, varied, "--json"});
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  Object::Ptr d = ParseObject(diff.out);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->getValue<bool>("same"));
  EXPECT_EQ(d->getArray("spec")->size(), 0u);
  EXPECT_NE(diff.out.find("\"hostname\""), std::string::npos) << diff.out;
}

TEST_P(ReproCli, ReproOkExampleReproducesWithEverythingVaried) {
  if (!HostHasPython()) GTEST_SKIP() << "the example needs python3 on the host";
  std::string spec = h().WriteSpec(SourceText("examples/repro-ok/run.yaml"),
                                   {{"simulate.py", SourceText("examples/repro-ok/simulate.py")}});
  CommandResult r = h().Snaprun({"repro", spec, "--vary", "all"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("reproducible"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("NOT reproducible"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << "no colour without a terminal";
}

TEST_P(ReproCli, ReproFlakyExamplePointsAtTheDifferingLines) {
  if (!HostHasPython()) GTEST_SKIP() << "the example needs python3 on the host";
  std::string spec =
      h().WriteSpec(SourceText("examples/repro-flaky/run.yaml"),
                    {{"simulate.py", SourceText("examples/repro-flaky/simulate.py")}});
  CommandResult text = h().Snaprun({"repro", spec});
  EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
  EXPECT_NE(text.out.find("NOT reproducible"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("walk.csv"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("summary.json"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("written_at"), std::string::npos) << text.out;
  CommandResult json = h().Snaprun({"repro", spec, "--json"});
  EXPECT_EQ(json.exit_code, 1) << json.err;
  Object::Ptr report = ParseObject(json.out);
  ASSERT_TRUE(report);
  std::set<std::string> paths = DifferingPaths(report);
  EXPECT_TRUE(paths.count("walk.csv")) << json.out;
  EXPECT_TRUE(paths.count("summary.json")) << json.out;
}

TEST_P(ReproCli, BadVaryIsTroubleNamingTheItem) {
  std::string spec = h().WriteSpec(kProbeSpec, ProbeData());
  CommandResult r = h().Snaprun({"repro", spec, "--vary", "hostname,+moon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("+moon"), std::string::npos) << r.err;
  EXPECT_EQ(h().Snaprun({"ls", "--json"}).out, "[]\n") << "nothing ran";
}

TEST_P(ReproCli, BadSpecIsTroubleNamingFileAndLine) {
  std::string spec = h().WriteSpec("name: broken\ncommand: 'true'\nresources:\n  memroy: 1GiB\n");
  CommandResult r = h().Snaprun({"repro", spec});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("run.yaml:4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("memroy"), std::string::npos) << r.err;
}

std::string RunId(const CommandResult& run) { return RunIdFrom(run.err); }

TEST_P(ReproCli, DiffNamesOneSpecField) {
  std::string spec = h().WriteSpec("name: d\ncommand: echo same > outputs/x\n");
  CommandResult a = h().Snaprun({"run", spec});
  CommandResult b = h().Snaprun({"run", spec, "--set", "resources.memory=300MiB"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  CommandResult diff = h().Snaprun({"diff", RunId(a), RunId(b), "--json"});
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  Object::Ptr d = ParseObject(diff.out);
  ASSERT_TRUE(d);
  Array::Ptr fields = d->getArray("spec");
  ASSERT_EQ(fields->size(), 1u) << diff.out;
  EXPECT_EQ(fields->getObject(0)->getValue<std::string>("field").find("resources.memory"), 0u);
  EXPECT_TRUE(d->getObject("outputs")->getArray("differences")->size() == 0) << diff.out;
  EXPECT_TRUE(d->isNull("console")) << diff.out;
}

TEST_P(ReproCli, DiffNamesOneSourceFile) {
  std::string spec = h().WriteSpec("name: d\ncommand: cat data.txt > outputs/copy\n",
                                   {{"data.txt", "one\n"}, {"other.txt", "same\n"}});
  CommandResult a = h().Snaprun({"run", spec});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  std::string code = std::filesystem::path(spec).parent_path();
  std::ofstream(code + "/data.txt") << "two\n";
  CommandResult b = h().Snaprun({"run", spec});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  CommandResult diff = h().Snaprun({"diff", RunId(a), RunId(b)});
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  EXPECT_NE(diff.out.find("data.txt"), std::string::npos) << diff.out;
  EXPECT_EQ(diff.out.find("other.txt"), std::string::npos) << diff.out;
  // The output that follows from it differs, with its lines.
  EXPECT_NE(diff.out.find("-one"), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("+two"), std::string::npos) << diff.out;
}

TEST_P(ReproCli, DiffNamesOneOutputFile) {
  std::string spec = h().WriteSpec(
      "name: d\ncommand: echo fixed > outputs/a; od -An -tx1 -N8 /dev/urandom > outputs/b\n");
  CommandResult a = h().Snaprun({"run", spec});
  CommandResult b = h().Snaprun({"run", spec});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  CommandResult diff = h().Snaprun({"diff", RunId(a), RunId(b), "--json"});
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  Object::Ptr d = ParseObject(diff.out);
  ASSERT_TRUE(d);
  Object::Ptr outputs = d->getObject("outputs");
  EXPECT_EQ(outputs->getValue<int>("identical"), 1) << diff.out;
  Array::Ptr differences = outputs->getArray("differences");
  ASSERT_EQ(differences->size(), 1u) << diff.out;
  EXPECT_EQ(differences->getObject(0)->getValue<std::string>("path"), "b");
  EXPECT_EQ(d->getArray("spec")->size(), 0u);
  EXPECT_EQ(d->getObject("snapshot")->getValue<std::string>("a"),
            d->getObject("snapshot")->getValue<std::string>("b"));
}

TEST_P(ReproCli, DiffOfMatchingRunsExitsZero) {
  std::string spec = h().WriteSpec("name: d\ncommand: echo hi; echo 42 > outputs/answer\n");
  CommandResult a = h().Snaprun({"run", spec});
  CommandResult b = h().Snaprun({"run", spec});
  CommandResult diff = h().Snaprun({"diff", RunId(a), RunId(b)});
  EXPECT_EQ(diff.exit_code, 0) << diff.out << diff.err;
  EXPECT_NE(diff.out.find("runs match"), std::string::npos) << diff.out;
}

TEST_P(ReproCli, DiffShowsTheFirstDifferingConsoleLine) {
  std::string spec =
      h().WriteSpec("name: d\ncommand: echo start; cat /proc/sys/kernel/random/uuid\n");
  CommandResult a = h().Snaprun({"run", spec});
  CommandResult b = h().Snaprun({"run", spec});
  CommandResult diff = h().Snaprun({"diff", RunId(a), RunId(b), "--json"});
  EXPECT_EQ(diff.exit_code, 1);
  Object::Ptr d = ParseObject(diff.out);
  ASSERT_TRUE(d);
  ASSERT_FALSE(d->isNull("console")) << diff.out;
  EXPECT_EQ(d->getObject("console")->getValue<int>("line"), 2);
}

TEST_P(ReproCli, DiffOfAnUnknownRunIsTrouble) {
  CommandResult diff = h().Snaprun({"diff", "last", "zzzzzzzz"});
  EXPECT_EQ(diff.exit_code, 2);
  EXPECT_NE(diff.err.find("snaprun: error:"), std::string::npos) << diff.err;
}

SNAPRUN_INSTANTIATE_MODES(ReproCli);

}  // namespace
}  // namespace snaprun::testing
