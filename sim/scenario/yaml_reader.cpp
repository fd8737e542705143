#include "sim/scenario/yaml_reader.hpp"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <new>
#include <unordered_map>
#include <utility>

#include "sim/scenario/input_error.hpp"

namespace drsim {

const YamlNode* YamlNode::find(std::string_view key_text) const {
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (items[i].text == key_text) return &items[i + 1];
    return nullptr;
}

std::string describe_node(const YamlNode& node) {
    switch (node.type) {
        case YamlNode::Type::null: return "an empty value";
        case YamlNode::Type::sequence: return "a list";
        case YamlNode::Type::mapping: return "a mapping";
        case YamlNode::Type::scalar: break;
    }
    std::string shown = node.text.size() > 60 ? node.text.substr(0, 57) + "..." : node.text;
    return "'" + shown + "'";
}

namespace {

// ---- libyaml resources, freed on every path (a refusal is thrown from inside the event loop).

class LibyamlParser {
public:
    explicit LibyamlParser(const std::string& text) {
        if (!yaml_parser_initialize(&parser_)) throw std::bad_alloc();
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    }
    ~LibyamlParser() { yaml_parser_delete(&parser_); }
    LibyamlParser(const LibyamlParser&) = delete;
    LibyamlParser& operator=(const LibyamlParser&) = delete;

    yaml_parser_t* get() { return &parser_; }

private:
    yaml_parser_t parser_{};
};

class LibyamlEvent {
public:
    LibyamlEvent() = default;
    ~LibyamlEvent() { yaml_event_delete(&event_); }  // a zeroed (never filled) event is fine too
    LibyamlEvent(const LibyamlEvent&) = delete;
    LibyamlEvent& operator=(const LibyamlEvent&) = delete;

    yaml_event_t* get() { return &event_; }
    const yaml_event_t& operator*() const { return event_; }

private:
    yaml_event_t event_{};
};

// ---- Positions. libyaml marks are 0-based and count characters; messages are 1-based.

Location location_of(const yaml_mark_t& mark) {
    return Location{static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

bool is_continuation_byte(unsigned char c) { return (c & 0xC0) == 0x80; }

// Byte offsets where each line of `text` starts, with libyaml's line breaks: LF, CR LF, a lone CR,
// and U+0085, U+2028, U+2029. Built only when a message or a check needs a line's bytes.
std::vector<std::size_t> line_starts(const std::string& text) {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            starts.push_back(i + 1);
        } else if (c == '\r') {
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
            starts.push_back(i + 1);
        } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x85) {
            i += 1;
            starts.push_back(i + 1);
        } else if (c == 0xE2 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
            i += 2;
            starts.push_back(i + 1);
        }
    }
    return starts;
}

// The 1-based position of byte `offset` (columns count characters, as libyaml's marks do).
Location location_of_offset(const std::string& text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::vector<std::size_t> starts = line_starts(text);
    std::size_t line = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), offset) - starts.begin()) - 1;
    int column = 1;
    for (std::size_t i = starts[line]; i < offset; ++i)
        if (!is_continuation_byte(static_cast<unsigned char>(text[i]))) ++column;
    return Location{static_cast<int>(line) + 1, column};
}

std::string hex_byte(int value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned>(value) & 0xFFu);
    return buffer;
}

// libyaml's reader refuses bytes that are not UTF-8 (or UTF-16 with a BOM) and control characters.
[[noreturn]] void reader_error(const yaml_parser_t& parser, const std::string& text, const std::string& file) {
    std::string problem = parser.problem ? parser.problem : "unreadable text";
    std::size_t offset = parser.problem_offset;
    bool utf8 = problem.find("UTF-8") != std::string::npos;
    // A bad trailing octet is reported at that octet; point at the first byte of its character
    // instead (a Latin-1 'é' is one byte that starts a sequence it cannot finish).
    if (problem == "invalid trailing UTF-8 octet" && offset <= text.size()) {
        while (offset > 0 && is_continuation_byte(static_cast<unsigned char>(text[offset - 1]))) --offset;
        if (offset > 0) --offset;
    }
    Location loc = location_of_offset(text, offset);
    std::string message = "not valid YAML text: " + problem;
    if (utf8) {
        const std::string byte = offset < text.size() ? hex_byte(static_cast<unsigned char>(text[offset])) : "";
        // Name the byte for what it is: the one that starts a character its next byte does not continue.
        if (problem == "invalid trailing UTF-8 octet" && !byte.empty())
            message = "not valid UTF-8: byte " + byte + " starts a character that the next byte does not continue";
        else if (!byte.empty())
            message += " (byte " + byte + ")";
        message += "; a scenario file must be UTF-8 (was it saved as Latin-1 or Windows-1252?)";
    } else if (parser.problem_value >= 0) {
        message += " (character " + hex_byte(parser.problem_value) + ")";
    }
    throw InputError(file, loc.line, loc.column, message);
}

bool same_mark(const yaml_mark_t& a, const yaml_mark_t& b) { return a.line == b.line && a.column == b.column; }

// A scanner or parser error: libyaml's problem, and the construct it was reading (its context)
// with where that started. Located at the problem, except at the end of the input, where the start
// of the construct left open (a quoted scalar, a flow collection) is the useful place.
[[noreturn]] void syntax_error(const yaml_parser_t& parser, const std::string& text, const std::string& file) {
    std::string problem = parser.problem ? parser.problem : "cannot parse";
    bool has_context = parser.context != nullptr;
    bool at_end = problem.find("end of stream") != std::string::npos ||
                  parser.problem_mark.index >= static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
                      return !is_continuation_byte(static_cast<unsigned char>(c));
                  }));
    // A flow collection left open before more text follows ("did not find expected ',' or '}'"),
    // and a key that does not end with ':' where a key may (on its line, within 1024 characters):
    // the opening bracket, or the key, is where to look.
    const bool unclosed = has_context && problem.starts_with("did not find expected ',' or");
    const bool long_key = has_context && problem == "could not find expected ':'" &&
                          std::string_view{parser.context} == "while scanning a simple key";
    const yaml_mark_t& at = has_context && (at_end || unclosed || long_key) ? parser.context_mark : parser.problem_mark;
    std::string message = "YAML syntax error: " + problem;
    if (unclosed && !at_end) {
        const Location found = location_of(parser.problem_mark);
        message += std::string{" "} + parser.context + ": the bracket here is not closed before line " + std::to_string(found.line) +
                   ", column " + std::to_string(found.column);
        const Location loc = location_of(at);
        throw InputError(file, loc.line, loc.column, message);
    }
    if (long_key && !at_end) {
        const Location loc = location_of(at);
        throw InputError(file, loc.line, loc.column,
                         "YAML syntax error: the key starting here has no ':' on its line within 1024 characters (YAML's "
                         "limit for a key written without '?')");
    }
    if (has_context) {
        message += std::string{" "} + parser.context;
        if (!same_mark(at, parser.context_mark)) {
            Location start = location_of(parser.context_mark);
            message += " (started at line " + std::to_string(start.line) + ", column " + std::to_string(start.column) + ")";
        } else if (!same_mark(at, parser.problem_mark)) {
            message += " (started here and still open at the end of the file)";
        }
    }
    // Tabs are the commonest cause of "cannot start any token": say so.
    std::vector<std::size_t> starts = line_starts(text);
    if (parser.problem_mark.line < starts.size()) {
        std::size_t byte = starts[parser.problem_mark.line];
        for (std::size_t col = 0; col < parser.problem_mark.column && byte < text.size(); ++byte)
            if (!is_continuation_byte(static_cast<unsigned char>(text[byte]))) ++col;
        while (byte < text.size() && is_continuation_byte(static_cast<unsigned char>(text[byte]))) ++byte;
        if (byte < text.size() && text[byte] == '\t') message += "; YAML indents with spaces, never tabs";
    }
    Location loc = location_of(at);
    throw InputError(file, loc.line, loc.column, message);
}

// Builds the tree from libyaml's events. Each open collection is a frame; a finished node is moved
// into its parent. Refusals are thrown as the events stream past, so a deep or aliased document is
// never built past the point where it goes wrong.
class TreeBuilder {
public:
    TreeBuilder(const std::string& text, const std::string& file) : text_(text), file_(file) {}

    YamlNode parse() {
        LibyamlParser parser(text_);
        while (true) {
            LibyamlEvent event;
            if (!yaml_parser_parse(parser.get(), event.get())) {
                const yaml_parser_t& p = *parser.get();
                if (p.error == YAML_MEMORY_ERROR) throw std::bad_alloc();
                if (p.error == YAML_READER_ERROR) reader_error(p, text_, file_);
                syntax_error(p, text_, file_);
            }
            if ((*event).type == YAML_STREAM_END_EVENT) break;
            handle(*event);
        }
        if (!has_root_) throw InputError(file_, 1, 1, "empty file: expected a scenario mapping (scenario:, sites:, ...)");
        return std::move(root_);
    }

private:
    void handle(const yaml_event_t& event) {
        Location loc = location_of(event.start_mark);
        switch (event.type) {
            case YAML_DOCUMENT_START_EVENT:
                if (++documents_ > 1) fail(loc, "a scenario file holds one YAML document; a second one starts here");
                break;
            case YAML_ALIAS_EVENT:
                // Aliases are refused outright: scenarios do not need them, and refusing them removes
                // the "billion laughs" expansion problem instead of bounding it.
                fail(loc, "YAML aliases (*name) are not allowed in a scenario; write the value out");
            case YAML_SCALAR_EVENT: scalar(event, loc); break;
            case YAML_SEQUENCE_START_EVENT:
                open(YamlNode::Type::sequence, loc, event.data.sequence_start.style == YAML_BLOCK_SEQUENCE_STYLE);
                break;
            case YAML_MAPPING_START_EVENT:
                open(YamlNode::Type::mapping, loc, event.data.mapping_start.style == YAML_BLOCK_MAPPING_STYLE);
                break;
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT: close(); break;
            default: break;  // stream start, document end: nothing to build
        }
    }

    // A plain scalar without a tag is "plain" (the loader reads numbers, booleans from it); an empty
    // one, `~` or `null` is a null node. Quoted, literal, folded or tagged scalars are strings.
    void scalar(const yaml_event_t& event, Location loc) {
        const auto& s = event.data.scalar;
        bool plain = s.style == YAML_PLAIN_SCALAR_STYLE && s.tag == nullptr;
        std::string_view value{reinterpret_cast<const char*>(s.value), s.length};
        YamlNode node;
        node.loc = loc;
        if (!(plain && (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL"))) {
            node.type = YamlNode::Type::scalar;
            node.quoted = !plain;
            node.text.assign(value);
        }
        if ((s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) &&
            event.end_mark.line > event.start_mark.line)
            check_quoted_lines(event, loc);
        attach(std::move(node));
    }

    // A quoted scalar may run over several lines, but in a block collection each further line must
    // be indented past that collection (YAML's rule, which libyaml does not check). Checking it
    // catches a missing closing quote where it is, instead of where the next quote makes it show.
    void check_quoted_lines(const yaml_event_t& event, Location loc) {
        int parent_column = stack_.empty() ? -1 : stack_.back()->block_column;
        if (parent_column < 0) return;
        if (starts_.empty()) starts_ = line_starts(text_);
        for (std::size_t line = event.start_mark.line + 1; line <= event.end_mark.line && line < starts_.size(); ++line) {
            std::size_t at = starts_[line];
            int indent = 0;
            while (at < text_.size() && text_[at] == ' ') ++at, ++indent;
            std::size_t stop = line + 1 < starts_.size() ? starts_[line + 1] : text_.size();
            bool blank = true;
            for (std::size_t i = at; i < stop && blank; ++i) blank = text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r';
            if (blank || indent > parent_column) continue;
            fail(loc, "a quoted scalar starts here and continues on line " + std::to_string(line + 1) +
                          ", which is not indented past its parent (column " + std::to_string(parent_column + 1) +
                          "): is its closing quote missing?");
        }
    }

    struct Frame {
        YamlNode node;
        int block_column = -1;  ///< 0-based column of the innermost block collection around here; -1: none
        // Keys seen so far, only for big mappings: small ones are searched linearly.
        std::unordered_map<std::string, int> keys;
    };

    [[noreturn]] void fail(Location loc, const std::string& message) const {
        throw InputError(file_, loc.line, loc.column, message);
    }

    void open(YamlNode::Type type, Location loc, bool block) {
        if (static_cast<int>(stack_.size()) >= max_yaml_depth)
            fail(loc, "nesting deeper than " + std::to_string(max_yaml_depth) + " levels; a scenario never needs that");
        if (!stack_.empty()) check_key_position(loc, type);
        auto frame = std::make_unique<Frame>();
        frame->node.type = type;
        frame->node.loc = loc;
        frame->block_column = block ? loc.column - 1 : stack_.empty() ? -1 : stack_.back()->block_column;
        stack_.push_back(std::move(frame));
    }

    void close() {
        YamlNode node = std::move(stack_.back()->node);
        stack_.pop_back();
        attach(std::move(node));
    }

    // A collection cannot be a mapping key in a scenario.
    void check_key_position(Location loc, YamlNode::Type type) const {
        const Frame& parent = *stack_.back();
        if (parent.node.is_mapping() && parent.node.items.size() % 2 == 0)
            fail(loc, std::string{"expected a plain key, found "} + (type == YamlNode::Type::mapping ? "a mapping" : "a list"));
    }

    void attach(YamlNode node) {
        if (stack_.empty()) {
            root_ = std::move(node);
            has_root_ = true;
            return;
        }
        Frame& parent = *stack_.back();
        auto& items = parent.node.items;
        if (parent.node.is_mapping() && items.size() % 2 == 0) check_new_key(parent, node);
        items.push_back(std::move(node));
    }

    void check_new_key(Frame& parent, const YamlNode& key) {
        if (key.is_null()) fail(key.loc, "expected a key, found an empty key");
        if (!key.is_scalar()) fail(key.loc, "expected a plain key, found " + describe_node(key));
        const auto& items = parent.node.items;
        constexpr std::size_t linear_limit = 32;  // keys
        if (items.size() / 2 < linear_limit) {
            for (std::size_t i = 0; i < items.size(); i += 2)
                if (items[i].text == key.text) duplicate(key, items[i].loc.line);
            if (items.size() / 2 + 1 == linear_limit)
                for (std::size_t i = 0; i < items.size(); i += 2) parent.keys.emplace(items[i].text, items[i].loc.line);
        } else {
            auto [it, inserted] = parent.keys.emplace(key.text, key.loc.line);
            if (!inserted) duplicate(key, it->second);
        }
        if (items.size() / 2 + 1 == linear_limit) parent.keys.emplace(key.text, key.loc.line);
    }

    [[noreturn]] void duplicate(const YamlNode& key, int first_line) const {
        fail(key.loc, "duplicate key '" + key.text + "' in one mapping (first at line " + std::to_string(first_line) + ")");
    }

    const std::string& text_;
    const std::string& file_;
    std::vector<std::size_t> starts_;  // line_starts(text_), when a check needs it
    std::vector<std::unique_ptr<Frame>> stack_;
    YamlNode root_;
    bool has_root_ = false;
    int documents_ = 0;
};

}  // namespace

YamlNode parse_yaml_document(const std::string& text, const std::string& file) {
    // libyaml would read UTF-16 with a byte-order mark; a scenario file is UTF-8 (SPEC §9), and a
    // UTF-32 file would otherwise be refused for its NUL bytes two columns on.
    const std::string_view head(text.data(), std::min<std::size_t>(text.size(), 4));
    const char* encoding = head.starts_with(std::string_view("\x00\x00\xFE\xFF", 4)) || head.starts_with(std::string_view("\xFF\xFE\x00\x00", 4))
                               ? "UTF-32"
                           : head.starts_with("\xFE\xFF") || head.starts_with("\xFF\xFE") ? "UTF-16"
                                                                                        : nullptr;
    if (encoding)
        throw InputError(file, 1, 1,
                         std::string{"the file is "} + encoding + " (it starts with a " + encoding +
                             " byte-order mark); a scenario file must be UTF-8: convert it (iconv -f " + encoding + " -t UTF-8)");
    return TreeBuilder(text, file).parse();
}

}  // namespace drsim
