#pragma once
// JSON written as it is produced, onto a TextSink: compact, or indented as nlohmann::json's
// dump(indent) indents (the same bytes), so a document of any size costs a buffer, not a tree.
// The caller writes the keys of an object in the order it wants them (reports write them sorted,
// as a JSON object held in a std::map would be).
#include <cassert>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "reporting/text_sink.hpp"

namespace drsim::reporting {

class JsonWriter {
public:
    /// indent < 0: compact (no whitespace); else that many spaces per level, one member per line.
    JsonWriter(TextSink& sink, int indent = -1) : sink_(sink), indent_(indent) {}

    /// No whitespace: a value written once by a compact writer may be written again as raw_value.
    bool compact() const { return indent_ < 0; }
    /// A value already written as compact JSON (only for a compact writer).
    JsonWriter& raw_value(std::string_view json);

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
        separate();
        quoted_plain(std::string_view{k, N - 1}, ':');
        return key_written();
    }

    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view{s}); }
    /// A string value that is one of the program's own words (an operation, a state, a rule id):
    /// never needs escaping, so it is copied without looking for what to escape.
    JsonWriter& word(std::string_view w) {
        assert(plain_key(w) && "a word needs no escaping");
        separate();
        quoted_plain(w, '\0');
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
    bool complete() const { return counts_.empty(); }

    /// Writes the items 0 .. count-1 of the array just begun, each by `item(writer, i)`, in order.
    /// A compact writer with many items and threads allowed renders them on two threads: blocks of
    /// items, each into a buffer of its own, go out in order, so the bytes are those of the plain
    /// loop. `item` is then called from two threads at once: it must only read what it is given.
    void items(std::size_t count, const std::function<void(JsonWriter&, std::size_t)>& item);
    /// Whether items() uses a second thread: by default when the machine has two cores or more.
    /// Off, it is the plain loop; on, it uses one on any machine (so a test runs both ways).
    void allow_threads(bool allowed) { threads_ = allowed; }

private:
    JsonWriter& open(char bracket);
    JsonWriter& close(char bracket);
    /// Before a value: the separator and the indentation of its position (none after a key).
    void separate() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (counts_.empty()) return;
        if (counts_.back()++ > 0) sink_.put(',');
        if (indent_ >= 0) newline(counts_.size());
    }
    void newline(std::size_t depth);
    void string(std::string_view s);
    /// `s`, which needs no escaping, in quotes and then `after` ('\0': nothing), in one piece of the
    /// sink's buffer (`s` at most a kilobyte).
    void quoted_plain(std::string_view s, char after) {
        const std::size_t n = s.size() + 2 + (after != '\0' ? 1 : 0);
        char* out = sink_.room(n);
        out[0] = '"';
        std::memcpy(out + 1, s.data(), s.size());
        out[s.size() + 1] = '"';
        if (after != '\0') out[s.size() + 2] = after;
        sink_.commit(n);
    }
    /// After a key's colon: the space of an indented writer; the next value follows the key.
    JsonWriter& key_written() {
        if (indent_ >= 0) sink_.put(' ');
        after_key_ = true;
        return *this;
    }
    /// True when the machine has a second core (asked once).
    static bool machine_has_cores_to_spare();
    /// True when `k` needs no escaping in a JSON string (a key or a word).
    static bool plain_key(std::string_view k);
    template <typename Integer>
    JsonWriter& integer(Integer n);

    /// Items from `first` on of the array `item` writes into (a block items() renders on its own):
    /// this writer, new, is inside that array, `first` items written.
    void continue_array(std::size_t first) { counts_.assign(1, first); }
    /// `bytes`, written by a writer continued at the current item count, as `items` more items.
    void raw_items(std::string_view bytes, std::size_t items) {
        sink_.write(bytes);
        counts_.back() += items;
    }

    TextSink& sink_;
    int indent_;
    std::vector<std::size_t> counts_;  ///< members or items written, per open container
    bool after_key_ = false;
    bool threads_ = machine_has_cores_to_spare();
};

}  // namespace drsim::reporting
