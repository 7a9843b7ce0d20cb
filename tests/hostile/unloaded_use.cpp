// SPDX-License-Identifier: MIT
// Run by tst_hostile in a child process, with a retired-copies budget of 0:
// keeps a pointer into version 1 of a hot library (a function pointer with
// "call", a string literal with "read"), lets the swap to version 2 unload
// version 1, then uses the pointer. It must die, and QHotReload must have
// said first what was used: which version of which library, and the hot
// function when it was one. Exit 3: the stale pointer did not fault at all.
// With a second argument "chained", a SIGSEGV handler is installed first that
// behaves as QtTest's does: it says so, and if it finds itself replaced it
// leaves the replacement installed and returns. The fault must still end the
// process (once), not loop between the two handlers.

#include "hostile.h"
#include "testsupport.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QCoreApplication>
#include <QtTest/QSignalSpy>

#include <csignal>
#include <cstdio>
#include <cstring>

#if defined(Q_OS_UNIX)
#include <signal.h>
#include <unistd.h>
#endif

namespace {

using QHotTestSupport::fixture;
using QHotTestSupport::WatchedLibrary;

// Replaces version 1 with \a v2 and waits for the swap, which unloads version 1.
bool swapAway(const WatchedLibrary &file, QHotModule &module, const char *v2)
{
    QSignalSpy reloaded(module.library(), &QHotLibrary::reloaded);
    if (!file.replaceLikeLd(fixture(v2)) || !reloaded.wait(QHotTestSupport::Timeout)) {
        std::fprintf(stderr, "no swap: %s\n", qPrintable(module.errorString()));
        return false;
    }
    std::fprintf(stderr, "using the kept pointer\n");
    std::fflush(stderr);
    return true;
}

int callKeptFunction()
{
    WatchedLibrary file(fixture(QHOT_FIXTURE_HOSTILE_FNPTR_V1), QStringLiteral("libhostile.so"));
    QHotModule module(file.path8());
    QHotFunction<decltype(hostile_fnptr::pointer)> pointer{module, "hostile_fnptr::pointer"};
    if (!module.load())
        return 2;
    const hostile_fnptr::Fn kept = pointer();
    if (!swapAway(file, module, QHOT_FIXTURE_HOSTILE_FNPTR_V2))
        return 2;
    std::fprintf(stderr, "it answered %d\n", kept());
    return 3;
}

int readKeptLiteral()
{
    WatchedLibrary file(fixture(QHOT_FIXTURE_HOSTILE_LITERAL_V1), QStringLiteral("libhostile.so"));
    QHotModule module(file.path8());
    QHotFunction<decltype(hostile_literal::text)> text{module, "hostile_literal::text"};
    if (!module.load())
        return 2;
    const char *kept = text();
    if (!swapAway(file, module, QHOT_FIXTURE_HOSTILE_LITERAL_V2))
        return 2;
    std::fprintf(stderr, "it reads %d\n", int(*static_cast<const volatile char *>(kept)));
    return 3;
}

#if defined(Q_OS_UNIX)
void earlierHandler(int signal, siginfo_t *, void *)
{
    static const char said[] = "the earlier handler ran\n";
    (void)::write(STDERR_FILENO, said, sizeof said - 1);
    struct sigaction current;
    ::sigaction(signal, nullptr, &current);
    if (current.sa_sigaction != earlierHandler)
        return; // replaced: leave the replacement alone
    struct sigaction fallback;
    std::memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    ::sigaction(signal, &fallback, nullptr);
}

void installEarlierHandler()
{
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = earlierHandler;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGSEGV, &action, nullptr);
}
#endif

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QByteArray mode = argc > 1 ? QByteArray(argv[1]) : QByteArray();
#if defined(Q_OS_UNIX)
    if (argc > 2 && QByteArray(argv[2]) == "chained")
        installEarlierHandler();
#endif
    if (mode == "call")
        return callKeptFunction();
    if (mode == "read")
        return readKeptLiteral();
    std::fprintf(stderr, "usage: hostile_unloaded_use call|read\n");
    return 2;
}
