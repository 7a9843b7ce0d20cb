// SPDX-License-Identifier: MIT
// probe_host <mode> <library>: a small application for tst_probelifetime. It
// trial-loads <library>, so its probe server runs, says so on stdout, and then
// waits to be killed. Linux only (it reads /proc and forks).
//
//   idle    loads, then waits: the server's child waits for the next request
//   trial   loads a library whose initializer never returns, with a one-hour
//           limit: killed while the trial runs
//   held    as idle, and forks a process that keeps the application's end of
//           the probe socket open ("holder <pid>"; it ends within ten minutes)
//   thread  loads from a thread that then ends, waits until the kernel has
//           let that thread go, then loads again from the main thread; says
//           "server <pid>" after each load: the server must not end with the
//           thread that started it
// Each mode ends with a line "ready".

#include "processes.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QFileInfo>
#include <QtCore/QThread>

#include <cstdio>

#include <sys/syscall.h>
#include <unistd.h>

namespace {

void say(const QByteArray &line)
{
    std::fputs(line.constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

bool load(QHotLibrary &lib, int limitMs)
{
    lib.setTrialLoad(true);
    lib.setTrialLoadTimeout(limitMs);
    if (lib.load())
        return true;
    say("error " + lib.errorString().toLocal8Bit());
    return false;
}

QByteArray serverPid()
{
    const QList<ProbeProcesses::Process> servers = ProbeProcesses::probeServersOf(::getpid());
    return servers.size() == 1 ? QByteArray::number(servers.constFirst().pid) : QByteArray("none");
}

constexpr int LimitMs = 60000;

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3) {
        std::fprintf(stderr, "usage: probe_host idle|trial|held|thread <library>\n");
        return 2;
    }
    const QString mode = args.at(1);
    const QString library = args.at(2);

    QHotLibrary lib(library);
    if (mode == QLatin1String("trial")) {
        say("ready");
        load(lib, 3600 * 1000); // the test kills this process meanwhile
        return 1;
    }
    if (mode == QLatin1String("thread")) {
        qint64 threadId = 0;
        bool loaded = false;
        QThread *thread = QThread::create([&] {
            threadId = qint64(::syscall(SYS_gettid));
            QHotLibrary inThread(library);
            loaded = load(inThread, LimitMs);
        });
        thread->start();
        thread->wait();
        delete thread;
        if (!loaded)
            return 1;
        // QThread::wait() returns before the kernel is done with the thread:
        // its end (and a parent-death signal it sends) comes a little later.
        const QString task = QStringLiteral("/proc/self/task/%1").arg(threadId);
        while (QFileInfo::exists(task))
            QThread::yieldCurrentThread();
        say("server " + serverPid());
    }
    if (!load(lib, LimitMs))
        return 1;
    if (mode == QLatin1String("held")) {
        const pid_t holder = ::fork();
        if (holder == 0) {
            // Inherits every descriptor, the probe socket's end included, and
            // keeps them open; the test ends it, or this alarm does.
            ::alarm(600);
            for (;;)
                ::pause();
        }
        say("holder " + QByteArray::number(qint64(holder)));
    }
    say("server " + serverPid());
    say("ready");
    return app.exec();
}
