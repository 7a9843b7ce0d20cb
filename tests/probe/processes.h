// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_PROBE_PROCESSES_H
#define QHOTRELOAD_TESTS_PROBE_PROCESSES_H

// Processes by pid, read from /proc (Linux only): the children of a process,
// the probe servers among them, and whether one has ended. Shared by
// tst_probelifetime and its host program.

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QList>

#include <optional>

#include <unistd.h>

namespace ProbeProcesses {

struct Process
{
    qint64 pid = 0;
    qint64 parent = 0;
    char state = '?';
    quint64 started = 0; // clock ticks after boot: tells a reused pid apart
    QByteArray commandLine;
};

inline std::optional<Process> process(qint64 pid)
{
    QFile statFile(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!statFile.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray stat = statFile.readAll();
    // "pid (command) state ppid ..."; the command may hold spaces and ')'.
    const int close = stat.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    // fields[0] is field 3 (state), so field N is fields[N - 3].
    if (fields.size() < 20)
        return std::nullopt;
    Process p;
    p.pid = pid;
    p.state = fields.at(0).isEmpty() ? '?' : fields.at(0).at(0);
    p.parent = fields.at(1).toLongLong();
    p.started = fields.at(19).toULongLong();
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (cmdline.open(QIODevice::ReadOnly))
        p.commandLine = cmdline.readAll().replace('\0', ' ').trimmed();
    return p;
}

inline QList<Process> childrenOf(qint64 parent)
{
    QList<Process> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid)
            continue;
        const std::optional<Process> p = process(pid);
        if (p && p->parent == parent && p->state != 'Z' && p->state != 'X')
            children << *p;
    }
    return children;
}

//! What fd 0 of \a pid is ("socket:[…]", "/dev/null", …); empty if unknown.
inline QByteArray standardInput(qint64 pid)
{
    char target[256];
    const ssize_t n = ::readlink(QStringLiteral("/proc/%1/fd/0").arg(pid).toLocal8Bit().constData(), target,
                                 sizeof target);
    return n > 0 ? QByteArray(target, int(n)) : QByteArray();
}

//! The running probe servers started by \a application.
inline QList<Process> probeServersOf(qint64 application)
{
    QList<Process> servers;
    for (const Process &child : childrenOf(application)) {
        if (child.commandLine.contains("qhotreload-probe --serve"))
            servers << child;
    }
    return servers;
}

//! Whether \a p has ended: no such process any more, a zombie (nobody reaped
//! it yet), or its pid now belongs to another process.
inline bool ended(const Process &p)
{
    const std::optional<Process> now = process(p.pid);
    return !now || now->state == 'Z' || now->state == 'X' || now->started != p.started;
}

} // namespace ProbeProcesses

#endif
