// Log lines come from the sandboxed command: written to a terminal as they are, an
// escape sequence could retitle the window, rewrite the screen, or (on some
// terminals) make it answer with input. EscapeForTerminal shows them instead.
#pragma once

#include <string>
#include <string_view>

namespace snaprun::orchestrator {

// C0 controls but tab, DEL and bytes that are not part of valid UTF-8 become \xNN;
// the UTF-8 encoded C1 controls (U+0080..U+009F) become \u00NN. Printable text,
// valid UTF-8 included, is unchanged.
std::string EscapeForTerminal(std::string_view text);

}  // namespace snaprun::orchestrator
