// Text rendering (with and without ANSI colour) and the JSON keys.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "orchestrator/compare/compare_render.h"
#include "tests/unit/orchestrator/compare/compare_fixture.h"

namespace snaprun::orchestrator {
namespace {

class RenderTest : public CompareTest {
 protected:
  TreeComparison Sample() {
    return Compare({File("notes.txt", "a\nb\nc\n"), File("m.json", R"({"x": 1})"), File("old", "o"),
                    File("run.sh", "s", 0644), File("same", "s")},
                   {File("notes.txt", "a\nB\nc\n"), File("m.json", R"({"x": 2, "y": null})"),
                    File("new", "n"), File("run.sh", "s", 0755), File("same", "s")});
  }
};

TEST_F(RenderTest, PlainText) {
  EXPECT_EQ(RenderComparisonText(Sample(), false),
            "5 differences (identical: 1, within tolerance: 0)\n"
            "M m.json  [content (json)]\n"
            "    /x: 1 -> 2\n"
            "    /y: added null\n"
            "A new\n"
            "M notes.txt  [content (text)]\n"
            "    @@ -1,3 +1,3 @@\n"
            "     a\n"
            "    -b\n"
            "    +B\n"
            "     c\n"
            "D old\n"
            "M run.sh  [mode 0644 -> 0755]\n");
}

TEST_F(RenderTest, ColourOnlyWhenAsked) {
  TreeComparison c = Sample();
  EXPECT_EQ(RenderComparisonText(c, false).find('\033'), std::string::npos);
  std::string coloured = RenderComparisonText(c, true);
  EXPECT_NE(coloured.find("\033[31m-b\033[0m"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\033[32m+B\033[0m"), std::string::npos);
}

TEST_F(RenderTest, SameTreesSaySame) {
  TreeComparison c = Compare({File("f", "x")}, {File("f", "x")});
  EXPECT_EQ(RenderComparisonText(c, false), "same (identical: 1, within tolerance: 0)\n");
}

TEST_F(RenderTest, BinaryAndNotes) {
  CompareOptions options;
  options.max_content_bytes = 4;
  TreeComparison c = Compare({File("w.bin", "12345")}, {File("w.bin", "12346")}, options);
  std::string text = RenderComparisonText(c, false);
  EXPECT_NE(text.find("    size 5 -> 5, sha256 "), std::string::npos) << text;
  EXPECT_NE(text.find("    note: larger than 4 bytes"), std::string::npos) << text;
}

TEST_F(RenderTest, JsonKeys) {
  Poco::JSON::Object::Ptr root = ComparisonToJson(Sample());
  EXPECT_FALSE(root->getValue<bool>("same"));
  EXPECT_EQ(root->getValue<uint64_t>("identical"), 1u);
  EXPECT_EQ(root->getValue<uint64_t>("within_tolerance"), 0u);
  Poco::JSON::Array::Ptr diffs = root->getArray("differences");
  ASSERT_EQ(diffs->size(), 5u);

  Poco::JSON::Object::Ptr json = diffs->getObject(0);
  EXPECT_EQ(json->getValue<std::string>("path"), "m.json");
  EXPECT_EQ(json->getArray("kinds")->getElement<std::string>(0), "content");
  Poco::JSON::Object::Ptr content = json->getObject("content");
  EXPECT_EQ(content->getValue<std::string>("format"), "json");
  EXPECT_FALSE(content->getValue<bool>("truncated"));
  Poco::JSON::Object::Ptr change = content->getArray("changes")->getObject(0);
  EXPECT_EQ(change->getValue<std::string>("location"), "/x");
  EXPECT_EQ(change->getValue<std::string>("a"), "1");
  EXPECT_EQ(change->getValue<std::string>("b"), "2");

  Poco::JSON::Object::Ptr added = diffs->getObject(1);
  EXPECT_EQ(added->getArray("kinds")->getElement<std::string>(0), "added");
  EXPECT_FALSE(added->has("a"));
  EXPECT_EQ(added->getObject("b")->getValue<std::string>("type"), "file");

  Poco::JSON::Object::Ptr text = diffs->getObject(2)->getObject("content");
  Poco::JSON::Object::Ptr hunk = text->getArray("hunks")->getObject(0);
  EXPECT_EQ(hunk->getValue<uint64_t>("a_start"), 1u);
  EXPECT_EQ(hunk->getValue<uint64_t>("b_count"), 3u);
  EXPECT_EQ(hunk->getArray("lines")->getElement<std::string>(1), "-b");

  Poco::JSON::Object::Ptr mode = diffs->getObject(4);
  EXPECT_EQ(mode->getArray("kinds")->getElement<std::string>(0), "mode");
  EXPECT_EQ(mode->getObject("a")->getValue<std::string>("mode"), "0644");
  EXPECT_EQ(mode->getObject("b")->getValue<std::string>("mode"), "0755");
  EXPECT_FALSE(mode->has("content"));

  std::ostringstream out;
  Poco::JSON::Stringifier::condense(root, out);  // serializes without throwing
  EXPECT_NE(out.str().find("\"same\":false"), std::string::npos);
}

TEST_F(RenderTest, NonUtf8PathGoesOutAsHex) {
  TreeComparison c = Compare({}, {File("bad\xff", "x")});
  Poco::JSON::Object::Ptr d = ComparisonToJson(c)->getArray("differences")->getObject(0);
  EXPECT_FALSE(d->has("path"));
  EXPECT_EQ(d->getValue<std::string>("path_hex"), "626164ff");
}

TEST_F(RenderTest, ControlCharactersAreEscaped) {
  TreeComparison c =
      Compare({File("evil\033[2J.txt", "x\n")}, {File("evil\033[2J.txt", "\033]0;t\007\n")});
  std::string text = RenderComparisonText(c, false);
  EXPECT_EQ(text.find('\033'), std::string::npos) << text;
  EXPECT_NE(text.find("M evil\\x1b[2J.txt"), std::string::npos) << text;
  EXPECT_NE(text.find("+\\x1b]0;t\\x07"), std::string::npos) << text;
}

}  // namespace
}  // namespace snaprun::orchestrator
