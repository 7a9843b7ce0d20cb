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
// answers only for a child that died or ran out of time, and ends with the
// application.
// Windows (no fork): one process per trial (--once), judged by the parent.
//
// The parts, in order of a trial: this file (the entry point, the server's
// loop and what it reads), warmup.cpp (the child forked in advance, what is
// kept loaded), trial.cpp (the trial and its answer), lifetime.cpp (the
// server ends with its application).

#include "probe.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(_WIN32)
#include <cwchar>
#else
#include "lifetime.h"

#include <cerrno>
#include <csignal>
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

namespace P = QHotReload::Probe;

#if defined(_WIN32)

int wmain(int argc, wchar_t **argv)
{
    if (argc == 3 && std::wcscmp(argv[1], L"--once") == 0)
        return P::once(argv[2]);
    std::fprintf(stderr, "usage: %s --once <library>\n", P::ProgramName);
    return 2;
}

#else

using P::answerLine;
using P::Child;
using P::writeAll;

// --- Reading what the application and the children say ----------------------------

namespace QHotReload::Probe {

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

} // namespace QHotReload::Probe

// --- The server -------------------------------------------------------------------

namespace {

using P::drain;
using P::forkSpare;
using P::keepWarm;
using P::lines;
using P::readRequest;

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

std::string lastLine(const std::string &output)
{
    const size_t end = output.find_last_not_of(" \t\r\n");
    if (end == std::string::npos)
        return {};
    const size_t newline = output.rfind('\n', end);
    const size_t begin = newline == std::string::npos ? 0 : newline + 1;
    return output.substr(begin, end + 1 - begin);
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
        if (!forkSpare(&child, g_childExited)) {
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
            P::setRehearsal(self.substr(0, slash + 1) + P::RehearsalName);
        return serve(application, preload);
    }
    if (argc == 3 && std::strcmp(argv[1], "--once") == 0)
        P::runTrial(argv[2]); // a crash or a hang is the caller's to see
    std::fprintf(stderr, "usage: %s --serve [--parent <pid>] [--preload <library>]... | --once <library>\n", P::ProgramName);
    return 2;
}

#endif
