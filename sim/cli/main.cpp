#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#ifdef DRSIM_WITH_MIMALLOC
#include <mimalloc.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
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

// Large OS pages (2 MiB transparent huge pages, which this kernel gives to memory that asks for them).
// A run first touches every page it uses, and on a virtual machine each 4 KiB page fault is slow:
// at 100,000 VMs (115 MB) the faults were a third of the CPU time, and the TLB misses of walking
// VMs and records at 4 KiB a page much of the rest. mimalloc's large-page option covers only the
// segments it maps itself, and not its first 32 MiB, mapped before main; so the program maps one
// region of address space (as large as the machine's memory, no memory reserved until touched),
// asks for huge pages on it, hands it to mimalloc as an arena and makes this thread's heap take
// its memory from there. Other threads' heaps use the arena first too. Measured at 100k: 16,000
// page faults to 380, 0.30 s of CPU to 0.12 s (docs/architecture.md).
//
// Where that cannot be had (an address-space limit, strict overcommit, no memory to map), mimalloc
// keeps its own way with its large-page option. The arena is all this thread's heap has: an
// allocation beyond it is out of memory, as it would be beyond the machine's memory anyway.
void use_large_pages() {
    mi_option_enable(mi_option_large_os_pages);
    rlimit limit{};
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur != RLIM_INFINITY) return;
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) return;
    constexpr std::size_t segment = std::size_t{32} << 20;  // mimalloc's segment size and alignment
    const std::size_t size = (static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size) +
                              segment - 1) & ~(segment - 1);
    void* const mapped = mmap(nullptr, size + segment, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapped == MAP_FAILED) return;
    // Keep the aligned part; give back the head and tail of the over-sized mapping.
    auto* const first = static_cast<char*>(mapped);
    auto* const start = reinterpret_cast<char*>(
        (reinterpret_cast<std::uintptr_t>(first) + segment - 1) & ~(std::uintptr_t{segment} - 1));
    if (start != first) munmap(first, static_cast<std::size_t>(start - first));
    if (const std::size_t tail = segment - static_cast<std::size_t>(start - first); tail != 0)
        munmap(start + size, tail);
    (void)madvise(start, size, MADV_HUGEPAGE);  // without it the arena still serves, in 4 KiB pages
    mi_arena_id_t arena{};
    if (!mi_manage_os_memory_ex(start, size, /*is_committed=*/true, /*is_large=*/false,
                                /*is_zero=*/true, /*numa_node=*/-1, /*exclusive=*/false, &arena)) {
        munmap(start, size);
        return;
    }
    if (mi_heap_t* const heap = mi_heap_new_in_arena(arena)) mi_heap_set_default(heap);
}
#endif

}  // namespace

int main(int argc, char** argv) {
    std::set_new_handler(out_of_memory);
#ifdef DRSIM_WITH_MIMALLOC
    mi_register_error(allocator_error, nullptr);
    // MIMALLOC_LARGE_OS_PAGES=0 in the environment keeps mimalloc's own 4 KiB pages.
    if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) use_large_pages();
#endif
    std::vector<std::string> args(argv + 1, argv + argc);
    return drsim::run_cli(args, std::cout, std::cerr);
}
