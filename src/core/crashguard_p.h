// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_CRASHGUARD_P_H
#define QHOTRELOAD_CRASHGUARD_P_H

#include <QtCore/QString>

#if defined(Q_OS_UNIX)
#include <signal.h>
#endif

namespace QHotReload::Internal {

/*!
    The crash guard: runs a hot call so that a fatal signal raised inside it
    (SIGSEGV, SIGFPE, SIGBUS, SIGILL) returns here instead of ending the
    process. A fatal signal anywhere else goes to whatever handler was there
    before (the default one: the process dies as it would have).

    POSIX only (sigaction + sigsetjmp/siglongjmp, an alternate signal stack so
    a stack overflow is caught too). On Windows the plan is a vectored
    exception handler around the same entry point; until then
    crashGuardAvailable() is false there.

    What it cannot promise: the crashed call's frames are abandoned, so their
    destructors do not run, locks they held stay held, and memory they were
    changing may be half-changed.
*/
bool crashGuardAvailable();

//! Installs the handlers (once per process) and this thread's alternate stack.
bool armCrashGuard(QString *error);

//! Runs thunk(context); false with the signal number in *signal if it crashed.
bool runGuarded(void (*thunk)(void *), void *context, int *signal);

QString signalName(int signal);

#if defined(Q_OS_UNIX)
//! Installs \a handler for \a signal (on the alternate stack where there is one), the old action into \a previous.
bool installFatalSignalHandler(int signal, void (*handler)(int, siginfo_t *, void *), struct sigaction *previous);
#endif

} // namespace QHotReload::Internal

#endif
