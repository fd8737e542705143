#pragma once
// Where an output is written as it is produced: a buffer that goes out (to a file, standard output,
// a string) each time it fills, so that no output is ever held whole in memory.
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace drsim::reporting {

class TextSink {
public:
    explicit TextSink(std::size_t capacity = std::size_t{1} << 16)
        : buffer_(new char[capacity]), capacity_(capacity) {}
    virtual ~TextSink() = default;
    TextSink(const TextSink&) = delete;
    TextSink& operator=(const TextSink&) = delete;

    void write(std::string_view text) {
        if (used_ + text.size() > capacity_) {
            flush();
            if (text.size() > capacity_) {  // larger than the buffer: straight through
                emit(text);
                return;
            }
        }
        std::memcpy(buffer_.get() + used_, text.data(), text.size());
        used_ += text.size();
    }
    /// Room for `n` more bytes in the buffer (n at most its capacity): write them at the pointer
    /// returned, then commit(n). For a few bytes made in place (a quoted key) without a copy.
    char* room(std::size_t n) {
        if (used_ + n > capacity_) flush();
        return buffer_.get() + used_;
    }
    void commit(std::size_t n) { used_ += n; }
    void put(char c) {
        if (used_ == capacity_) [[unlikely]] flush();
        buffer_[used_++] = c;
    }
    /// Sends what is buffered to emit(). Call at the end: a destructor cannot report a failure.
    /// Not inlined: the writes above stay a few instructions where they are used.
    [[gnu::noinline]] void flush() {
        if (used_ == 0) return;
        const std::size_t n = used_;
        used_ = 0;
        emit(std::string_view(buffer_.get(), n));
    }

protected:
    /// Writes `bytes` out; throws on failure (the caller's exception type).
    virtual void emit(std::string_view bytes) = 0;

private:
    std::unique_ptr<char[]> buffer_;
    std::size_t capacity_;
    std::size_t used_ = 0;
};

/// A sink into a string (tests, and outputs small enough to hold).
class StringSink final : public TextSink {
public:
    explicit StringSink(std::string& out) : TextSink(4096), out_(out) {}
    ~StringSink() override { flush(); }

protected:
    void emit(std::string_view bytes) override { out_.append(bytes); }

private:
    std::string& out_;
};

}  // namespace drsim::reporting
