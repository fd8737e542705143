#pragma once
// Compact JSON written once and copied after. A run says the same things of many VMs (one
// operation, outcome and state after; one network, site and subnet; a rule's fixed words), so a
// document may remember, under a key, the bytes it wrote for a run of members or for one value, and
// copy them when the key comes again: one copy in place of a key, a quote and a look for what to
// escape per member.
//
// Slots are found by the key's hash, one key a slot (a newer one takes it). What is remembered holds
// for one document: the same key (an id) may stand for another name in another run, so the owner
// calls forget() before the next. A memo belongs to one thread (a thread_local where items() may
// write on two). An indented writer is written to directly: only compact bytes are remembered.
#include <array>
#include <string>
#include <string_view>

#include "reporting/json_writer.hpp"

namespace drsim::reporting {

/// Key: what the bytes depend on, with == and hash(); Slots: how many keys are remembered at once.
template <typename Key, std::size_t Slots = 256>
class JsonMemo {
public:
    JsonMemo() = default;
    JsonMemo(const JsonMemo&) = delete;
    JsonMemo& operator=(const JsonMemo&) = delete;

    /// Into the object `j` is writing, the members `write(writer)` writes for `key`.
    template <typename Write>
    void members(JsonWriter& j, const Key& key, Write&& write) {
        if (!j.compact()) {
            write(j);
            return;
        }
        j.raw_members(find(key, [&](JsonWriter& m) {
            m.continue_inside(false);
            write(m);
        }));
    }
    /// The one value `write(writer)` writes for `key`: an array item or, after j.key(), a member's.
    template <typename Write>
    void value(JsonWriter& j, const Key& key, Write&& write) {
        if (!j.compact()) {
            write(j);
            return;
        }
        j.raw_value(find(key, write));
    }
    /// Forgets every key: what the next document's keys stand for may differ.
    void forget() {
        for (Slot& s : slots_) s.filled = false;
    }

private:
    template <typename Fill>
    std::string_view find(const Key& key, Fill&& fill) {
        Slot& s = slots_[key.hash() % Slots];
        if (!s.filled || !(s.key == key)) {
            s.filled = false;
            s.json.clear();
            sink_.out = &s.json;
            try {
                JsonWriter m(sink_);
                fill(m);
                sink_.flush();
            } catch (...) {
                sink_.flush();  // what was written goes, so the next fill starts empty
                s.json.clear();
                throw;
            }
            s.key = key;
            s.filled = true;
        }
        return s.json;
    }

    /// Appends to the string of the slot being filled.
    class SlotSink final : public TextSink {
    public:
        SlotSink() : TextSink(4096) {}
        std::string* out = nullptr;

    protected:
        void emit(std::string_view bytes) override { out->append(bytes); }
    };

    struct Slot {
        Key key{};
        bool filled = false;
        std::string json;
    };
    std::array<Slot, Slots> slots_;
    SlotSink sink_;
};

}  // namespace drsim::reporting
