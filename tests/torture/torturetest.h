// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_TORTURE_TORTURETEST_H
#define QHOTRELOAD_TESTS_TORTURE_TORTURETEST_H

// Shared by the torture suites: where the fixtures are, writers that replace a
// library file the way build tools do (some adapted from tests/core/testutil.h),
// a module with a callable for each function of torturelib.h, and probes.

#include "torturelib.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QByteArray>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDateTime>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QMutex>
#include <QtCore/QSaveFile>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#if defined(Q_OS_UNIX)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace QHotTorture {

constexpr int Timeout = 10000;

// --- Fixtures ------------------------------------------------------------------

inline QString fixture(const char *path)
{
    return QString::fromLocal8Bit(path);
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size()
            && file.flush();
}

inline bool isRoot()
{
#if defined(Q_OS_UNIX)
    return ::geteuid() == 0;
#else
    return false;
#endif
}

//! The permission bits of \a path (st_mode & 07777), or -1.
inline int modeOf(const QString &path)
{
#if defined(Q_OS_UNIX)
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
#else
    Q_UNUSED(path);
    return -1;
#endif
}

inline bool setMode(const QString &path, int mode)
{
#if defined(Q_OS_UNIX)
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
#else
    Q_UNUSED(path);
    Q_UNUSED(mode);
    return false;
#endif
}

//! A fresh directory holding the watched library file.
class WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion, const QString &subPath = QString())
    {
        const QString dir = subPath.isEmpty() ? m_dir.path() : m_dir.filePath(subPath);
        m_path = QDir(dir).filePath(QStringLiteral("libtorture.so"));
        m_path8 = QFile::encodeName(m_path);
        m_valid = m_dir.isValid() && QDir().mkpath(dir) && writeFile(m_path, readFile(firstVersion));
    }
    bool isValid() const { return m_valid; }
    QString root() const { return m_dir.path(); }
    QString path() const { return m_path; }
    QString nativePath() const { return QDir::toNativeSeparators(m_path); }
    //! For QHotModule, which takes a const char *.
    const char *path8() const { return m_path8.constData(); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_path8;
    bool m_valid = false;
};

/*!
    Every function of torturelib.h as a hot callable of one module, made as
    QHOT_FUNCTION makes them (that macro ties a module to one namespace and
    one file; these tests want a fresh file each).
*/
struct TortureModule
{
    explicit TortureModule(const char *libraryPath) : module(libraryPath) {}
    ~TortureModule()
    {
        // The library is a child of the application and would outlive the
        // callables it writes to; take it down first.
        delete module.library();
    }
    Q_DISABLE_COPY_MOVE(TortureModule)

    QHotLibrary *library() { return module.library(); }

    QHotModule module;
    QHotFunction<decltype(::torture::step)> step{module, "torture::step"};
    QHotFunction<decltype(::torture::answer)> answer{module, "torture::answer"};
    QHotFunction<decltype(::torture::steps)> steps{module, "torture::steps"};
    QHotFunction<decltype(::torture::add)> add{module, "torture::add"};
};

// --- Writers: replacing the file as build tools do -------------------------------
//
// A pause is part of the scenario (a linker that stalls); writers that pause run
// off the test's thread (BackgroundWriter) so the library keeps looking meanwhile.

inline void pause(int ms)
{
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

//! Pause before chunk \a chunk (1-based) of write number \a round: 2..20 ms, varied.
inline int variedPause(int round, int chunk)
{
    return 2 + (round * 7 + chunk * 5) % 19;
}

//! Writes \a bytes in \a chunks pieces, each flushed, with pauseMs(i) before piece i > 0.
inline bool writeChunks(QFile &file, const QByteArray &bytes, int chunks, const std::function<int(int)> &pauseMs)
{
    const qsizetype step = (bytes.size() + chunks - 1) / chunks;
    int piece = 0;
    for (qsizetype at = 0; at < bytes.size(); at += step, ++piece) {
        if (piece > 0 && pauseMs)
            pause(pauseMs(piece));
        const QByteArray part = bytes.mid(at, step);
        if (file.write(part) != part.size() || !file.flush())
            return false;
    }
    return true;
}

//! As GNU ld: unlink, create anew, write sequentially in chunks, close.
inline bool writeLikeLd(const QString &path, const QByteArray &bytes, int chunks = 1,
                        const std::function<int(int)> &pauseMs = {})
{
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return false;
    return writeChunks(file, bytes, chunks, pauseMs);
}

//! Truncates the existing file and writes it again: the same inode all along.
inline bool writeInPlace(const QString &path, const QByteArray &bytes, int chunks = 1,
                         const std::function<int(int)> &pauseMs = {})
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::ExistingOnly))
        return false;
    return writeChunks(file, bytes, chunks, pauseMs);
}

//! As lld, editors and `install`: a temporary file in the same directory, renamed over.
inline bool writeRenameOver(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(bytes) == bytes.size() && file.commit();
}

//! As gold: sized to its final length (zeros) first, then filled in two halves.
enum class GoldOrder { HeadFirst, TailFirst };
inline bool writeLikeGold(const QString &path, const QByteArray &bytes, int pauseMs, GoldOrder order)
{
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::NewOnly) || !file.resize(bytes.size()))
        return false;
    const qsizetype half = bytes.size() / 2;
    const auto fill = [&](qsizetype from, qsizetype length) {
        const QByteArray piece = bytes.mid(from, length);
        return file.seek(from) && file.write(piece) == piece.size() && file.flush();
    };
    const bool head = order == GoldOrder::HeadFirst;
    if (!(head ? fill(0, half) : fill(half, bytes.size() - half)))
        return false;
    pause(pauseMs);
    return head ? fill(half, bytes.size() - half) : fill(0, half);
}

//! As `touch`: only the modification time changes.
inline bool touch(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    const QDateTime was = file.fileTime(QFileDevice::FileModificationTime);
    return file.setFileTime(was.addSecs(5), QFileDevice::FileModificationTime);
}

/*!
    Runs a writer on a thread of its own, as a linker is a process of its own,
    so the test's event loop (and the library watching) runs meanwhile.
    Joined on destruction.
*/
class BackgroundWriter
{
public:
    explicit BackgroundWriter(std::function<bool()> write)
        : m_thread([this, write = std::move(write)] {
            m_ok = write();
            m_done = true;
        })
    {
    }
    ~BackgroundWriter() { m_thread.join(); }
    Q_DISABLE_COPY_MOVE(BackgroundWriter)

    bool isDone() const { return m_done; }
    bool succeeded() const { return m_done && m_ok; }

private:
    std::atomic<bool> m_ok{false};
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

// --- Probes --------------------------------------------------------------------

//! The first reason a reloadFailed spy recorded, or "" (QVERIFY2 builds its message always).
template <typename Spy>
QString firstReason(const Spy &spy)
{
    return spy.isEmpty() ? QString() : spy.first().first().toString();
}

/*!
    Counts what the library's watcher reports (its debug output, category
    qhotreload.watcher), so a test can wait until a change it made was seen
    instead of waiting for a while. Other messages go on to the previous
    handler (QtTest's).
*/
class WatcherEvents
{
public:
    WatcherEvents()
    {
        s_events.store(0);
        QLoggingCategory::setFilterRules(QStringLiteral("qhotreload.watcher.debug=true"));
        s_previous = qInstallMessageHandler(&WatcherEvents::handler);
    }
    ~WatcherEvents()
    {
        qInstallMessageHandler(s_previous);
        QLoggingCategory::setFilterRules(QString());
    }
    Q_DISABLE_COPY_MOVE(WatcherEvents)

    int count() const { return s_events.load(); }

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        if (type == QtDebugMsg && context.category && qstrcmp(context.category, "qhotreload.watcher") == 0) {
            if (message.startsWith(QLatin1String("file changed")) || message.startsWith(QLatin1String("directory changed")))
                s_events.fetch_add(1);
            return;
        }
        if (s_previous)
            s_previous(type, context, message);
    }
    static inline std::atomic<int> s_events{0};
    static inline QtMessageHandler s_previous = nullptr;
};

/*!
    Runs the event loop until \a done() is true or \a timeout ms pass; returns
    done(). Like QTRY_VERIFY, but looks after every millisecond rather than
    every 50, which matters in loops of hundreds of reloads.
*/
template <typename Predicate>
bool waitUntil(Predicate done, int timeout = Timeout)
{
    const QDeadlineTimer deadline(timeout);
    while (!done() && !deadline.hasExpired())
        QTest::qWait(1);
    return done();
}

//! Runs the event loop until \a lib reaches \a version (woken by versionChanged()).
inline bool waitForVersion(QHotLibrary &lib, int version, int timeout = Timeout)
{
    QSignalSpy changed(&lib, &QHotLibrary::versionChanged);
    const QDeadlineTimer deadline(timeout);
    while (lib.version() < version && !deadline.hasExpired())
        changed.wait(int(qBound(qint64(1), deadline.remainingTime(), qint64(timeout))));
    return lib.version() == version;
}

//! True when \a lib has no look at its file scheduled (its timers are idle).
inline bool settled(const QHotLibrary &lib)
{
    const QList<QTimer *> timers = lib.findChildren<QTimer *>();
    for (const QTimer *timer : timers) {
        if (timer->isActive())
            return false;
    }
    return true;
}

} // namespace QHotTorture

#endif
