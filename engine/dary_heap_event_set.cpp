#include "engine/dary_heap_event_set.hpp"

namespace drsim::engine {

// Compiled once here rather than in every user of the header.
template class DaryHeapEventSet<2>;
template class DaryHeapEventSet<4>;

}  // namespace drsim::engine
