// SPDX-License-Identifier: MIT
#include "probe_p.h"

#include "crashguard_p.h"
#include "logging_p.h"
#include "probeprotocol.h"

#include <QtCore/QByteArray>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QMutex>
#include <QtCore/QSet>

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <csignal>
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>
extern char **environ;
#elif defined(Q_OS_WIN)
#include <QtCore/QProcess>
#include <qt_windows.h>

#include <iterator>
#endif

namespace QHotReload::Internal {

namespace {

namespace P = QHotReload::Probe;

// The server enforces the time limit on the trial; this much more is allowed
// for the server itself (its start at the first trial, a loaded machine)
// before it counts as gone.
constexpr int ServerSlackMs = 5000;

// What cannot be judged is said once per cause, not at every rebuild.
void noteNotJudged(const QString &copyPath, const QString &why)
{
    static QMutex mutex;
    static QSet<QString> said;
    QString cause = why;
    cause.replace(copyPath, QStringLiteral("<copy>")); // the same for each version
    {
        const QMutexLocker lock(&mutex);
        if (said.contains(cause))
            return;
        said.insert(cause);
    }
    qCDebug(lcProbe).noquote() << QStringLiteral("no trial load for %1 (%2); it is loaded in the application "
                                                 "without one")
                                          .arg(QDir::toNativeSeparators(copyPath), why);
}

// The directory of the loaded QHotReload::Core: the probe is found from here.
QString coreDirectory()
{
#if defined(Q_OS_UNIX)
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void *>(&coreDirectory), &info) && info.dli_fname)
        return QFileInfo(QFile::decodeName(info.dli_fname)).absolutePath();
#elif defined(Q_OS_WIN)
    HMODULE module = nullptr;
    if (::GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                             reinterpret_cast<LPCWSTR>(&coreDirectory), &module)) {
        wchar_t name[MAX_PATH * 4];
        const DWORD n = ::GetModuleFileNameW(module, name, DWORD(std::size(name)));
        if (n > 0 && n < std::size(name))
            return QFileInfo(QString::fromWCharArray(name, int(n))).absolutePath();
    }
#endif
    return {};
}

/*
    Where qhotreload-probe is: $QHOTRELOAD_PROBE if set; else, from the
    directory of this library, where the install put it (the libexec
    directory, recorded at configure time as a path relative to the library
    directory, so a moved prefix still works), then beside this library (the
    build tree, and Windows, where both live in bin).
*/
QString probeProgram(QStringList *looked)
{
    const QString fromEnvironment = qEnvironmentVariable("QHOTRELOAD_PROBE");
    if (!fromEnvironment.isEmpty()) {
        *looked << fromEnvironment;
        return QFileInfo(fromEnvironment).isExecutable() ? fromEnvironment : QString();
    }
    const QString dir = coreDirectory();
    if (dir.isEmpty())
        return {};
#if defined(Q_OS_WIN)
    const QString name = QString::fromLatin1(P::ProgramName) + QStringLiteral(".exe");
#else
    const QString name = QString::fromLatin1(P::ProgramName);
#endif
    for (const QString &candidate : {QDir(dir).filePath(QStringLiteral(QHOTRELOAD_PROBE_RELATIVE_DIR "/") + name),
                                     QDir(dir).filePath(name)}) {
        *looked << QDir::cleanPath(candidate);
        if (QFileInfo(candidate).isExecutable())
            return QDir::cleanPath(candidate);
    }
    return {};
}

struct Answer
{
    QByteArray verdict;
    long number = 0;
    QString text;
};

bool parseAnswer(const QByteArray &line, Answer *answer)
{
    const int firstSpace = line.indexOf(' ');
    const int secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0)
        return false;
    bool ok = false;
    answer->verdict = line.left(firstSpace);
    answer->number = line.mid(firstSpace + 1, secondSpace - firstSpace - 1).toLong(&ok);
    answer->text = QString::fromLocal8Bit(line.mid(secondSpace + 1)).trimmed();
    return ok;
}

#if defined(Q_OS_UNIX)

// One server per process, started at the first trial and kept: each trial is
// a fork of a process that has QtCore and what the last trials needed mapped,
// not a new process that would load them again.
class ProbeServer
{
public:
    static ProbeServer &instance()
    {
        static ProbeServer server;
        return server;
    }

    ~ProbeServer()
    {
        // Not reaped: this runs at exit. The server reads the end of its
        // input and leaves.
        if (m_socket >= 0)
            ::close(m_socket);
    }

    // Sends one trial and waits for its answer line. False with *error when
    // there is no server or it stopped answering (it is then stopped, and the
    // next trial starts a new one).
    bool ask(const QByteArray &path, int limitMs, QByteArray *line, QString *error)
    {
        const QMutexLocker lock(&m_mutex);
        const QByteArray request = QByteArray::number(limitMs) + ' ' + QByteArray::number(path.size()) + '\n' + path;
        // A server that ended since the last trial is seen at the write: one
        // new start, then it counts.
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (m_socket < 0 && !start(error))
                return false;
            if (send(request)) {
                if (receive(limitMs + ServerSlackMs, line, error))
                    return true;
                stop();
                return false;
            }
            stop();
        }
        *error = QStringLiteral("the probe server ended at once");
        return false;
    }

private:
    ProbeServer() = default;

    bool start(QString *error)
    {
        QStringList looked;
        const QString program = probeProgram(&looked);
        if (program.isEmpty()) {
            *error = QStringLiteral("%1 was not found (looked for %2)")
                             .arg(QString::fromLatin1(P::ProgramName), looked.join(QStringLiteral(", ")));
            return false;
        }
        int ends[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) {
            *error = QStringLiteral("socketpair: %1").arg(QString::fromLocal8Bit(::strerror(errno)));
            return false;
        }
        // Neither end may leak into other children of the application (a
        // build QHotBuilder runs): the server would never see its end.
        ::fcntl(ends[0], F_SETFD, FD_CLOEXEC);
        ::fcntl(ends[1], F_SETFD, FD_CLOEXEC);
#if defined(SO_NOSIGPIPE)
        const int on = 1;
        ::setsockopt(ends[0], SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#endif
        // The QtCore this application uses, loaded before the first trial:
        // hot libraries need it, and it is the largest part of loading one.
        QByteArray qtCore;
        Dl_info info{};
        if (::dladdr(reinterpret_cast<void *>(&qVersion), &info) && info.dli_fname)
            qtCore = info.dli_fname;
        QByteArray programPath = QFile::encodeName(program);
        QByteArray serve("--serve");
        // The server ends when this process ends, however it ends (killed
        // included): it follows this pid.
        QByteArray parentOption("--parent");
        QByteArray parent = QByteArray::number(qint64(::getpid()));
        QByteArray preload("--preload");
        std::vector<char *> argv{programPath.data(), serve.data(), parentOption.data(), parent.data()};
        if (!qtCore.isEmpty()) {
            argv.push_back(preload.data());
            argv.push_back(qtCore.data());
        }
        argv.push_back(nullptr);

        // posix_spawn, not fork: the application has threads (and may run
        // under TSan); the server forks, single-threaded, for each trial.
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, ends[1], 0);
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t none;
        sigemptyset(&none);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGCHLD);
        sigaddset(&defaults, SIGPIPE);
        posix_spawnattr_setsigmask(&attributes, &none);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        pid_t pid = -1;
        // The application's environment, plus every symbol bound at load in
        // the server: a lazily bound one would be bound again, with a page
        // fault, in each forked trial.
        std::vector<char *> environment;
        QByteArray bindNow("LD_BIND_NOW=1");
        for (char **variable = environ; *variable; ++variable) {
            if (qstrncmp(*variable, "LD_BIND_NOW=", 12) != 0)
                environment.push_back(*variable);
        }
        environment.push_back(bindNow.data());
        environment.push_back(nullptr);
        const int spawned = ::posix_spawn(&pid, programPath.constData(), &actions, &attributes, argv.data(),
                                          environment.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        ::close(ends[1]);
        if (spawned != 0) {
            ::close(ends[0]);
            *error = QStringLiteral("cannot start %1: %2").arg(program, QString::fromLocal8Bit(::strerror(spawned)));
            return false;
        }
        m_pid = pid;
        m_socket = ends[0];
        m_buffer.clear();
        qCDebug(lcProbe).noquote() << "started the probe server" << program << "pid" << pid;
        return true;
    }

    void stop()
    {
        if (m_socket >= 0)
            ::close(m_socket);
        m_socket = -1;
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            int status = 0;
            while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
        m_pid = -1;
    }

    bool send(const QByteArray &bytes)
    {
#if defined(MSG_NOSIGNAL)
        constexpr int flags = MSG_NOSIGNAL; // a server gone must not raise SIGPIPE here
#else
        constexpr int flags = 0; // SO_NOSIGPIPE is set on the socket
#endif
        qsizetype done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::send(m_socket, bytes.constData() + done, size_t(bytes.size() - done), flags);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return false;
            done += n;
        }
        return true;
    }

    bool receive(int waitMs, QByteArray *line, QString *error)
    {
        QDeadlineTimer deadline(waitMs);
        for (;;) {
            const int newline = m_buffer.indexOf('\n');
            if (newline >= 0) {
                *line = m_buffer.left(newline);
                m_buffer.remove(0, newline + 1);
                return true;
            }
            pollfd readable{m_socket, POLLIN, 0};
            const int ready = ::poll(&readable, 1, int(qMax<qint64>(0, deadline.remainingTime())));
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready == 0) {
                *error = QStringLiteral("the probe server did not answer within %1 ms").arg(waitMs);
                return false;
            }
            char chunk[1024];
            const ssize_t n = ::recv(m_socket, chunk, sizeof chunk, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                *error = QStringLiteral("the probe server ended");
                return false;
            }
            m_buffer.append(chunk, n);
        }
    }

    QMutex m_mutex;
    pid_t m_pid = -1;
    int m_socket = -1;
    QByteArray m_buffer;
};

bool askProbe(const QString &copyPath, int timeoutMs, Answer *answer, QString *error)
{
    QByteArray line;
    if (!ProbeServer::instance().ask(QFile::encodeName(copyPath), timeoutMs, &line, error))
        return false;
    if (!parseAnswer(line, answer)) {
        *error = QStringLiteral("the probe answered '%1'").arg(QString::fromLocal8Bit(line));
        return false;
    }
    return true;
}

#elif defined(Q_OS_WIN)

// No fork: a process per trial, which loads the copy and says how it went;
// a crash is its exit code (an NTSTATUS), a hang the time limit.
bool askProbe(const QString &copyPath, int timeoutMs, Answer *answer, QString *error)
{
    QStringList looked;
    const QString program = probeProgram(&looked);
    if (program.isEmpty()) {
        *error = QStringLiteral("%1 was not found (looked for %2)")
                         .arg(QString::fromLatin1(P::ProgramName), looked.join(QStringLiteral(", ")));
        return false;
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, {QStringLiteral("--once"), QDir::toNativeSeparators(copyPath)});
    if (!process.waitForStarted(ServerSlackMs)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, process.errorString());
        return false;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(ServerSlackMs);
        answer->verdict = P::TimedOut;
        answer->number = timeoutMs;
        return true;
    }
    const QList<QByteArray> lines = process.readAll().trimmed().split('\n');
    const QByteArray last = lines.isEmpty() ? QByteArray() : lines.constLast().trimmed();
    if (parseAnswer(last, answer))
        return true;
    const quint32 code = quint32(process.exitCode());
    answer->text = QString::fromLocal8Bit(last);
    if (process.exitStatus() == QProcess::CrashExit || code >= 0xC0000000u) {
        answer->verdict = P::Signal;
        answer->number = long(code);
    } else {
        answer->verdict = P::Exited;
        answer->number = long(code);
    }
    return true;
}

#else

bool askProbe(const QString &, int, Answer *, QString *error)
{
    *error = QStringLiteral("no trial load on this platform");
    return false;
}

#endif

QString crashName(long number)
{
#if defined(Q_OS_WIN)
    return QStringLiteral("exception 0x%1").arg(quint32(number), 8, 16, QLatin1Char('0'));
#else
    return signalName(int(number));
#endif
}

QString printed(const QString &text)
{
    return text.isEmpty() ? QString() : QStringLiteral("; it printed \"%1\"").arg(text);
}

} // namespace

QString trialLoad(const QString &copyPath, int timeoutMs)
{
    Answer answer;
    QString error;
    if (!askProbe(copyPath, timeoutMs, &answer, &error)) {
        noteNotJudged(copyPath, error);
        return {};
    }
    const QByteArray &verdict = answer.verdict;
    if (verdict == P::Loaded)
        return {};
    if (verdict == P::Unloadable) {
        // Mostly a symbol or a library the application provides: it may well
        // load there. Its own loader says if it does not.
        noteNotJudged(copyPath, answer.text);
        return {};
    }
    if (verdict == P::Threw)
        return QStringLiteral("a static initializer threw an exception (%1)").arg(answer.text);
    if (verdict == P::TimedOut) {
        return QStringLiteral("a static initializer did not return within %1 ms (trialLoadTimeout)%2")
                .arg(answer.number)
                .arg(printed(answer.text));
    }
    if (verdict == P::Exited) {
        return QStringLiteral("a static initializer ended the process (exit code %1)%2")
                .arg(answer.number)
                .arg(printed(answer.text));
    }
    if (verdict == P::Signal) {
#if defined(SIGABRT)
        if (answer.number == SIGABRT)
            return QStringLiteral("a static initializer aborted (SIGABRT)%1").arg(printed(answer.text));
#endif
        return QStringLiteral("a static initializer crashed (%1)%2").arg(crashName(answer.number), printed(answer.text));
    }
    noteNotJudged(copyPath, QStringLiteral("the probe answered '%1'").arg(QString::fromLatin1(verdict)));
    return {};
}

bool trialLoadByDefault()
{
#if defined(__SANITIZE_THREAD__)
    // Under ThreadSanitizer the probe's forked children do not answer (its
    // runtime does not survive the server's fork), so every swap would wait
    // for the time limit: off by default there; setTrialLoad(true) still
    // turns it on.
    return false;
#else
    const QByteArray value = qgetenv("QHOTRELOAD_TRIAL_LOAD").trimmed().toLower();
    return !(value == "0" || value == "off" || value == "false" || value == "no");
#endif
}

int defaultTrialLoadTimeout()
{
    bool ok = false;
    const int ms = qEnvironmentVariableIntValue("QHOTRELOAD_TRIAL_LOAD_TIMEOUT", &ok);
    return ok && ms > 0 ? ms : 5000;
}

} // namespace QHotReload::Internal
