// Structural JSON and CSV comparison: keys, arrays, numbers under tolerance, header names.
#include <cmath>

#include "orchestrator/compare/csv_diff.h"
#include "orchestrator/compare/json_diff.h"
#include "orchestrator/compare/numbers.h"
#include "tests/unit/orchestrator/compare/compare_fixture.h"

namespace snaprun::orchestrator {
namespace {

std::vector<StructuralChange> Json(const std::string& a, const std::string& b,
                                   CompareOptions options = {}) {
  std::string error;
  auto changes = DiffJson(a, b, options, &error);
  EXPECT_TRUE(changes.has_value()) << error;
  return changes.value_or(std::vector<StructuralChange>{});
}

std::vector<StructuralChange> Csv(const std::string& a, const std::string& b,
                                  CompareOptions options = {}, char delimiter = ',') {
  std::string error;
  auto changes = DiffCsv(a, b, delimiter, options, &error);
  EXPECT_TRUE(changes.has_value()) << error;
  return changes.value_or(std::vector<StructuralChange>{});
}

TEST(JsonDiff, KeyAddedRemovedChanged) {
  auto c =
      Json(R"({"keep": 1, "gone": "x", "val": "old"})", R"({"keep": 1, "val": "new", "new": [1]})");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].location, "/gone");
  EXPECT_EQ(c[0].a, "\"x\"");
  EXPECT_FALSE(c[0].b.has_value());
  EXPECT_EQ(c[1].location, "/new");
  EXPECT_FALSE(c[1].a.has_value());
  EXPECT_EQ(c[1].b, "[1]");
  EXPECT_EQ(c[2].location, "/val");
  EXPECT_EQ(c[2].a, "\"old\"");
  EXPECT_EQ(c[2].b, "\"new\"");
}

TEST(JsonDiff, NestedArraysAndPointerEscapes) {
  auto c = Json(R"({"m": [[1, 2], [3, 4], 5], "a/b": {"c~d": true}})",
                R"({"m": [[1, 2], [3, 40]], "a/b": {"c~d": false}})");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].location, "/a~1b/c~0d");
  EXPECT_EQ(c[1].location, "/m/1/1");
  EXPECT_EQ(c[1].a, "4");
  EXPECT_EQ(c[1].b, "40");
  EXPECT_EQ(c[2].location, "/m/2");
  EXPECT_EQ(c[2].a, "5");
  EXPECT_FALSE(c[2].b.has_value());
}

TEST(JsonDiff, KeyOrderAndWhitespaceAreNotDifferences) {
  EXPECT_TRUE(
      Json("{\"a\":1,\"b\":[true,null]}", "{ \"b\" : [ true , null ],\n \"a\" : 1 }").empty());
}

TEST(JsonDiff, NumbersAsNumbers) {
  EXPECT_TRUE(Json("[1, 2.50, 1e2]", "[1.0, 2.5, 100]").empty());
  // Integers beyond double precision still differ.
  EXPECT_EQ(Json("[9007199254740993]", "[9007199254740992]").size(), 1u);
  // A number is not the string of it, nor a boolean.
  EXPECT_EQ(Json(R"([1, 0])", R"(["1", false])").size(), 2u);
}

TEST(JsonDiff, ToleranceInsideAndOutside) {
  CompareOptions options;
  options.atol = 1e-3;
  EXPECT_TRUE(Json(R"({"loss": 0.5001})", R"({"loss": 0.5})", options).empty());
  auto c = Json(R"({"loss": 0.502})", R"({"loss": 0.5})", options);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].location, "/loss");
  options = {};
  options.rtol = 0.01;
  EXPECT_TRUE(Json("[1000]", "[1009]", options).empty());
  EXPECT_EQ(Json("[1000]", "[1011]", options).size(), 1u);
}

TEST(JsonDiff, TypeChangeAndRootScalar) {
  auto c = Json(R"({"x": {"y": 1}})", R"({"x": [1]})");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].location, "/x");
  auto root = Json("[1]", R"({"a": 1})");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0].location, "");
}

TEST(JsonDiff, NotJsonIsReported) {
  std::string error;
  EXPECT_FALSE(DiffJson("{\"a\": 1}", "{oops", {}, &error).has_value());
  EXPECT_NE(error.find("b side is not valid JSON"), std::string::npos) << error;
}

TEST(Numbers, ToleranceNanAndInfinity) {
  CompareOptions options;
  EXPECT_TRUE(NumbersEqual(NAN, NAN, options));
  EXPECT_FALSE(NumbersEqual(NAN, 1, options));
  EXPECT_TRUE(NumbersEqual(INFINITY, INFINITY, options));
  EXPECT_FALSE(NumbersEqual(INFINITY, -INFINITY, options));
  options.atol = 1e300;
  EXPECT_FALSE(NumbersEqual(INFINITY, 1, options));
  EXPECT_EQ(ParseNumber(" +1.5e3 "), 1500.0);
  EXPECT_TRUE(std::isnan(*ParseNumber("nan")));
  EXPECT_FALSE(ParseNumber("1.5x").has_value());
  EXPECT_FALSE(ParseNumber("").has_value());
  EXPECT_FALSE(ParseNumber("+-1").has_value());
}

TEST(CsvParse, Rfc4180Quoting) {
  auto t = ParseCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n", ',');
  ASSERT_TRUE(t.has_value());
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0], (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ((*t)[1], (std::vector<std::string>{"multi\nline", "", "x"}));
  EXPECT_FALSE(ParseCsv("\"open\n", ',').has_value());
  EXPECT_FALSE(ParseCsv("\"closed\"junk\n", ',').has_value());
}

TEST(CsvDiff, CellChangeNamedByHeader) {
  auto c = Csv("step,loss,tag\n1,0.5,a\n2,0.25,b\n", "step,loss,tag\n1,0.5,a\n2,0.30,c\n");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].location, "row 3, column loss");
  EXPECT_EQ(c[0].row, 3u);
  EXPECT_EQ(c[0].column, 2u);
  EXPECT_EQ(c[0].column_name, "loss");
  EXPECT_EQ(c[0].a, "0.25");
  EXPECT_EQ(c[0].b, "0.30");
  EXPECT_EQ(c[1].location, "row 3, column tag");
}

TEST(CsvDiff, HeaderChangeAndHeaderlessColumns) {
  auto h = Csv("step,loss\n1,2\n", "step,accuracy\n1,2\n");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].row, 1u);
  EXPECT_EQ(h[0].a, "loss");
  EXPECT_EQ(h[0].b, "accuracy");
  auto n = Csv("1,2\n3,4\n", "1,2\n3,5\n");
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].location, "row 2, column 2");
  EXPECT_TRUE(n[0].column_name.empty());
}

TEST(CsvDiff, RowsAndCellsAddedRemoved) {
  auto added = Csv("x,y\n1,2\n", "x,y\n1,2\n3,4\n");
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].location, "row 3");
  EXPECT_EQ(added[0].column, 0u);
  EXPECT_FALSE(added[0].a.has_value());
  EXPECT_EQ(added[0].b, "3,4");
  auto removed = Csv("x,y\n1,2\n3,4\n", "x,y\n1,2\n");
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].a, "3,4");
  EXPECT_FALSE(removed[0].b.has_value());
  auto cell = Csv("x,y\n1,2\n", "x,y\n1,2,9\n");
  ASSERT_EQ(cell.size(), 1u);
  EXPECT_EQ(cell[0].location, "row 2, column 3");
  EXPECT_EQ(cell[0].b, "9");
}

TEST(CsvDiff, ToleranceAndNonNumericExact) {
  CompareOptions options;
  options.rtol = 1e-3;
  EXPECT_TRUE(Csv("a\tb\n1.0000\tnan\n", "a\tb\n1.0001\tNaN\n", options, '\t').empty());
  EXPECT_EQ(Csv("a\tb\n1.0\tx\n", "a\tb\n1.1\tX\n", options, '\t').size(), 2u);
}

TEST_F(CompareTest, JsonFileDifferenceThroughTheTree) {
  CompareOptions options;
  options.max_diff_lines = 2;
  FileDifference d = CompareOne("metrics.json", R"({"a": 1, "b": 2, "c": 3, "d": 4})",
                                R"({"a": 10, "b": 20, "c": 30, "d": 4})", options);
  ASSERT_TRUE(d.content.has_value());
  EXPECT_EQ(d.content->format, ContentFormat::kJson);
  EXPECT_EQ(d.content->changes.size(), 2u);
  EXPECT_TRUE(d.content->truncated);
  EXPECT_EQ(d.content->omitted, 1u);
}

TEST_F(CompareTest, CsvFileDifferenceThroughTheTree) {
  FileDifference d = CompareOne("data/results.TSV", "k\tv\nx\t1\n", "k\tv\nx\t2\n");
  ASSERT_TRUE(d.content.has_value());
  EXPECT_EQ(d.content->format, ContentFormat::kCsv);
  ASSERT_EQ(d.content->changes.size(), 1u);
  EXPECT_EQ(d.content->changes[0].location, "row 2, column v");
}

}  // namespace
}  // namespace snaprun::orchestrator
