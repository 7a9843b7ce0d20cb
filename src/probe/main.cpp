// SPDX-License-Identifier: MIT
//
// qhotreload-probe: loads a new version of a hot library where its static
// initializers can do no harm. One that throws, aborts, crashes or never
// returns does so in a child of this process, and the application that asked
// is told which; it loads the version itself only when it loaded fine here.
//
// Unix: one server per application, started once and kept (--serve). It is
// small and single-threaded, so forking it is cheap and safe, and it is kept
// warm: the QtCore the application uses is loaded before the first trial
// (--preload), the libraries a trial needed are loaded into it after the
// trial, and the child for the next trial is forked in advance. That child
// reads the request from the application's socket itself and, when the
// library loaded (or threw, or cannot be loaded here), answers it itself:
// the application waits for one process, not a chain of them. The server
// answers only for a child that died or ran out of time.
// Windows (no fork): one process per trial (--once), judged by the parent.

#include "lifetime.h"
#include "probeprotocol.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <typeinfo>
#include <vector>

#if defined(_WIN32)
#include <cwchar>
#include <io.h>
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__)
#include <link.h>
#define QHOTRELOAD_PROBE_HAVE_PHDR 1
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#include <cxxabi.h>
#endif

namespace {

namespace P = QHotReload::Probe;

// One answer line: no newline may break it, and a runaway message from a
// library is cut.
std::string answerLine(const char *verdict, long number, std::string text)
{
    for (char &c : text) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    if (text.size() > 300)
        text.resize(300);
    return std::string(verdict) + ' ' + std::to_string(number) + ' ' + text + '\n';
}

// How a trial's own verdict leaves the child: straight to whoever asked (the
// application's socket, or stdout with --once), after a word to the server
// that it has been given, so the server never answers the same request again.
int g_answerFd = 1;
int g_serverFd = -1;

void writeAll(int fd, const std::string &bytes)
{
    size_t done = 0;
    while (done < bytes.size()) {
#if defined(_WIN32)
        const int n = _write(fd, bytes.data() + done, unsigned(bytes.size() - done));
#else
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
#endif
        if (n <= 0)
            return;
        done += size_t(n);
    }
}

constexpr char Answered[] = "answered\n";

void answer(const std::string &line)
{
    if (g_serverFd >= 0)
        writeAll(g_serverFd, Answered);
    writeAll(g_answerFd, line);
}

// The exception being handled, as "type: what()" where they are known.
std::string describeCurrentException()
{
    std::string type;
#if defined(__GNUC__) || defined(__clang__)
    if (const std::type_info *info = abi::__cxa_current_exception_type()) {
        int status = 0;
        char *demangled = abi::__cxa_demangle(info->name(), nullptr, nullptr, &status);
        type = status == 0 && demangled ? demangled : info->name();
        std::free(demangled);
    }
#endif
    std::string what;
    try {
        throw;
    } catch (const std::exception &e) {
        what = e.what();
    } catch (...) {
    }
    if (type.empty())
        return what.empty() ? std::string("an exception") : what;
    return what.empty() ? type : type + ": " + what;
}

// A throw that nothing catches (the unwinder cannot get through the loader)
// ends here, not in a plain abort: say it was an exception.
[[noreturn]] void onTerminate()
{
    std::string text = "an unknown reason";
    if (std::current_exception())
        text = describeCurrentException();
    answer(answerLine(P::Threw, 0, text));
    std::_Exit(70);
}

#if defined(_WIN32)

// --- Windows: one trial in this process ------------------------------------------

int once(const wchar_t *path)
{
    // No error dialog for a missing DLL or a crash: the parent judges the exit code.
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    std::set_terminate(onTerminate);
    HMODULE module = nullptr;
    try {
        module = LoadLibraryExW(path, nullptr, 0);
    } catch (...) {
        answer(answerLine(P::Threw, 0, describeCurrentException()));
        std::_Exit(70);
    }
    if (!module)
        answer(answerLine(P::Unloadable, long(GetLastError()), "LoadLibrary failed"));
    else
        answer(answerLine(P::Loaded, 0, std::string()));
    std::fflush(stdout);
    std::_Exit(0);
}

} // namespace

int wmain(int argc, wchar_t **argv)
{
    if (argc == 3 && std::wcscmp(argv[1], L"--once") == 0)
        return once(argv[2]);
    std::fprintf(stderr, "usage: %s --once <library>\n", P::ProgramName);
    return 2;
}

#else

// --- Unix: the trial --------------------------------------------------------------

// Loads the library, answers, and leaves without running anyone's exit
// handlers (the library's destructors are not on trial).
[[noreturn]] void runTrial(const char *path)
{
    // The library's crash must end this process with its signal, whatever
    // handler a sanitizer runtime installed, so the server can name it.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS})
        ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::set_terminate(onTerminate);

    void *handle = nullptr;
    try {
        handle = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
    } catch (...) {
        answer(answerLine(P::Threw, 0, describeCurrentException()));
        std::_Exit(70);
    }
    if (!handle) {
        const char *error = ::dlerror();
        answer(answerLine(P::Unloadable, 0, error ? error : "dlopen failed"));
        std::_Exit(0);
    }
    answer(answerLine(P::Loaded, 0, std::string()));
    if (g_serverFd >= 0) {
        // The application now loads the version itself and swaps it in: the
        // CPU is its for that while. What is left here (this process's end,
        // the next waiting one) is not urgent.
        const timespec pause{0, 5 * 1000 * 1000};
        ::nanosleep(&pause, nullptr);
    }
#if defined(QHOTRELOAD_PROBE_HAVE_PHDR)
    // What it brought in, for the server to keep warm for the next trial.
    if (g_serverFd >= 0) {
        std::string loaded;
        dl_iterate_phdr(
                [](dl_phdr_info *info, size_t, void *data) {
                    if (info->dlpi_name && info->dlpi_name[0] == '/')
                        *static_cast<std::string *>(data) += std::string(info->dlpi_name) + '\n';
                    return 0;
                },
                &loaded);
        writeAll(g_serverFd, loaded);
    }
#endif
    std::_Exit(0);
}

// --- Unix: the server -------------------------------------------------------------

// SIGCHLD arrives here, so one poll() waits for the child's words, its prints
// and its end together, with the time limit as timeout.
int g_childExited[2] = {-1, -1};

void onChildExited(int)
{
    const int saved = errno;
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_childExited[1], &byte, 1);
    errno = saved;
}

long long nowMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// Reads what is there; false once the writer closed its end.
bool drain(int fd, std::string *into, size_t limit)
{
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            if (into->size() < limit)
                into->append(buffer, size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0; // EAGAIN: open but empty; 0: closed
    }
}

std::string lastLine(const std::string &output)
{
    const size_t end = output.find_last_not_of(" \t\r\n");
    if (end == std::string::npos)
        return {};
    const size_t newline = output.rfind('\n', end);
    const size_t begin = newline == std::string::npos ? 0 : newline + 1;
    return output.substr(begin, end + 1 - begin);
}

std::vector<std::string> lines(const std::string &text)
{
    std::vector<std::string> result;
    size_t at = 0;
    for (size_t end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
        result.push_back(text.substr(at, end - at));
    return result;
}

// Reads one request from fd 0. The application sends one and waits for its
// answer, so one read() has it whole (or its start): no byte of the next one
// can be taken. False when the application is gone (or spoke nonsense).
bool readRequest(long long *limitMs, std::string *path)
{
    char buffer[4096];
    size_t have = 0;
    for (;;) {
        const ssize_t n = ::read(0, buffer + have, sizeof buffer - 1 - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        have += size_t(n);
        buffer[have] = '\0';
        const char *newline = static_cast<const char *>(std::memchr(buffer, '\n', have));
        long long limit = 0;
        unsigned long long length = 0;
        if (!newline) {
            if (have > 64)
                return false;
            continue;
        }
        if (std::sscanf(buffer, "%lld %llu", &limit, &length) != 2 || limit <= 0 || length == 0
            || length > sizeof buffer - 1 - size_t(newline + 1 - buffer)) {
            return false;
        }
        const size_t header = size_t(newline + 1 - buffer);
        if (have < header + length)
            continue;
        path->assign(newline + 1, size_t(length));
        *limitMs = limit;
        return true;
    }
}

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
    g_serverFd = serverFd;
    touchWritablePages();
    rehearse();
    long long limitMs = 0;
    std::string path;
    if (!readRequest(&limitMs, &path))
        std::_Exit(0); // the application is gone: so is the server, with this
    writeAll(serverFd, "started " + std::to_string(limitMs) + ' ' + path + '\n');
    g_answerFd = ::dup(1);
    ::fcntl(g_answerFd, F_SETFD, FD_CLOEXEC);
    const int devNull = ::open("/dev/null", O_RDONLY);
    if (devNull >= 0)
        ::dup2(devNull, 0);
    // Its prints must not reach the socket: they are kept, and the last line
    // names the cause of a failure.
    ::dup2(outputFd, 1);
    ::dup2(outputFd, 2);
    runTrial(path.c_str());
}

struct Child
{
    pid_t pid = -1;
    int words = -1;  // what it tells the server (read end)
    int output = -1; // what it prints (read end)
};

bool forkSpare(Child *child)
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
        P::followServer(server);
        ::close(words[0]);
        ::close(output[0]);
        ::close(g_childExited[0]);
        ::close(g_childExited[1]);
        spare(words[1], output[1]);
    }
    ::close(words[1]);
    ::close(output[1]);
    if (pid < 0) {
        ::close(words[0]);
        ::close(output[0]);
        return false;
    }
    P::setCurrentChild(pid);
    ::fcntl(words[0], F_SETFL, O_NONBLOCK);
    ::fcntl(output[0], F_SETFL, O_NONBLOCK);
    *child = {pid, words[0], output[0]};
    return true;
}

struct Watched
{
    std::string words;
    std::string printed;
    int status = 0;
    bool timedOut = false;
    bool applicationGone = false; // it hung up: the child was ended, and so is the server
};

// Follows the child until it ends; from the moment it says a request came,
// for at most that request's time limit; and not a moment longer than the
// application is there.
Watched watch(const Child &child)
{
    Watched seen;
    bool wordsOpen = true;
    bool outputOpen = true;
    long long deadline = -1;
    for (;;) {
        if (::waitpid(child.pid, &seen.status, WNOHANG) == child.pid)
            break;
        if (deadline < 0) {
            const size_t newline = seen.words.find('\n');
            long long limit = 0;
            if (newline != std::string::npos && std::sscanf(seen.words.c_str(), "started %lld", &limit) == 1)
                deadline = nowMs() + limit;
        }
        const long long left = deadline < 0 ? -1 : deadline - nowMs();
        if (deadline >= 0 && left <= 0) {
            seen.timedOut = true;
            ::kill(child.pid, SIGKILL);
            ::waitpid(child.pid, &seen.status, 0);
            break;
        }
        // fd 0 with no event asked: only its hang-up is reported, and a
        // request on it stays for the child to read.
        pollfd fds[4] = {{wordsOpen ? child.words : -1, POLLIN, 0},
                         {outputOpen ? child.output : -1, POLLIN, 0},
                         {g_childExited[0], POLLIN, 0},
                         {0, 0, 0}};
        const int ready = ::poll(fds, 4, int(left));
        if ((ready < 0 && errno != EINTR) || (ready > 0 && P::applicationHungUp(fds[3].revents))) {
            seen.applicationGone = ready > 0;
            ::kill(child.pid, SIGKILL);
            ::waitpid(child.pid, &seen.status, 0);
            break;
        }
        if (wordsOpen && fds[0].revents)
            wordsOpen = drain(child.words, &seen.words, 1 << 20);
        if (outputOpen && fds[1].revents)
            outputOpen = drain(child.output, &seen.printed, 1 << 16);
        if (fds[2].revents) {
            char ticks[64];
            while (::read(g_childExited[0], ticks, sizeof ticks) > 0) {
            }
        }
    }
    P::setCurrentChild(-1);
    drain(child.words, &seen.words, 1 << 20);
    drain(child.output, &seen.printed, 1 << 16);
    ::close(child.words);
    ::close(child.output);
    return seen;
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


// Descriptors the application left open without close-on-exec (a pipe to
// one of its children, a file it writes) must not be held open by the server
// for as long as the application runs.
void closeInherited()
{
    const long max = ::sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max > 0 && max < 65536 ? int(max) : 65536); ++fd)
        ::close(fd);
}

int serve(pid_t application, const std::vector<std::string> &preload)
{
    if (!P::followApplication(application))
        return 0;
    closeInherited();
    ::signal(SIGPIPE, SIG_IGN);
    if (::pipe(g_childExited) != 0)
        return 1;
    for (int fd : g_childExited) {
        ::fcntl(fd, F_SETFL, O_NONBLOCK);
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    struct sigaction action{};
    action.sa_handler = onChildExited;
    action.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGCHLD, &action, nullptr);

    for (const std::string &library : preload)
        ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);

    for (;;) {
        Child child;
        if (!forkSpare(&child)) {
            // Nothing can be judged: say so for each request, so the
            // application loads as it would without a probe.
            long long limitMs = 0;
            std::string path;
            if (!readRequest(&limitMs, &path))
                return 0;
            writeAll(1, answerLine(P::Unloadable, 0, std::string("probe: fork: ") + std::strerror(errno)));
            continue;
        }
        const Watched seen = watch(child);
        if (seen.applicationGone)
            return 0;
        const std::vector<std::string> said = lines(seen.words);
        if (said.empty() || said.front().compare(0, 8, "started ") != 0)
            return 0; // it ended without a request: the application is gone
        const std::string path = said.front().substr(said.front().find(' ', 8) + 1);
        if (said.size() >= 2 && said[1] == "answered") {
            keepWarm(std::vector<std::string>(said.begin() + 2, said.end()), path);
            continue;
        }
        const std::string printed = lastLine(seen.printed);
        long long limitMs = 0;
        std::sscanf(said.front().c_str(), "started %lld", &limitMs);
        if (seen.timedOut)
            writeAll(1, answerLine(P::TimedOut, long(limitMs), printed));
        else if (WIFSIGNALED(seen.status))
            writeAll(1, answerLine(P::Signal, WTERMSIG(seen.status), printed));
        else
            writeAll(1, answerLine(P::Exited, WIFEXITED(seen.status) ? WEXITSTATUS(seen.status) : -1, printed));
    }
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2 && std::strcmp(argv[1], "--serve") == 0) {
        std::vector<std::string> preload;
        pid_t application = 0;
        for (int i = 2; i + 1 < argc; i += 2) {
            if (std::strcmp(argv[i], "--preload") == 0)
                preload.emplace_back(argv[i + 1]);
            else if (std::strcmp(argv[i], "--parent") == 0)
                application = pid_t(std::atol(argv[i + 1]));
        }
        const std::string self = argv[0];
        const size_t slash = self.rfind('/');
        if (slash != std::string::npos)
            g_rehearsal = self.substr(0, slash + 1) + P::RehearsalName;
        return serve(application, preload);
    }
    if (argc == 3 && std::strcmp(argv[1], "--once") == 0)
        runTrial(argv[2]); // a crash or a hang is the caller's to see
    std::fprintf(stderr, "usage: %s --serve [--parent <pid>] [--preload <library>]... | --once <library>\n", P::ProgramName);
    return 2;
}

#endif
