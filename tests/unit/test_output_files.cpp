// Writing outputs: temporaries, devices written in place, all or none, the signal registry.
#include "sim/cli/output_files.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <streambuf>

#include "sim/scenario/input_error.hpp"

namespace fs = std::filesystem;
using namespace drsim;

namespace {

// A scratch directory, removed with what it holds.
struct Scratch {
    fs::path dir;
    Scratch() {
        char name[] = "/tmp/drsim-outputs-XXXXXX";
        REQUIRE(::mkdtemp(name) != nullptr);
        dir = name;
    }
    ~Scratch() { fs::remove_all(dir); }
    std::string operator/(const std::string& name) const { return (dir / name).string(); }
    std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator())); }
};

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A stream whose every write fails, as standard output on a full disk.
struct FullBuf : std::streambuf {
    int overflow(int) override { return traits_type::eof(); }
    std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

mode_t umask_now() {
    const mode_t m = ::umask(022);
    ::umask(m);
    return m;
}

}  // namespace

TEST_CASE("a new output is renamed into place with a new file's mode, and leaves nothing else") {
    Scratch s;
    std::ostringstream out;
    write_outputs({{"--json", s / "out.json", "{}\n"}}, out);
    CHECK(read(s / "out.json") == "{}\n");
    struct stat st {};
    REQUIRE(::stat((s / "out.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == (0666 & ~umask_now()));
    CHECK(s.entries() == 1);
    CHECK(registered_temporaries() == 0);
}

TEST_CASE("replacing an existing file keeps its mode") {
    Scratch s;
    write(s / "out.csv", "old");
    REQUIRE(::chmod((s / "out.csv").c_str(), 0640) == 0);
    std::ostringstream out;
    write_outputs({{"--csv", s / "out.csv", "new"}}, out);
    CHECK(read(s / "out.csv") == "new");
    struct stat st {};
    REQUIRE(::stat((s / "out.csv").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("a symlink planted at a predictable temporary name is not followed") {
    Scratch s;
    write(s / "victim", "precious");
    fs::create_symlink(s / "victim", s / "out.json.tmp");
    fs::create_symlink(s / "victim", s / ".out.json.tmp");
    std::ostringstream out;
    write_outputs({{"--json", s / "out.json", "{}\n"}}, out);
    CHECK(read(s / "victim") == "precious");
    CHECK(read(s / "out.json") == "{}\n");
    CHECK(s.entries() == 4);
}

TEST_CASE("a device is written in place, never replaced by a file") {
    std::ostringstream out;
    write_outputs({{"--json", "/dev/null", "{}\n"}}, out);
    struct stat st {};
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    CHECK_THROWS_WITH_AS(write_outputs({{"--json", "/dev/full", "{}\n"}}, out), "cannot write /dev/full: No space left on device",
                         OutputError);
}

TEST_CASE("a symlink at the output path is written through, as > does; the link stays") {
    Scratch s;
    write(s / "real.json", "old");
    fs::create_symlink(s / "real.json", s / "latest.json");
    std::ostringstream out;
    write_outputs({{"--json", s / "latest.json", "new"}}, out);
    CHECK(fs::is_symlink(s / "latest.json"));
    CHECK(read(s / "real.json") == "new");
}

TEST_CASE("two runs writing one path each use their own temporary") {
    Scratch s;
    std::ostringstream out;
    write(s / ".out.json.tmp", "someone else's");
    write_outputs({{"--json", s / "out.json", "one"}}, out);
    write_outputs({{"--json", s / "out.json", "two"}}, out);
    CHECK(read(s / "out.json") == "two");
    CHECK(read(s / ".out.json.tmp") == "someone else's");
}

TEST_CASE("all or none: one output failing leaves the others unwritten") {
    Scratch s;
    write(s / "b.csv", "old csv");
    std::ostringstream out;
    SUBCASE("a file that cannot be created") {
        CHECK_THROWS_AS(write_outputs({{"--json", s / "a.json", "{}"}, {"--csv", s / "b.csv", "new"}, {"--report", s / "no/dir/c.html", "<p>"}},
                                      out),
                        OutputError);
    }
    SUBCASE("a device that is full") {
        CHECK_THROWS_AS(write_outputs({{"--json", s / "a.json", "{}"}, {"--csv", s / "b.csv", "new"}, {"--report", "/dev/full", "<p>"}}, out),
                        OutputError);
    }
    SUBCASE("standard output that fails") {
        FullBuf full;
        std::ostream failing(&full);
        CHECK_THROWS_WITH_AS(write_outputs({{"--json", "-", "{}"}, {"--csv", s / "b.csv", "new"}}, failing),
                             doctest::Contains("cannot write standard output"), OutputError);
    }
    CHECK_FALSE(fs::exists(s / "a.json"));
    CHECK(read(s / "b.csv") == "old csv");
    CHECK(s.entries() == 1);
    CHECK(registered_temporaries() == 0);
}

TEST_CASE("the registry removes the temporaries in flight") {
    Scratch s;
    const std::string a = s / ".a.json.123456", b = s / ".b.csv.654321";
    write(a, "half");
    write(b, "half");
    const std::size_t slot = register_temporary(a.c_str());
    register_temporary(b.c_str());
    CHECK(registered_temporaries() == 2);
    unregister_temporary(slot);
    remove_registered_temporaries();
    CHECK(fs::exists(a));  // unregistered: renamed into place already, say
    CHECK_FALSE(fs::exists(b));
    CHECK(registered_temporaries() == 0);
}

TEST_CASE("SIGTERM removes the temporaries in flight, then ends the process as SIGTERM does") {
    for (const int sig : {SIGTERM, SIGINT}) {
        Scratch s;
        const std::string temp = s / ".out.json.abcdef";
        write(temp, "half");
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            std::signal(sig, SIG_DFL);  // the test framework's crash handler takes it otherwise
            register_temporary(temp.c_str());
            ::raise(sig);
            ::_exit(0);  // not reached unless the signal was not delivered
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == sig);
        CHECK_FALSE(fs::exists(temp));
    }
}

TEST_CASE("write errors on standard output are reported") {
    FullBuf full;
    std::ostream failing(&full);
    CHECK_THROWS_WITH_AS(write_standard_output(failing, "text"), doctest::Contains("cannot write standard output"), OutputError);
}

TEST_CASE("an output path named twice, or naming the file read, is refused") {
    Scratch s;
    write(s / "drill.yaml", "name: x\n");
    const std::string twice = "--csv " + s / "x" + ": --json writes the same file";
    CHECK_THROWS_WITH_AS(check_output_paths({{"--json", s / "x"}, {"--csv", s / "x"}}, {}, "run"), doctest::Contains(twice.c_str()),
                         InputError);
    CHECK_THROWS_AS(check_output_paths({{"--json", s / "x"}, {"--csv", s.dir.string() + "/./x"}}, {}, "run"), InputError);
    CHECK_THROWS_WITH_AS(check_output_paths({{"--json", s / "drill.yaml"}}, {s / "drill.yaml"}, "run"),
                         doctest::Contains("is the scenario file"), InputError);
    CHECK_NOTHROW(check_output_paths({{"--json", "-"}, {"--report", s / "r.html"}}, {s / "drill.yaml"}, "run"));
    CHECK_THROWS_WITH_AS(check_output_paths({{"--json", "-"}, {"--csv", "-"}}, {}, "run"),
                         doctest::Contains("both would write standard output"), InputError);
}
