// SPDX-License-Identifier: MIT
//
// qhotreload-probe: the trial itself, and its answer. The library is loaded
// in this process; what its initializers do (return, throw, abort, crash,
// hang) is said in one answer line, by this process where it can (it
// returned, threw, or the loader refused it) and otherwise by whoever follows
// it (the server on Unix, the application on Windows).

#include "probe.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <typeinfo>

#if defined(_WIN32)
#include <io.h>
#include <windows.h>
#else
#include <cerrno>
#include <csignal>
#include <dlfcn.h>
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

namespace QHotReload::Probe {

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

namespace {

// How a trial's own verdict leaves the child: straight to whoever asked (the
// application's socket, or stdout with --once), after a word to the server
// that it has been given, so the server never answers the same request again.
int g_answerFd = 1;
int g_serverFd = -1;

} // namespace

void answerTo(int answerFd, int serverFd)
{
    g_answerFd = answerFd;
    g_serverFd = serverFd;
}

namespace {

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
    answer(answerLine(Threw, 0, text));
    std::_Exit(70);
}

} // namespace

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
        answer(answerLine(Threw, 0, describeCurrentException()));
        std::_Exit(70);
    }
    if (!module)
        answer(answerLine(Unloadable, long(GetLastError()), "LoadLibrary failed"));
    else
        answer(answerLine(Loaded, 0, std::string()));
    std::fflush(stdout);
    std::_Exit(0);
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
        answer(answerLine(Threw, 0, describeCurrentException()));
        std::_Exit(70);
    }
    if (!handle) {
        const char *error = ::dlerror();
        answer(answerLine(Unloadable, 0, error ? error : "dlopen failed"));
        std::_Exit(0);
    }
    answer(answerLine(Loaded, 0, std::string()));
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

#endif

} // namespace QHotReload::Probe
