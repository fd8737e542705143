#pragma once
// Writing the outputs of a command (--json, --csv, --report, --runs-out; "-" is standard output).
//
// Contract of write_outputs:
//  - Every output is complete (rendered, or produced into its temporary) before any is renamed.
//  - A path that is absent or a regular file is written to a new temporary in its directory
//    (`.NAME.XXXXXX`, created with mkstemp: O_EXCL, so a planted symlink is never followed), given
//    the mode a new file would get (0666 minus the umask; an existing file's mode is kept),
//    flushed to disk and renamed over the path: a reader sees the old file or the new one whole.
//  - A path that exists and is not a regular file (a device such as /dev/null, a FIFO, a symlink
//    such as /dev/stdout or any other link) is opened and written in place, as the shell's `>`
//    does: a device is never replaced by a file, and a symlink is written through to its target
//    (not atomically), the kernel's protections against planted links applying as they do to `>`.
//  - All or none: every temporary is complete, and standard output and in-place paths written,
//    before the first rename; a failure before then renames nothing and removes every temporary.
//    A rename failing midway says which outputs were written.
//  - Every write and close is checked; a failure throws OutputError naming the path (or
//    "standard output") and the system's reason.
//  - A temporary in flight is removed if SIGINT, SIGTERM, SIGHUP or SIGPIPE ends the process.
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/text_sink.hpp"

namespace drsim {

/// An output could not be written (disk full, no permission, standard output closed): exit 4.
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One output of a command: the option that named it (for messages), its path, its text, or the
/// function that writes it as it is produced (then the text is not used): a large output goes to
/// its file through a buffer, never held whole in memory.
struct Output {
    std::string option;  // "--json"
    std::string path;    // "-" = standard output
    std::string text;
    std::function<void(reporting::TextSink&)> produce = {};
};

/// Writes every output (see the contract above); `out` is standard output. Throws OutputError.
void write_outputs(const std::vector<Output>& outputs, std::ostream& out);

/// Writes `text` to `out` and flushes it; throws OutputError ("cannot write standard output: …").
void write_standard_output(std::ostream& out, std::string_view text);

/// The reason the last write to a stream failed: strerror(errno), or "write error".
std::string stream_error_reason();

/// Refuses (InputError) two outputs naming one file (by path or by identity: links, `./`) and an
/// output naming one of `inputs` (the scenario file, the run files read), and two outputs to standard output ("-").
/// `outputs` pairs each option with its path.
void check_output_paths(const std::vector<std::pair<std::string, std::string>>& outputs, const std::vector<std::string>& inputs,
                        const std::string& command);

// The registry of temporaries in flight, for the signal handler. Async-signal-safe: paths are
// held by pointer in lock-free atomic slots; the handler only reads them and calls unlink.

/// Registers `path` (kept alive by the caller until unregistered); returns its slot. Installs the
/// signal handler for each of those signals whose action is the default one.
std::size_t register_temporary(const char* path);
/// Forgets slot `slot` (after the temporary is renamed or removed).
void unregister_temporary(std::size_t slot);
/// Unlinks every registered temporary and clears the registry; what the signal handler does
/// before re-raising the signal with its default action.
void remove_registered_temporaries() noexcept;
/// Temporaries registered now.
std::size_t registered_temporaries() noexcept;

}  // namespace drsim
