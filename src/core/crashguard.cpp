// SPDX-License-Identifier: MIT
#include "crashguard_p.h"

#include <QtCore/qglobal.h>

#if defined(Q_OS_UNIX)
#include <csetjmp>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <signal.h>
#include <unistd.h>
#endif

namespace QHotReload::Internal {

#if defined(Q_OS_UNIX)

namespace {

constexpr int GuardedSignals[] = {SIGSEGV, SIGFPE, SIGBUS, SIGILL};

struct sigaction previousActions[NSIG];

// The innermost guarded call of this thread, or null. Initial-exec TLS: the
// signal handler reads it without calling into the dynamic loader.
#if defined(__GNUC__)
__attribute__((tls_model("initial-exec")))
#endif
thread_local sigjmp_buf *currentFrame = nullptr;
#if defined(__GNUC__)
__attribute__((tls_model("initial-exec")))
#endif
thread_local bool alternateStackInstalled = false;

void onFatalSignal(int signal, siginfo_t *info, void *context)
{
    if (sigjmp_buf *frame = currentFrame) {
        currentFrame = nullptr;
        siglongjmp(*frame, signal);
    }
    // Not inside a guarded call: not ours to swallow. Put back what was there
    // and hand the signal on; returning re-runs the faulting instruction.
    const struct sigaction &previous = previousActions[signal];
    if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
        previous.sa_sigaction(signal, info, context);
        return;
    }
    if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler) {
        previous.sa_handler(signal);
        return;
    }
    ::sigaction(signal, &previous, nullptr);
    if (info && info->si_code <= 0) // sent by kill()/raise(): send it again
        ::raise(signal);
}

} // namespace

bool installFatalSignalHandler(int signal, void (*handler)(int, siginfo_t *, void *), struct sigaction *previous)
{
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    return ::sigaction(signal, &action, previous) == 0;
}

bool crashGuardAvailable()
{
    return true;
}

bool armCrashGuard(QString *error)
{
    static std::once_flag installed;
    static bool ok = true;
    std::call_once(installed, [] {
        for (int signal : GuardedSignals)
            ok = installFatalSignalHandler(signal, onFatalSignal, &previousActions[signal]) && ok;
    });
    if (!ok) {
        *error = QStringLiteral("cannot install the crash guard's signal handlers: %1")
                         .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (!alternateStackInstalled) {
        // A stack overflow cannot run a handler on the stack that overflowed.
        stack_t stack;
        std::memset(&stack, 0, sizeof stack);
        const size_t size = 64 * 1024;
        stack.ss_sp = std::malloc(size); // lives as long as the thread; never freed
        stack.ss_size = size;
        if (!stack.ss_sp || ::sigaltstack(&stack, nullptr) != 0) {
            *error = QStringLiteral("cannot install an alternate signal stack for the crash guard");
            return false;
        }
        alternateStackInstalled = true;
    }
    return true;
}

bool runGuarded(void (*thunk)(void *), void *context, int *signal)
{
    sigjmp_buf frame;
    sigjmp_buf *const outer = currentFrame;
    // Save the signal mask: the handler runs with the signal blocked, and
    // siglongjmp must unblock it again.
    const int caught = sigsetjmp(frame, 1);
    if (caught == 0) {
        currentFrame = &frame;
        try {
            thunk(context);
        } catch (...) {
            currentFrame = outer; // an exception leaves the call the ordinary way
            throw;
        }
        currentFrame = outer;
        return true;
    }
    currentFrame = outer;
    *signal = caught;
    return false;
}

QString signalName(int signal)
{
    switch (signal) {
    case SIGSEGV: return QStringLiteral("SIGSEGV");
    case SIGFPE: return QStringLiteral("SIGFPE");
    case SIGBUS: return QStringLiteral("SIGBUS");
    case SIGILL: return QStringLiteral("SIGILL");
    case SIGABRT: return QStringLiteral("SIGABRT");
    case SIGTRAP: return QStringLiteral("SIGTRAP");
    case SIGSYS: return QStringLiteral("SIGSYS");
    case SIGKILL: return QStringLiteral("SIGKILL");
    case SIGTERM: return QStringLiteral("SIGTERM");
    default: return QStringLiteral("signal %1").arg(signal);
    }
}

#else // no POSIX signals: the guard is not available (see crashguard_p.h)

bool crashGuardAvailable()
{
    return false;
}

bool armCrashGuard(QString *error)
{
    *error = QStringLiteral("the crash guard is not available on this platform yet");
    return false;
}

bool runGuarded(void (*thunk)(void *), void *context, int *signal)
{
    Q_UNUSED(signal);
    thunk(context);
    return true;
}

QString signalName(int signal)
{
    return QStringLiteral("signal %1").arg(signal);
}

#endif

} // namespace QHotReload::Internal
