#include "sim/scenario/yaml_reader.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <utility>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

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

Location location_of(const YAML::Mark& mark) {
    // yaml-cpp marks are 0-based (and -1 when unknown); messages are 1-based.
    return Location{mark.line < 0 ? 1 : mark.line + 1, mark.column < 0 ? 1 : mark.column + 1};
}

// ---- Fast path for single-line flow items.
// yaml-cpp scans about 1 MB/s (its per-character regular expressions), too slow for a file of
// 10,000 VMs written one per line. Lines of the form `<indent>- {...}` or `<indent>- [...]` whose
// flow collection is simple (plain or simply quoted scalars, no anchors, aliases, tags, escapes,
// tabs or non-ASCII) are parsed here and replaced by a short placeholder that yaml-cpp sees as a
// plain sequence item; the tree builder replays the parsed events in its place, so every check
// (depth, duplicate keys) runs the same way. Whenever anything does not fit, or any error occurs,
// the original text is parsed by yaml-cpp alone, so messages and locations never depend on this.

struct FlowEvent {
    enum class Kind { map_start, seq_start, end, scalar, null };
    Kind kind = Kind::scalar;
    Location loc;
    bool quoted = false;
    std::string text;
};

struct FastPathMismatch {};

constexpr std::string_view flow_placeholder = "_dF_";

// Parses one flow collection starting at line[pos] ('{' or '['); on success appends its events,
// sets `pos` past it and returns true. Returns false for anything outside the simple subset.
class FlowLineParser {
public:
    FlowLineParser(std::string_view line, int line_number, std::vector<FlowEvent>& out)
        : line_(line), line_number_(line_number), out_(out) {}

    bool collection(std::size_t& pos, int depth) {
        if (depth > 16) return false;  // deep documents take the ordinary path and its checks
        char open = line_[pos];
        char close = open == '{' ? '}' : ']';
        out_.push_back({open == '{' ? FlowEvent::Kind::map_start : FlowEvent::Kind::seq_start, here(pos), false, {}});
        ++pos;
        skip_spaces(pos);
        if (pos < line_.size() && line_[pos] == close) {
            ++pos;
            out_.push_back({FlowEvent::Kind::end, {}, false, {}});
            return true;
        }
        while (true) {
            if (open == '{') {
                if (!scalar(pos, true)) return false;
                skip_spaces(pos);
                if (pos + 1 >= line_.size() || line_[pos] != ':' || line_[pos + 1] != ' ') return false;
                ++pos;
                skip_spaces(pos);
            }
            if (!node(pos, depth)) return false;
            skip_spaces(pos);
            if (pos >= line_.size()) return false;
            if (line_[pos] == close) {
                ++pos;
                out_.push_back({FlowEvent::Kind::end, {}, false, {}});
                return true;
            }
            if (line_[pos] != ',') return false;
            ++pos;
            skip_spaces(pos);
            if (pos >= line_.size() || line_[pos] == close || line_[pos] == ',') return false;  // no trailing or empty entries
        }
    }

private:
    Location here(std::size_t pos) const { return Location{line_number_, static_cast<int>(pos) + 1}; }

    void skip_spaces(std::size_t& pos) const {
        while (pos < line_.size() && line_[pos] == ' ') ++pos;
    }

    bool node(std::size_t& pos, int depth) {
        if (pos >= line_.size()) return false;
        if (line_[pos] == '{' || line_[pos] == '[') return collection(pos, depth + 1);
        return scalar(pos, false);
    }

    bool scalar(std::size_t& pos, bool is_key) {
        if (pos >= line_.size()) return false;
        std::size_t start = pos;
        char first = line_[pos];
        if (first == '\'' || first == '"') {
            std::string text;
            ++pos;
            while (true) {
                if (pos >= line_.size()) return false;
                char c = line_[pos];
                if (first == '"' && c == '\\') return false;  // escapes: leave to yaml-cpp
                if (c == first) {
                    if (first == '\'' && pos + 1 < line_.size() && line_[pos + 1] == '\'') {
                        text += '\'';
                        pos += 2;
                        continue;
                    }
                    ++pos;
                    break;
                }
                text += c;
                ++pos;
            }
            out_.push_back({FlowEvent::Kind::scalar, here(start), true, std::move(text)});
            return true;
        }
        // Plain scalar: a conservative character set; it ends before ',', ']', '}' or ': '.
        std::size_t end = pos;
        while (end < line_.size()) {
            char c = line_[end];
            if (c == ',' || c == ']' || c == '}') break;
            if (c == ':') {
                if (end + 1 < line_.size() && line_[end + 1] == ' ' && is_key) break;
                return false;
            }
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '.' ||
                      c == '_' || c == '/' || c == '(' || c == ')' || c == '+' || c == '=' || c == ';' || c == '~' ||
                      (c == '-' && end > pos);
            if (!ok) return false;
            ++end;
        }
        std::size_t last = end;
        while (last > pos && line_[last - 1] == ' ') --last;
        if (last == pos) return false;
        std::string text{line_.substr(pos, last - pos)};
        pos = end;
        if (text == "~" || text == "null" || text == "Null" || text == "NULL") {
            if (is_key) return false;
            out_.push_back({FlowEvent::Kind::null, here(start), false, {}});
        } else {
            if (text.find('~') != std::string::npos) return false;
            out_.push_back({FlowEvent::Kind::scalar, here(start), false, std::move(text)});
        }
        return true;
    }

    std::string_view line_;
    int line_number_;
    std::vector<FlowEvent>& out_;
};

// Replaces the eligible flow items of `text` with placeholders; returns nullopt when none is.
std::optional<std::string> extract_flow_items(const std::string& text, std::vector<std::vector<FlowEvent>>& flows) {
    if (text.find(flow_placeholder) != std::string::npos) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 2);
    std::size_t start = 0;
    int line_number = 0;
    while (start < text.size()) {
        ++line_number;
        std::size_t newline = text.find('\n', start);
        std::size_t stop = newline == std::string::npos ? text.size() : newline;
        std::string_view line{text.data() + start, stop - start};
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::size_t indent = line.find_first_not_of(' ');
        bool replaced = false;
        if (indent != std::string_view::npos && indent + 2 < line.size() && line[indent] == '-' && line[indent + 1] == ' ' &&
            (line[indent + 2] == '{' || line[indent + 2] == '[')) {
            bool ascii = std::all_of(line.begin(), line.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
            std::vector<FlowEvent> events;
            std::size_t pos = indent + 2;
            if (ascii && FlowLineParser(line, line_number, events).collection(pos, 2)) {
                std::size_t rest = line.find_first_not_of(' ', pos);
                // Only a comment may follow, separated by a space.
                if (rest == std::string_view::npos || (line[rest] == '#' && rest > pos)) {
                    out.append(line.substr(0, indent + 2));
                    out.append(flow_placeholder);
                    out.append(std::to_string(flows.size()));
                    flows.push_back(std::move(events));
                    replaced = true;
                }
            }
        }
        if (!replaced) out.append(text, start, stop - start);
        if (newline != std::string::npos) out += '\n';
        start = stop + 1;
    }
    if (flows.empty()) return std::nullopt;
    return out;
}

// Builds the tree from parser events. Each open collection is a frame; a finished node is moved
// into its parent. Refusals are thrown from inside the callbacks, so a deep or aliased document is
// never built past the point where it goes wrong.
class TreeBuilder : public YAML::EventHandler {
public:
    TreeBuilder(const std::string& file, std::vector<std::vector<FlowEvent>>* flows) : file_(file), flows_(flows) {
        if (flows_) used_.assign(flows_->size(), false);
    }

    /// True when every single-line flow item taken out of the text came back exactly once.
    bool all_flows_replayed() const { return std::find(used_.begin(), used_.end(), false) == used_.end(); }

    YamlNode take_root() { return std::move(root_); }
    bool has_root() const { return has_root_; }
    int documents() const { return documents_; }

    void OnDocumentStart(const YAML::Mark& mark) override {
        ++documents_;
        if (documents_ > 1) fail(location_of(mark), "a scenario file holds one YAML document; a second one starts here");
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
        YamlNode node;
        node.loc = location_of(mark);
        attach(std::move(node));
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        // Aliases are refused outright: scenarios do not need them, and refusing them removes the
        // "billion laughs" expansion problem instead of bounding it.
        fail(location_of(mark), "YAML aliases (*name) are not allowed in a scenario; write the value out");
    }
    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t, const std::string& value) override {
        if (flows_ && value.find(flow_placeholder) != std::string::npos) {
            replay_flow(tag, value);
            return;
        }
        YamlNode node;
        node.type = YamlNode::Type::scalar;
        node.loc = location_of(mark);
        node.quoted = tag != "?";  // "?" = plain scalar; "!" = quoted; anything else an explicit tag
        node.text = value;
        attach(std::move(node));
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        open(YamlNode::Type::sequence, location_of(mark));
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        open(YamlNode::Type::mapping, location_of(mark));
    }
    void OnMapEnd() override { close(); }

private:
    // The placeholder must stand alone as a plain sequence item; anything else (inside a block
    // scalar, a continued plain scalar, a comment) means the text was not what the pre-scan
    // assumed, and the caller parses the original text instead.
    void replay_flow(const std::string& tag, const std::string& value) {
        std::size_t index = 0;
        bool exact = tag == "?" && value.size() > flow_placeholder.size() &&
                     value.compare(0, flow_placeholder.size(), flow_placeholder) == 0 &&
                     value.find_first_not_of("0123456789", flow_placeholder.size()) == std::string::npos;
        if (exact) index = std::stoul(value.substr(flow_placeholder.size()));
        if (!exact || index >= flows_->size() || used_[index] || stack_.empty() || !stack_.back()->node.is_sequence())
            throw FastPathMismatch{};
        used_[index] = true;
        for (const FlowEvent& e : (*flows_)[index]) {
            switch (e.kind) {
                case FlowEvent::Kind::map_start: open(YamlNode::Type::mapping, e.loc); break;
                case FlowEvent::Kind::seq_start: open(YamlNode::Type::sequence, e.loc); break;
                case FlowEvent::Kind::end: close(); break;
                case FlowEvent::Kind::null: {
                    YamlNode node;
                    node.loc = e.loc;
                    attach(std::move(node));
                    break;
                }
                case FlowEvent::Kind::scalar: {
                    YamlNode node;
                    node.type = YamlNode::Type::scalar;
                    node.loc = e.loc;
                    node.quoted = e.quoted;
                    node.text = e.text;
                    attach(std::move(node));
                    break;
                }
            }
        }
    }

    struct Frame {
        YamlNode node;
        // Keys seen so far, only for big mappings: small ones are searched linearly.
        std::unordered_map<std::string, int> keys;
    };

    [[noreturn]] void fail(Location loc, const std::string& message) const {
        throw InputError(file_, loc.line, loc.column, message);
    }

    void open(YamlNode::Type type, Location loc) {
        if (static_cast<int>(stack_.size()) >= max_yaml_depth)
            fail(loc, "nesting deeper than " + std::to_string(max_yaml_depth) + " levels; a scenario never needs that");
        if (!stack_.empty()) check_key_position(loc, type);
        auto frame = std::make_unique<Frame>();
        frame->node.type = type;
        frame->node.loc = loc;
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

    const std::string& file_;
    std::vector<std::vector<FlowEvent>>* flows_;
    std::vector<bool> used_;
    std::vector<std::unique_ptr<Frame>> stack_;
    YamlNode root_;
    bool has_root_ = false;
    int documents_ = 0;
};

}  // namespace

namespace {

YamlNode parse_with(const std::string& text, const std::string& file, std::vector<std::vector<FlowEvent>>* flows) {
    std::istringstream stream(text);
    TreeBuilder builder(file, flows);
    try {
        YAML::Parser parser(stream);
        while (parser.HandleNextDocument(builder)) {
        }
    } catch (const InputError&) {
        throw;
    } catch (const FastPathMismatch&) {
        throw;
    } catch (const YAML::Exception& e) {
        Location loc = location_of(e.mark);
        throw InputError(file, loc.line, loc.column, "YAML syntax error: " + e.msg);
    } catch (const std::exception& e) {
        throw InputError(file, 1, 1, std::string{"cannot parse YAML: "} + e.what());
    }
    if (flows && !builder.all_flows_replayed()) throw FastPathMismatch{};
    if (!builder.has_root()) throw InputError(file, 1, 1, "empty file: expected a scenario mapping (scenario:, sites:, ...)");
    return builder.take_root();
}

}  // namespace

YamlNode parse_yaml_document(const std::string& text, const std::string& file, YamlParsePath path) {
    if (path == YamlParsePath::fast_when_possible) {
        std::vector<std::vector<FlowEvent>> flows;
        if (auto shortened = extract_flow_items(text, flows)) {
            try {
                return parse_with(*shortened, file, &flows);
            } catch (const FastPathMismatch&) {
            } catch (const InputError&) {
                // Fall through: the message must come from the text as written.
            }
        }
    }
    return parse_with(text, file, nullptr);
}

}  // namespace drsim
