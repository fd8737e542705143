#include "reporting/printable.hpp"

#include <cstdint>

namespace drsim::reporting {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void hex_byte(std::string& out, unsigned char b) {
    out += "\\x";
    out += kHex[b >> 4];
    out += kHex[b & 15];
}

// Unicode format characters that are invisible or reorder text (general category Cf, the ones a
// terminal would act on or hide): zero-width space, joiners and marks, directional embeddings,
// overrides and isolates, word joiner and invisible operators, the byte-order mark.
bool invisible(std::uint32_t cp) {
    return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff || cp == 0x061c || cp == 0x00ad || cp == 0x180e;
}

}  // namespace

std::size_t decode_utf8(std::string_view s, std::size_t i, std::uint32_t& cp) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    cp = n == 1 ? b : n == 2 ? (b & 0x1f) : n == 3 ? (b & 0x0f) : (b & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c >> 6) != 0x2) return 0;
        cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms and surrogates are not valid UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t cp = 0;
        const std::size_t n = decode_utf8(text, i, cp);
        if (n == 0) {
            hex_byte(out, static_cast<unsigned char>(text[i]));
            ++i;
            continue;
        }
        if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (cp < 0x20 || cp == 0x7f) {
            hex_byte(out, static_cast<unsigned char>(cp));
        } else if (cp >= 0x80 && cp < 0xa0) {  // C1 controls (CSI is U+009B)
            for (std::size_t k = 0; k < n; ++k) hex_byte(out, static_cast<unsigned char>(text[i + k]));
        } else if (invisible(cp)) {
            out += "\\u{";
            std::string digits;
            for (std::uint32_t v = cp; v; v >>= 4) digits.insert(digits.begin(), kHex[v & 15]);
            out += digits + "}";
        } else {
            out.append(text.substr(i, n));
        }
        i += n;
    }
    return out;
}

std::string printable_message(std::string_view text, std::size_t max_run) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t open = text.find('\'', i);
        const std::size_t close = open == std::string_view::npos ? open : text.find('\'', open + 1);
        if (close == std::string_view::npos) {
            out += printable(text.substr(i));
            break;
        }
        out += printable(text.substr(i, open + 1 - i));
        const std::string_view run = text.substr(open + 1, close - open - 1);
        if (run.size() > max_run) {
            // Cut at character boundaries: back off continuation bytes.
            std::size_t head = max_run / 2, tail = run.size() - max_run / 4;
            while (head > 0 && (static_cast<unsigned char>(run[head]) >> 6) == 0x2) --head;
            while (tail < run.size() && (static_cast<unsigned char>(run[tail]) >> 6) == 0x2) ++tail;
            out += printable(run.substr(0, head)) + "…[" + std::to_string(tail - head) + " bytes]…" + printable(run.substr(tail));
        } else {
            out += printable(run);
        }
        out += '\'';
        i = close + 1;
    }
    return out;
}

}  // namespace drsim::reporting
