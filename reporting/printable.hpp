#pragma once
// Text from a scenario file (names, descriptions) shown on a terminal or in a message: one line of
// visible characters. Control characters (a newline, an escape sequence, NUL), the C1 controls and
// the invisible or reordering format characters of Unicode (zero-width spaces and joiners, the
// bidirectional overrides and isolates, the byte-order mark) are written as escapes, so a name can
// neither forge a line, drive the terminal, nor hide or reverse what is shown. A byte that is not
// UTF-8 is written as \xNN. A run of text longer than `max_run` characters between quotes is cut
// in the middle, saying how much was left out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace drsim::reporting {

/// The length of the UTF-8 character at `text[i]` and its code point in `cp`; 0 when the bytes
/// there are not valid UTF-8 (a stray or missing continuation byte, an overlong form, a surrogate).
std::size_t decode_utf8(std::string_view text, std::size_t i, std::uint32_t& cp);

/// `text` with every character that is not visible escapes: \n, \t, \xNN (bytes and C0/C1
/// controls), \u{XXXX} (format characters). Visible UTF-8, including letters of every script, is
/// kept as it is.
std::string printable(std::string_view text);

/// printable(), with every quoted run ('…') longer than `max_run` bytes cut to its first and last
/// characters around "…[N bytes]…": for messages that echo a name from the file.
std::string printable_message(std::string_view text, std::size_t max_run = 200);

}  // namespace drsim::reporting
