#pragma once
// JSON written as it is produced, onto a TextSink: compact, or indented as nlohmann::json's
// dump(indent) indents (the same bytes), so a document of any size costs a buffer, not a tree.
// The caller writes the keys of an object in the order it wants them (reports write them sorted,
// as a JSON object held in a std::map would be).
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>
#include <type_traits>

#include "reporting/text_sink.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace drsim::reporting {

/// What the writer's inline paths share with json_writer.cpp: which bytes a JSON string escapes
/// and the plain string's copy.
namespace json_detail {

// The bytes a JSON string escapes: quote, backslash, and every one below 0x20.
inline constexpr std::array<bool, 256> kEscaped = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = true;
    t['"'] = t['\\'] = true;
    return t;
}();

// True when one of the eight bytes of `w` is one JSON escapes: a byte below 0x20 has its high bit set
// after subtracting 0x20 from every byte (a borrow running on only flags more), a quote or a
// backslash is zero after the xor. A word that only seems to have one is looked at byte by byte.
inline bool escapes_in(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const std::uint64_t below_space = (w - ones * 0x20) & ~w;
    const std::uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    const std::uint64_t zero = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash);
    return ((below_space | zero) & highs) != 0;
}

#ifdef __SSE2__
// Of 16 bytes, those JSON escapes (all bits set in their lane): a quote, a backslash, or a byte below
// 0x20 — one whose larger with 0x1f (unsigned) is 0x1f.
inline __m128i escape_lanes(__m128i v) {
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i control = _mm_set1_epi8(0x1f);
    const __m128i named = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
    return _mm_or_si128(named, _mm_cmpeq_epi8(_mm_max_epu8(v, control), control));
}
#endif

// Copies the n bytes at `from` to `to` and tells whether none of them is one JSON escapes: one pass,
// each step's bytes stored as they are looked at (the caller drops the copy when one is). Sixteen
// bytes a step where the processor has SSE2, the last step the 16 bytes that end the string; a
// string shorter than that as two overlapping words of 8 or 4 bytes, the shortest byte by byte.
inline bool copy_plain(char* to, const char* from, std::size_t n) {
#ifdef __SSE2__
    if (n >= 16) {
        __m128i hits = _mm_setzero_si128();
        for (std::size_t i = 0;; i += 16) {
            if (i + 16 > n) i = n - 16;
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + i));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(to + i), v);
            hits = _mm_or_si128(hits, escape_lanes(v));
            if (i + 16 == n) return _mm_movemask_epi8(hits) == 0;
        }
    }
#endif
    if (n >= 8) {
        bool escapes = false;
        for (std::size_t i = 0;; i += 8) {
            if (i + 8 > n) i = n - 8;
            std::uint64_t w;
            std::memcpy(&w, from + i, 8);
            std::memcpy(to + i, &w, 8);
            escapes |= escapes_in(w);
            if (i + 8 == n) return !escapes;
        }
    }
    if (n >= 4) {
        // Two words of four, each looked at as eight bytes whose upper four are a plain 'a'.
        std::uint32_t head, tail;
        std::memcpy(&head, from, 4);
        std::memcpy(&tail, from + n - 4, 4);
        std::memcpy(to, &head, 4);
        std::memcpy(to + n - 4, &tail, 4);
        constexpr std::uint64_t pad = 0x61616161ULL << 32;
        return !escapes_in(head | pad) && !escapes_in(tail | pad);
    }
    bool escapes = false;
    for (std::size_t i = 0; i < n; ++i) {
        to[i] = from[i];
        escapes |= kEscaped[static_cast<unsigned char>(from[i])];
    }
    return !escapes;
}

}  // namespace json_detail

class JsonWriter {
public:
    /// indent < 0: compact (no whitespace); else that many spaces per level, one member per line.
    JsonWriter(TextSink& sink, int indent = -1) : sink_(sink), indent_(indent) {}

    /// No whitespace: a value written once by a compact writer may be written again as raw_value.
    bool compact() const { return indent_ < 0; }
    /// A value already written as compact JSON (only for a compact writer).
    JsonWriter& raw_value(std::string_view json);
    /// Members already written as compact JSON by a writer continued in an object (JsonMemo), into
    /// the object being written (only for a compact writer).
    JsonWriter& raw_members(std::string_view json) {
        if (json.empty()) return *this;
        if (comma_) sink_.put(',');
        sink_.write(json);
        comma_ = true;
        return *this;
    }

    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }
    /// The key of the next value, in an object.
    JsonWriter& key(std::string_view k);
    /// A key written as a literal: one of the program's own words, which never needs escaping, so
    /// it is copied as it is, its length known when compiled (a run's JSON has millions of keys).
    template <std::size_t N>
    JsonWriter& key(const char (&k)[N]) {
        static_assert(N >= 1 && N <= 64, "a literal key of at most 63 characters");
        assert(plain_key(std::string_view{k, N - 1}) && "a literal key needs no escaping");
        if (indent_ >= 0) return key(std::string_view{k, N - 1});
        // Compact: the comma (when one is due), quote, key, quote and colon in one piece, its length
        // known when compiled, so the copy is a few moves.
        char* out = sink_.room(N + 3);
        const std::size_t comma = comma_ ? 1 : 0;
        out[0] = ',';
        out[comma] = '"';
        std::memcpy(out + comma + 1, k, N - 1);
        out[comma + N] = '"';
        out[comma + N + 1] = ':';
        sink_.commit(comma + N + 2);
        comma_ = false;
        return *this;
    }

    JsonWriter& value(std::string_view s) {
        separate();
        string(s);
        return *this;
    }
    JsonWriter& value(const char* s) { return value(std::string_view{s}); }
    /// A string value that is one of the program's own words (an operation, a state, a rule id):
    /// never needs escaping, so it is copied without looking for what to escape.
    JsonWriter& word(std::string_view w) {
        assert(plain_key(w) && "a word needs no escaping");
        separate();
        quoted_plain(w);
        return *this;
    }
    JsonWriter& value(bool b);
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(std::uint64_t n);
    JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(unsigned n) { return value(static_cast<std::uint64_t>(n)); }
    JsonWriter& value(long long n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(unsigned long long n) { return value(static_cast<std::uint64_t>(n)); }
    JsonWriter& null();
    /// A decimal number given as its text (already formatted, e.g. "7698.841").
    JsonWriter& number_text(std::string_view digits);

    /// key(k).value(v): one member.
    template <typename K, typename T>
    JsonWriter& field(const K& k, const T& v) {
        key(k);
        return value(v);
    }
    /// key(k).word(w): one member whose value is one of the program's own words.
    template <typename K>
    JsonWriter& word_field(const K& k, std::string_view w) {
        key(k);
        return word(w);
    }

    /// True when every container opened was closed.
    bool complete() const { return depth_ == 0; }

    /// Writes the items 0 .. count-1 of the array just begun, each by `item(writer, i)`, in order.
    /// A compact writer with many items and threads allowed renders them on two threads: blocks of
    /// items, each into a buffer of its own, go out in order, so the bytes are those of the plain
    /// loop. `item` is then called from two threads at once: it must only read what it is given.
    void items(std::size_t count, const std::function<void(JsonWriter&, std::size_t)>& item);
    /// Whether items() uses a second thread: by default when the machine has two cores or more.
    /// Off, it is the plain loop; on, it uses one on any machine (so a test runs both ways).
    void allow_threads(bool allowed) { threads_ = allowed; }

private:
    template <typename Key, std::size_t Slots>
    friend class JsonMemo;

    JsonWriter& open(char bracket) {
        separate();
        sink_.put(bracket);
        ++depth_;
        comma_ = false;
        return *this;
    }
    JsonWriter& close(char bracket) {
        --depth_;
        if (indent_ >= 0 && comma_) newline(depth_);  // comma_: it has members
        sink_.put(bracket);
        comma_ = true;
        return *this;
    }
    /// Before a value: the comma when one is due and, indented, the line of its position (neither
    /// right after a key). A value is then written here: the next one at this level is due a comma.
    void separate() {
        if (indent_ < 0) [[likely]] {
            if (comma_) sink_.put(',');
            comma_ = true;
            return;
        }
        separate_indented();
    }
    void separate_indented();
    /// `n` bytes as they are (a number's digits), copied without a call.
    void put_short(const char* bytes, std::size_t n) {
        char* out = sink_.room(n);
        copy_short(out, bytes, n);
        sink_.commit(n);
    }
    void newline(std::size_t depth);
    /// `s` as a JSON string: copied in quotes as it is looked at, kept when nothing needed escaping
    /// (nearly always), else written again, escaped.
    void string(std::string_view s) {
        if (s.size() <= 1024) {
            char* out = sink_.room(s.size() + 2);
            out[0] = '"';
            if (json_detail::copy_plain(out + 1, s.data(), s.size())) {
                out[s.size() + 1] = '"';
                sink_.commit(s.size() + 2);
                return;
            }
        }
        string_escaped(s);
    }
    void string_escaped(std::string_view s);
    /// `s`, which needs no escaping, in quotes, in one piece of the sink's buffer (`s` at most a
    /// kilobyte).
    void quoted_plain(std::string_view s) {
        char* out = sink_.room(s.size() + 2);
        out[0] = '"';
        copy_short(out + 1, s.data(), s.size());
        out[s.size() + 1] = '"';
        sink_.commit(s.size() + 2);
    }
    /// memcpy for the short pieces a document is made of (names, words, numbers): inline, two
    /// overlapping moves of a fixed size for up to 32 bytes, so no call for each few bytes.
    static void copy_short(char* to, const char* from, std::size_t n) {
        const auto pair = [&]<std::size_t W>(std::integral_constant<std::size_t, W>) {
            char head[W], tail[W];
            std::memcpy(head, from, W);
            std::memcpy(tail, from + n - W, W);
            std::memcpy(to, head, W);
            std::memcpy(to + n - W, tail, W);
        };
        if (n > 32) std::memcpy(to, from, n);
        else if (n >= 16) pair(std::integral_constant<std::size_t, 16>{});
        else if (n >= 8) pair(std::integral_constant<std::size_t, 8>{});
        else if (n >= 4) pair(std::integral_constant<std::size_t, 4>{});
        else if (n > 0) {
            to[0] = from[0];
            to[n / 2] = from[n / 2];
            to[n - 1] = from[n - 1];
        }
    }
    /// After a key's colon: the space of an indented writer; the next value follows the key.
    JsonWriter& key_written() {
        if (indent_ >= 0) {
            sink_.put(' ');
            after_key_ = true;
        }
        comma_ = false;
        return *this;
    }
    /// True when the machine has a second core (asked once).
    static bool machine_has_cores_to_spare();
    /// True when `k` needs no escaping in a JSON string (a key or a word).
    static bool plain_key(std::string_view k);
    template <typename Integer>
    JsonWriter& integer(Integer n);

    /// This writer, new, writes inside a container open in another writer: a block of the array
    /// items() writes, or members for JsonMemo. `after_values`: values come before these, so the
    /// first is due a comma.
    void continue_inside(bool after_values) {
        depth_ = 1;
        comma_ = after_values;
    }
    /// `bytes`, written by a writer continued at this point, as `items` more items.
    void raw_items(std::string_view bytes, std::size_t items) {
        sink_.write(bytes);
        if (items > 0) comma_ = true;
    }

    TextSink& sink_;
    int indent_;
    std::size_t depth_ = 0;  ///< containers open
    bool comma_ = false;     ///< a value was written at this level: the next is due a comma
    bool after_key_ = false; ///< indented: a key was just written (its value follows on its line)
    bool threads_ = machine_has_cores_to_spare();
};

}  // namespace drsim::reporting
