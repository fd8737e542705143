#pragma once
// A sweep under MPI (SPEC §11): `mpirun -np P drsim sweep …` splits the runs over the ranks and rank
// 0 writes the summary. MPI is Boost.MPI over Open MPI, optional at build time (DRSIM_WITH_MPI);
// a process that mpirun did not start, or a build without it, is one rank of one.
#include <string>
#include <vector>

namespace drsim {

class MpiSession {
public:
    /// Starts MPI when this process was launched by mpirun and drsim was built with MPI.
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }
    /// Rank 0 gets every rank's `mine`, in rank order; the other ranks get nothing.
    std::vector<std::string> gather(const std::string& mine) const;

    /// Whether this build can run under MPI, and whether mpirun (or a PMI launcher) started us.
    static bool built_with_mpi();
    static bool launched();

private:
    int rank_ = 0;
    int size_ = 1;
    struct State;
    [[maybe_unused]] State* state_ = nullptr;  // used only when built with MPI
};

}  // namespace drsim
