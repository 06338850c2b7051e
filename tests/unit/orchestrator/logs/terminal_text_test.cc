#include "orchestrator/logs/terminal_text.h"

#include <gtest/gtest.h>

namespace snaprun::orchestrator {
namespace {

TEST(EscapeForTerminal, PrintableTextAndUtf8AreUnchanged) {
  EXPECT_EQ(EscapeForTerminal("loss=0.25\tacc 97 % — η ✓ 🚀"), "loss=0.25\tacc 97 % — η ✓ 🚀");
}

TEST(EscapeForTerminal, EscapeSequencesAreShownNotSent) {
  // Set the window title, clear the screen, ring the bell, a carriage return.
  EXPECT_EQ(EscapeForTerminal("a\x1b]0;pwned\x07" "b\x1b[2Jc\rd\x7f"),
            "a\\x1b]0;pwned\\x07b\\x1b[2Jc\\x0dd\\x7f");
}

TEST(EscapeForTerminal, C1ControlsAndInvalidBytesAreEscaped) {
  EXPECT_EQ(EscapeForTerminal("x\xc2\x9b" "31my"), "x\\u009b31my");  // CSI as UTF-8
  EXPECT_EQ(EscapeForTerminal("x\x9b" "31m"), "x\\x9b31m");          // a lone 8-bit CSI
  EXPECT_EQ(EscapeForTerminal("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");   // overlong
  EXPECT_EQ(EscapeForTerminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");   // a surrogate
  EXPECT_EQ(EscapeForTerminal("\xc3"), "\\xc3");                     // truncated
}

}  // namespace
}  // namespace snaprun::orchestrator
