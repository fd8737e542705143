#include "reporting/json_writer.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace drsim::reporting {

namespace {

// The first byte of `s` from `from` on that JSON escapes, or s.size(). Sixteen bytes at a time where
// the processor has SSE2 (every x86-64 does), else eight; the last, partial block is read as the
// block that ends the string, overlapping the one before (whose bytes needed nothing), so most
// strings are passed in one or two steps. Only a string shorter than a block goes byte by byte.
std::size_t first_escaped(std::string_view s, std::size_t from) {
    const std::size_t n = s.size();
    std::size_t i = from;
#ifdef __SSE2__
    if (n - i >= 16) {
        for (;; i += 16) {
            if (i + 16 > n) i = n - 16;
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
            const auto mask = static_cast<unsigned>(_mm_movemask_epi8(json_detail::escape_lanes(v)));
            if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
            if (i + 16 == n) return n;
        }
    }
#endif
    if (n - i >= 8) {
        for (;; i += 8) {
            if (i + 8 > n) i = n - 8;
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            if (json_detail::escapes_in(w)) break;  // one of these eight: find it below
            if (i + 8 == n) return n;
        }
    }
    for (; i < n; ++i)
        if (json_detail::kEscaped[static_cast<unsigned char>(s[i])]) return i;
    return n;
}

}  // namespace

void JsonWriter::separate_indented() {
    if (after_key_) {
        after_key_ = false;
        comma_ = true;
        return;
    }
    if (depth_ == 0) return;
    if (comma_) sink_.put(',');
    comma_ = true;
    newline(depth_);
}

void JsonWriter::newline(std::size_t depth) {
    sink_.put('\n');
    for (std::size_t i = 0; i < depth * static_cast<std::size_t>(indent_); ++i) sink_.put(' ');
}

bool JsonWriter::plain_key(std::string_view k) { return first_escaped(k, 0) == k.size(); }

JsonWriter& JsonWriter::key(std::string_view k) {
    separate();
    string(k);
    sink_.put(':');
    return key_written();
}

void JsonWriter::string_escaped(std::string_view s) {
    // As nlohmann::json escapes: quote and backslash, the named control characters, any other
    // below 0x20 as \u00xx; UTF-8 is written as it is.
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t i = first_escaped(s, 0);
    sink_.put('"');
    std::size_t plain = 0;  // start of the run not yet written
    for (; i < s.size(); i = first_escaped(s, plain)) {
        const auto c = static_cast<unsigned char>(s[i]);
        sink_.write(s.substr(plain, i - plain));
        plain = i + 1;
        switch (c) {
            case '"': sink_.write("\\\""); break;
            case '\\': sink_.write("\\\\"); break;
            case '\b': sink_.write("\\b"); break;
            case '\f': sink_.write("\\f"); break;
            case '\n': sink_.write("\\n"); break;
            case '\r': sink_.write("\\r"); break;
            case '\t': sink_.write("\\t"); break;
            default: {
                const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                sink_.write(std::string_view(u, sizeof u));
            }
        }
    }
    sink_.write(s.substr(plain));
    sink_.put('"');
}

JsonWriter& JsonWriter::value(bool b) {
    separate();
    sink_.write(b ? "true" : "false");
    return *this;
}

template <typename Integer>
JsonWriter& JsonWriter::integer(Integer n) {
    separate();
    // In place: 20 digits and a sign at most.
    char* out = sink_.room(24);
    sink_.commit(static_cast<std::size_t>(std::to_chars(out, out + 24, n).ptr - out));
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t n) { return integer(n); }

JsonWriter& JsonWriter::value(std::uint64_t n) { return integer(n); }

JsonWriter& JsonWriter::raw_value(std::string_view json) {
    separate();
    sink_.write(json);
    return *this;
}

JsonWriter& JsonWriter::null() {
    separate();
    sink_.write("null");
    return *this;
}

JsonWriter& JsonWriter::number_text(std::string_view digits) {
    separate();
    if (digits.size() <= 32) put_short(digits.data(), digits.size());
    else sink_.write(digits);
    return *this;
}

bool JsonWriter::machine_has_cores_to_spare() {
    static const bool spare = std::thread::hardware_concurrency() >= 2;
    return spare;
}

void JsonWriter::items(std::size_t count, const std::function<void(JsonWriter&, std::size_t)>& item) {
    assert(depth_ > 0 && !after_key_ && "items() writes into an array just begun");
    // Blocks of this many items (a few megabytes of a run's events), four buffers in flight: the
    // memory held is a few blocks, whatever the count.
    constexpr std::size_t kBlock = 2048, kRing = 4;
    if (!threads_ || indent_ >= 0 || count < 4 * kBlock) {
        for (std::size_t i = 0; i < count; ++i) item(*this, i);
        return;
    }
    const bool after_items = comma_;  // items already in the array
    const std::size_t blocks = (count + kBlock - 1) / kBlock;
    const auto block_items = [&](std::size_t b) { return std::min(kBlock, count - b * kBlock); };
    const auto render = [&](std::size_t b, std::string& out) {
        out.clear();
        StringSink sink(out);
        JsonWriter w(sink, indent_);
        w.continue_inside(after_items || b > 0);
        for (std::size_t i = b * kBlock, end = i + block_items(b); i < end; ++i) item(w, i);
        sink.flush();
    };
    // Blocks are taken in order by whichever thread is free, as long as their buffer (block % kRing)
    // has gone out; this thread writes them out in order.
    std::mutex m;
    std::condition_variable changed;
    std::size_t next = 0, written = 0;
    std::array<std::string, kRing> buffers;
    for (std::string& b : buffers) b.reserve(std::size_t{2} << 20);  // a block of records, not regrown
    std::array<bool, kRing> ready{};
    bool stop = false;
    std::exception_ptr helper_error;
    std::thread helper([&] {
        std::unique_lock lock(m);
        for (;;) {
            changed.wait(lock, [&] { return stop || next >= blocks || next < written + kRing; });
            if (stop || next >= blocks) return;
            const std::size_t b = next++;
            lock.unlock();
            try {
                render(b, buffers[b % kRing]);
            } catch (...) {
                lock.lock();
                helper_error = std::current_exception();
                stop = true;
                changed.notify_all();
                return;
            }
            lock.lock();
            ready[b % kRing] = true;
            changed.notify_all();
        }
    });
    try {
        std::unique_lock lock(m);
        while (written < blocks) {
            if (helper_error) break;
            if (ready[written % kRing]) {
                lock.unlock();
                raw_items(buffers[written % kRing], block_items(written));
                lock.lock();
                ready[written % kRing] = false;
                ++written;
                changed.notify_all();
            } else if (next < blocks && next < written + kRing) {
                const std::size_t b = next++;
                lock.unlock();
                render(b, buffers[b % kRing]);
                lock.lock();
                ready[b % kRing] = true;
            } else {
                changed.wait(lock);
            }
        }
        stop = true;
        changed.notify_all();
    } catch (...) {
        {
            const std::lock_guard lock(m);
            stop = true;
        }
        changed.notify_all();
        helper.join();
        throw;
    }
    helper.join();
    if (helper_error) std::rethrow_exception(helper_error);
}

}  // namespace drsim::reporting
