// SPDX-License-Identifier: MIT
//
// A probe server that outlived its application would stay forever (it waits
// for requests nobody sends), with its waiting child beside it. Two ways to
// see the application go, because neither alone covers every end:
//
// - Everywhere: the command socket. When the application ends, however it
//   ends, the kernel closes its end; the waiting child's read() returns 0 and
//   the server, which polls the socket for a hang-up while it follows a
//   child (also during a trial, which may run for its whole time limit),
//   ends. This fails only where another process holds the application's end
//   too (a child the application forked without exec inherits it).
// - Linux: the kernel signals the server when its parent ends
//   (PR_SET_PDEATHSIG). The signal also comes when the application *thread*
//   that started the server ends while the application goes on (the parent
//   of a process is a thread there), so it is not SIGKILL: the handler ends
//   the server only when its parent is no longer the application. A parent
//   that ended before the signal was asked for is seen by comparing the
//   parent with the pid the application passed.
//
// A forked child of the server (single-threaded: its one thread is the
// process) simply dies with it (SIGKILL as parent-death signal on Linux; the
// socket's end elsewhere).

#include "lifetime.h"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace QHotReload::Probe {

namespace {

volatile pid_t g_application = 0;
volatile pid_t g_child = -1;

#if defined(__linux__)
constexpr int ParentDeathSignal = SIGUSR1;

void onParentDied(int)
{
    if (::getppid() == g_application)
        return; // a thread of the application ended, not the application
    const pid_t child = g_child;
    if (child > 0)
        ::kill(child, SIGKILL);
    ::_exit(0);
}
#endif

} // namespace

bool followApplication(pid_t parent)
{
    g_application = parent;
    if (parent <= 0)
        return true; // an application that did not say: the socket alone tells
#if defined(__linux__)
    struct sigaction action{};
    action.sa_handler = onParentDied;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    ::sigaction(ParentDeathSignal, &action, nullptr);
    ::prctl(PR_SET_PDEATHSIG, ParentDeathSignal);
#endif
    return ::getppid() == parent;
}

void setCurrentChild(pid_t child)
{
    g_child = child;
}

void followServer(pid_t server)
{
#if defined(__linux__)
    ::signal(ParentDeathSignal, SIG_DFL);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (::getppid() != server)
        ::_exit(0);
}

bool applicationHungUp(short pollEvents)
{
    return (pollEvents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

} // namespace QHotReload::Probe
