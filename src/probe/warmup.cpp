// SPDX-License-Identifier: MIT
//
// qhotreload-probe (Unix): keeping the server warm, so a trial costs little
// more than the load of the library on trial. The child for the next trial
// is forked in advance and, while nobody waits, makes the server's pages its
// own and rehearses the loader; what a good trial needed is kept loaded in
// the server for the next child.

#include "lifetime.h"
#include "probe.h"

#include <cstdio>
#include <cstdlib>

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

namespace QHotReload::Probe {

namespace {

// A fork shares the server's pages until either side writes one; each first
// write is then a page fault, which costs tens of microseconds on a virtual
// machine. The waiting child takes them while nobody waits: every private
// writable page is written once, with its own value.
constexpr unsigned long MaxWarmMapping = 64ul << 20;

void touchWritablePages()
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // A sanitizer's shadow memory is a huge writable reservation, mostly
    // never backed (reading it faults): nothing to warm up there.
    return;
#elif defined(__linux__)
    const int maps = ::open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (maps < 0)
        return;
    std::string text;
    drain(maps, &text, 1 << 20);
    ::close(maps);
    const auto page = static_cast<unsigned long>(::sysconf(_SC_PAGESIZE));
    for (const std::string &line : lines(text)) {
        unsigned long begin = 0;
        unsigned long end = 0;
        char perms[5] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %4s", &begin, &end, perms) != 3)
            continue;
        // rw-p, not [vvar]-like special areas.
        if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p' || line.find("[v") != std::string::npos)
            continue;
        // A large reservation (an allocator's arena, a runtime's) is not
        // warmed: touching it would commit it all.
        if (end - begin > MaxWarmMapping)
            continue;
        for (unsigned long at = begin; at < end; at += page) {
            volatile char *byte = reinterpret_cast<volatile char *>(at);
            *byte = *byte;
        }
    }
#endif
}

// See rehearsal.cpp: beside this program, found from argv[0], which the
// application gives as an absolute path.
std::string g_rehearsal;

void rehearse()
{
    if (g_rehearsal.empty())
        return;
    // Kept loaded: unloading would cost as much again, and nothing sees it
    // (local binding, no exported name anyone looks for).
    ::dlopen(g_rehearsal.c_str(), RTLD_NOW | RTLD_LOCAL);
}

// The child forked in advance: it waits in read() on the application's
// socket (a process woken from read() runs at once; a new one waits behind
// the running ones on a busy machine), tells the server when a request came,
// then runs the trial with its prints going to the server.
[[noreturn]] void spare(int serverFd, int outputFd)
{
    answerTo(1, serverFd);
    touchWritablePages();
    rehearse();
    long long limitMs = 0;
    std::string path;
    if (!readRequest(&limitMs, &path))
        std::_Exit(0); // the application is gone: so is the server, with this
    writeAll(serverFd, "started " + std::to_string(limitMs) + ' ' + path + '\n');
    const int answerFd = ::dup(1);
    ::fcntl(answerFd, F_SETFD, FD_CLOEXEC);
    answerTo(answerFd, serverFd);
    const int devNull = ::open("/dev/null", O_RDONLY);
    if (devNull >= 0)
        ::dup2(devNull, 0);
    // Its prints must not reach the socket: they are kept, and the last line
    // names the cause of a failure.
    ::dup2(outputFd, 1);
    ::dup2(outputFd, 2);
    runTrial(path.c_str());
}
} // namespace

void setRehearsal(const std::string &path)
{
    g_rehearsal = path;
}

bool forkSpare(Child *child, const int closeInChild[2])
{
    int words[2];
    int output[2];
    const pid_t server = ::getpid();
    if (::pipe(words) != 0)
        return false;
    if (::pipe(output) != 0) {
        ::close(words[0]);
        ::close(words[1]);
        return false;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        followServer(server);
        ::close(words[0]);
        ::close(output[0]);
        ::close(closeInChild[0]);
        ::close(closeInChild[1]);
        spare(words[1], output[1]);
    }
    ::close(words[1]);
    ::close(output[1]);
    if (pid < 0) {
        ::close(words[0]);
        ::close(output[0]);
        return false;
    }
    setCurrentChild(pid);
    ::fcntl(words[0], F_SETFL, O_NONBLOCK);
    ::fcntl(output[0], F_SETFL, O_NONBLOCK);
    *child = {pid, words[0], output[0]};
    return true;
}

// Keeps what a good trial needed loaded here, so the next child has it mapped
// already. The library on trial itself and its neighbours in the private
// directory are never loaded into the server.
void keepWarm(const std::vector<std::string> &loaded, const std::string &path)
{
    const size_t slash = path.rfind('/');
    const std::string privateDir = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    std::vector<std::string> wanted;
    for (const std::string &library : loaded) {
        if (library != path && (privateDir.empty() || library.compare(0, privateDir.size(), privateDir) != 0))
            wanted.push_back(library);
    }
    // The same list as last time is the common case (one library, rebuilt):
    // then nothing is done, and nothing written in the server's pages (each
    // first write after a fork is a fault).
    static std::vector<std::string> last;
    if (wanted == last)
        return;
    for (const std::string &library : wanted) {
        if (void *already = ::dlopen(library.c_str(), RTLD_NOW | RTLD_NOLOAD)) {
            ::dlclose(already);
            continue;
        }
        ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    }
    last = std::move(wanted);
}

} // namespace QHotReload::Probe
