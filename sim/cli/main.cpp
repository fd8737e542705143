#include <unistd.h>

#ifdef DRSIM_WITH_MIMALLOC
#include <mimalloc.h>

#include <cerrno>
#include <cstdlib>
#endif

#include <iostream>
#include <new>

#include "sim/cli/cli.hpp"
#include "sim/cli/output_files.hpp"

namespace {

// Out of memory: one message and exit 3, as the README promises. mimalloc (the Release program's
// allocator) reports the failure to a registered error function and would then abort; the standard
// allocator calls the new handler. Either way the process ends here the same way: no output file is
// renamed into place, and a temporary being written is removed.
[[noreturn]] void out_of_memory() {
    drsim::remove_registered_temporaries();  // an output half written is not left behind
    static const char message[] = "drsim: error: out of memory\n";
    (void)!write(STDERR_FILENO, message, sizeof message - 1);
    _exit(3);
}

#ifdef DRSIM_WITH_MIMALLOC
// mimalloc reports an allocation it cannot satisfy here before it would abort.
void allocator_error(int error, void*) {
    if (error == ENOMEM || error == EOVERFLOW) out_of_memory();
}
#endif

}  // namespace

int main(int argc, char** argv) {
    std::set_new_handler(out_of_memory);
#ifdef DRSIM_WITH_MIMALLOC
    mi_register_error(allocator_error, nullptr);
    // Large OS pages (2 MiB, transparent huge pages where the kernel offers them on request): a run
    // of a million VMs walks a gigabyte of records and VMs, and with 4 KiB pages much of its time
    // went to TLB misses and page faults (1M VMs: 4.6 -> 1.5 s of user time, the peak ~4 % higher).
    // MIMALLOC_LARGE_OS_PAGES=0 in the environment turns it off.
    if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) mi_option_enable(mi_option_large_os_pages);
#endif
    std::vector<std::string> args(argv + 1, argv + argc);
    return drsim::run_cli(args, std::cout, std::cerr);
}
