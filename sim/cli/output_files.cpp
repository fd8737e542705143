#include "sim/cli/output_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <ostream>

#include "sim/scenario/input_error.hpp"

namespace drsim {

namespace {

// ---- the registry of temporaries in flight -------------------------------------------------

constexpr std::size_t kSlots = 16;
std::array<std::atomic<const char*>, kSlots> g_temporaries{};
static_assert(std::atomic<const char*>::is_always_lock_free, "the signal handler reads the registry");

constexpr std::array<int, 4> kSignals{SIGINT, SIGTERM, SIGHUP, SIGPIPE};

extern "C" void remove_temporaries_and_reraise(int sig) {
    const int saved = errno;
    remove_registered_temporaries();
    errno = saved;
    // SA_RESETHAND restored the default action and SA_NODEFER lets it be delivered now.
    std::raise(sig);
}

// For each signal whose action is the default one (not ignored, as under nohup, nor taken by
// another handler), and again on each call: a handler that SA_RESETHAND reset is set back.
void install_signal_handlers() {
    for (const int sig : kSignals) {
        struct sigaction current {};
        if (sigaction(sig, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;  // ignored or handled: left so
        struct sigaction action {};
        action.sa_handler = remove_temporaries_and_reraise;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigaction(sig, &action, nullptr);
    }
}

// ---- files ---------------------------------------------------------------------------------

std::string reason(int error) { return error != 0 ? std::string{std::strerror(error)} : std::string{"write error"}; }

[[noreturn]] void fail(const std::string& path, int error) { throw OutputError("cannot write " + path + ": " + reason(error)); }

// Writes all of `text` to `fd`, retrying short writes and interruptions; returns 0 or an errno.
int write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

// A sink onto a file descriptor; a failed write throws OutputError naming `name`.
class FdSink final : public reporting::TextSink {
public:
    // A megabyte at a time: a million VMs' JSON is 4 GB, and each write is a system call.
    FdSink(int fd, std::string name) : TextSink(std::size_t{1} << 20), fd_(fd), name_(std::move(name)) {}

protected:
    void emit(std::string_view bytes) override {
        if (const int e = write_all(fd_, bytes)) fail(name_, e);
    }

private:
    int fd_;
    std::string name_;
};

// A sink onto standard output (a C++ stream, as the rest of the program writes it).
class StreamSink final : public reporting::TextSink {
public:
    explicit StreamSink(std::ostream& out) : out_(out) {}

protected:
    void emit(std::string_view bytes) override {
        errno = 0;
        out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out_) throw OutputError("cannot write standard output: " + stream_error_reason());
    }

private:
    std::ostream& out_;
};

// Writes output `o` onto `sink`: its text, or what it produces as it goes.
void write_to(reporting::TextSink& sink, const Output& o) {
    if (o.produce) o.produce(sink);
    else sink.write(o.text);
    sink.flush();
}

// Writes output `o` to `fd`, naming `name` if a write fails.
void write_output(int fd, const Output& o, const std::string& name) {
    FdSink sink(fd, name);
    write_to(sink, o);
}

// Writes output `o` to standard output and flushes it.
void write_to_standard_output(std::ostream& out, const Output& o) {
    StreamSink sink(out);
    write_to(sink, o);
    errno = 0;
    out.flush();
    if (!out) throw OutputError("cannot write standard output: " + stream_error_reason());
}

std::pair<std::string, std::string> split_path(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return {".", path};
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

mode_t new_file_mode() {
    // umask can only be read by setting it; outputs are written by the main thread alone.
    const mode_t mask = ::umask(022);
    ::umask(mask);
    return 0666 & ~mask;
}

// A temporary next to its target: created, filled, then renamed over the target or removed.
class Temporary {
public:
    Temporary(const std::string& target, const struct stat* existing) : target_(target) {
        const auto [dir, base] = split_path(target);
        path_ = (dir == "/" ? "/" : dir + "/") + "." + base + ".XXXXXX";
        fd_ = ::mkostemp(path_.data(), O_CLOEXEC);  // O_CREAT | O_EXCL: never follows a planted link
        if (fd_ < 0) fail(target, errno);
        try {
            slot_ = register_temporary(path_.c_str());
        } catch (...) {  // the destructor does not run for a constructor that throws
            ::close(fd_);
            ::unlink(path_.c_str());
            throw;
        }
        registered_ = true;
        if (existing) {
            (void)!::fchown(fd_, existing->st_uid, existing->st_gid);  // as root: keep the owner; else as it may
            mode_ = existing->st_mode & 0777;
        } else {
            mode_ = new_file_mode();
        }
        if (::fchmod(fd_, mode_) != 0) {
            const int e = errno;
            ::close(fd_);
            ::unlink(path_.c_str());
            unregister_temporary(slot_);
            fail(target, e);
        }
    }
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;
    ~Temporary() {
        if (fd_ >= 0) ::close(fd_);
        if (!renamed_) ::unlink(path_.c_str());
        if (registered_) unregister_temporary(slot_);
    }

    // Writes and closes; throws OutputError. Not forced to disk (no fsync): readers see the old file
    // or the new one whole either way, a run's outputs can be made again after a power cut, and
    // forcing them out made a million VMs' JSON (4 GB) wait seconds on the disk. A write error the
    // system reports late, at close (as NFS does), is still an OutputError.
    void fill(const Output& o) {
        write_output(fd_, o, target_);
        const int fd = fd_;
        fd_ = -1;
        if (::close(fd) != 0) fail(target_, errno);
    }

    // Renames over the target; returns 0 or an errno.
    int commit() {
        if (::rename(path_.c_str(), target_.c_str()) != 0) return errno;
        renamed_ = true;
        unregister_temporary(slot_);
        registered_ = false;
        return 0;
    }

private:
    std::string target_;
    std::string path_;
    int fd_ = -1;
    mode_t mode_ = 0644;
    std::size_t slot_ = 0;
    bool registered_ = false;
    bool renamed_ = false;
};

// Opens an existing non-regular path (a device, a FIFO, a link) and writes it in place, as `>` would.
void write_in_place(const std::string& path, const Output& o) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) fail(path, errno);
    try {
        write_output(fd, o, path);
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) fail(path, errno);
}

std::string join(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

// What names one file: its device and inode when it exists, else its directory resolved plus its name.
std::string identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return "inode " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    const auto [dir, base] = split_path(path);
    std::unique_ptr<char, decltype(&std::free)> resolved(::realpath(dir.c_str(), nullptr), &std::free);
    return "path " + (resolved ? std::string{resolved.get()} + "/" + base : path);
}

}  // namespace

std::size_t register_temporary(const char* path) {
    install_signal_handlers();
    for (std::size_t i = 0; i < kSlots; ++i) {
        const char* expected = nullptr;
        if (g_temporaries[i].compare_exchange_strong(expected, path)) return i;
    }
    throw std::logic_error("more than 16 output temporaries at once");
}

void unregister_temporary(std::size_t slot) { g_temporaries[slot].store(nullptr); }

void remove_registered_temporaries() noexcept {
    for (auto& slot : g_temporaries)
        if (const char* path = slot.exchange(nullptr)) ::unlink(path);
}

std::size_t registered_temporaries() noexcept {
    std::size_t n = 0;
    for (const auto& slot : g_temporaries) n += slot.load() != nullptr;
    return n;
}

std::string stream_error_reason() { return reason(errno); }

void write_standard_output(std::ostream& out, std::string_view text) { write_to_standard_output(out, {"", "-", std::string{text}}); }

void write_outputs(const std::vector<Output>& outputs, std::ostream& out) {
    // 1. Every regular file (or new path) to its temporary; which are written in place.
    std::vector<std::unique_ptr<Temporary>> temporaries(outputs.size());
    std::vector<bool> in_place(outputs.size(), false);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const Output& o = outputs[i];
        if (o.path == "-") continue;
        struct stat st {};
        const bool exists = ::lstat(o.path.c_str(), &st) == 0;
        if (exists && !S_ISREG(st.st_mode)) {
            in_place[i] = true;
            continue;
        }
        temporaries[i] = std::make_unique<Temporary>(o.path, exists ? &st : nullptr);
        temporaries[i]->fill(o);
    }
    // 2. What cannot be renamed into place: standard output, devices, FIFOs, links.
    std::vector<std::string> written;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        if (outputs[i].path == "-") {
            write_to_standard_output(out, outputs[i]);
            written.push_back("standard output");
        } else if (in_place[i]) {
            write_in_place(outputs[i].path, outputs[i]);
            written.push_back(outputs[i].path);
        }
    }
    // 3. Every temporary is complete: rename them all.
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        if (!temporaries[i]) continue;
        if (const int e = temporaries[i]->commit()) {
            std::vector<std::string> not_written;
            for (std::size_t j = i; j < outputs.size(); ++j)
                if (temporaries[j]) not_written.push_back(outputs[j].path);
            throw OutputError("cannot write " + outputs[i].path + ": " + reason(e) +
                              (written.empty() ? "" : "; written: " + join(written)) + "; not written: " + join(not_written));
        }
        written.push_back(outputs[i].path);
    }
}

void check_output_paths(const std::vector<std::pair<std::string, std::string>>& outputs, const std::vector<std::string>& inputs,
                        const std::string& command) {
    std::vector<std::string> input_ids;
    for (const auto& in : inputs) input_ids.push_back(identity(in));
    std::vector<std::pair<std::string, std::string>> seen;  // option, identity
    std::string to_stdout;  // the option already writing to standard output
    for (const auto& [option, path] : outputs) {
        if (path == "-") {
            if (!to_stdout.empty())
                throw InputError(to_stdout + " - and " + option + " -: both would write standard output, one document into the "
                                 "other; give one of them a FILE (see drsim " + command + " --help)");
            to_stdout = option;
            continue;
        }
        const std::string id = identity(path);
        for (std::size_t k = 0; k < inputs.size(); ++k)
            if (input_ids[k] == id)
                throw InputError(option + " " + path + ": is " + (command == "sweep-merge" ? "a run file read" : "the scenario file") +
                                 ", which the output would replace: give another path (see drsim " + command + " --help)");
        for (const auto& [other, other_id] : seen)
            if (other_id == id)
                throw InputError(option + " " + path + ": " + other + " writes the same file: give each output its own path (see drsim " +
                                 command + " --help)");
        seen.emplace_back(option, id);
    }
}

}  // namespace drsim
