#include "sim/study/mpi_session.hpp"

#include <cstdlib>

#ifdef DRSIM_WITH_MPI
#include <boost/mpi/collectives.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>
#endif

namespace drsim {

// Launched by mpirun (Open MPI, or a PMI-based launcher such as srun)?
bool MpiSession::launched() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
        if (std::getenv(name) != nullptr) return true;
    return false;
}

#ifdef DRSIM_WITH_MPI

struct MpiSession::State {
    boost::mpi::environment environment;
    boost::mpi::communicator world;
};

MpiSession::MpiSession() {
    if (!launched()) return;
    state_ = new State();
    rank_ = state_->world.rank();
    size_ = state_->world.size();
}

MpiSession::~MpiSession() { delete state_; }

std::vector<std::string> MpiSession::gather(const std::string& mine) const {
    if (!state_) return {mine};
    std::vector<std::string> all;
    boost::mpi::gather(state_->world, mine, all, 0);
    return all;
}

bool MpiSession::built_with_mpi() { return true; }

#else

struct MpiSession::State {};

MpiSession::MpiSession() = default;
MpiSession::~MpiSession() = default;

std::vector<std::string> MpiSession::gather(const std::string& mine) const { return {mine}; }

bool MpiSession::built_with_mpi() { return false; }

#endif

}  // namespace drsim
