// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_SHARED_TESTSUPPORT_H
#define QHOTRELOAD_TESTS_SHARED_TESTSUPPORT_H

// Shared by every test room (core, functions, state, widgets, torture): where
// a fixture is, the writers that replace a library file the way build tools
// do, a watched library file in a temporary directory, threads that are
// joined however a test function is left, and waits that look at the library
// instead of the clock. Each room's own header names what it uses from here
// (using-declarations), so the test sources keep their names.

#include <QHotReload/QHotLibrary>

#include <QtCore/QByteArray>
#include <QtCore/QDateTime>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QLoggingCategory>
#include <QtCore/QSaveFile>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <type_traits>
#include <utility>

namespace QHotTestSupport {

//! How long a test waits for a reload (or a refusal) before it fails.
constexpr int Timeout = 10000;

// --- Fixtures and files ---------------------------------------------------------

//! A fixture's path, from the macro CMake bakes in for it.
inline QString fixture(const char *path)
{
    return QString::fromLocal8Bit(path);
}

//! The bytes of \a path, or empty if it cannot be read.
inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

//! Creates or truncates \a path and writes \a bytes (no writer's pattern: a plain write).
inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size()
            && file.flush();
}

// --- Writers: replacing the file as build tools do -------------------------------
//
// A pause is part of the scenario (a linker that stalls half-way); writers that
// pause run off the test's thread (BackgroundWriter) so the library keeps
// looking at the file meanwhile.

inline void pause(int ms)
{
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

/*!
    The pause before each piece of a chunked write after the first: none, the
    same number of milliseconds each time, or a function of the piece's index
    (1-based for the second piece), for writers whose stalls vary.
*/
class Pauses
{
public:
    Pauses() = default;
    Pauses(int ms) // implicit: writeLikeLd(path, bytes, 2, 300)
    {
        if (ms > 0)
            m_before = [ms](int) { return ms; };
    }
    template <typename Function, typename = std::enable_if_t<std::is_invocable_r_v<int, Function, int>>>
    Pauses(Function before) // implicit: writeLikeLd(path, bytes, 10, [](int piece) { ... })
        : m_before(std::move(before))
    {
    }

    //! Milliseconds to wait before piece \a piece (> 0).
    int before(int piece) const { return m_before ? m_before(piece) : 0; }

private:
    std::function<int(int)> m_before;
};

//! Writes \a bytes to \a file in \a chunks pieces, each flushed, \a pauses between them.
inline bool writeChunks(QFile &file, const QByteArray &bytes, int chunks, const Pauses &pauses = {})
{
    const qsizetype step = (bytes.size() + chunks - 1) / chunks;
    int piece = 0;
    for (qsizetype at = 0; at < bytes.size(); at += step, ++piece) {
        if (piece > 0)
            pause(pauses.before(piece));
        const QByteArray part = bytes.mid(at, step);
        if (file.write(part) != part.size() || !file.flush())
            return false;
    }
    return true;
}

/*!
    As GNU ld: unlink, create anew, write sequentially (in \a chunks pieces with
    \a pauses between them), close. ld removes its output when it starts and
    creates it when it writes: \a gapMs between the two.
*/
inline bool writeLikeLd(const QString &path, const QByteArray &bytes, int chunks = 1, const Pauses &pauses = {},
                        int gapMs = 0)
{
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return false;
    pause(gapMs);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return false;
    return writeChunks(file, bytes, chunks, pauses);
}

//! Truncates the existing file and writes it again: the same inode all along.
inline bool writeInPlace(const QString &path, const QByteArray &bytes, int chunks = 1, const Pauses &pauses = {})
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::ExistingOnly))
        return false;
    return writeChunks(file, bytes, chunks, pauses);
}

//! As lld, Designer, editors and `install`: a temporary file in the same directory, renamed over.
inline bool writeRenameOver(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    return file.write(bytes) == bytes.size() && file.commit();
}

//! As gold: the new file is sized to its final length (zeros) first, then
//! filled in two halves, the head first or the tail first, \a pauseMs apart.
enum class GoldOrder { HeadFirst, TailFirst };
inline bool writeLikeGold(const QString &path, const QByteArray &bytes, int pauseMs = 0,
                          GoldOrder order = GoldOrder::HeadFirst)
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

//! As `touch`: only the modification time changes (seconds ahead, so that the
//! change shows on file systems with coarse times).
inline bool touch(const QString &path)
{
    // Opened for writing: not every system lets a read-only handle set a time.
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    const QDateTime was = file.fileTime(QFileDevice::FileModificationTime);
    return file.setFileTime(was.addSecs(5), QFileDevice::FileModificationTime);
}

// --- A watched library file --------------------------------------------------------

/*!
    A fresh temporary directory holding the library file a test watches,
    \a fileName (in \a subPath below the directory, made if needed), placed
    there from \a firstVersion: copied (with its permissions), or rewritten
    (a new file with this process's default permissions). isValid() says
    whether that worked; the directory goes away with the object.
*/
class WatchedLibrary
{
public:
    enum class Placement { Copy, Rewrite };

    WatchedLibrary(const QString &firstVersion, const QString &fileName, const QString &subPath = QString(),
                   Placement placement = Placement::Copy)
    {
        const QString dir = subPath.isEmpty() ? m_dir.path() : m_dir.filePath(subPath);
        m_path = QDir(dir).filePath(fileName);
        m_path8 = QFile::encodeName(m_path);
        m_valid = m_dir.isValid() && QDir().mkpath(dir)
                && (placement == Placement::Copy ? QFile::copy(firstVersion, m_path)
                                                 : writeFile(m_path, readFile(firstVersion)));
    }
    Q_DISABLE_COPY_MOVE(WatchedLibrary)

    bool isValid() const { return m_valid; }
    //! The temporary directory (the file may be in a sub-directory of it).
    QString root() const { return m_dir.path(); }
    QString path() const { return m_path; }
    QString nativePath() const { return QDir::toNativeSeparators(m_path); }
    //! For QHotModule, which takes a const char *.
    const char *path8() const { return m_path8.constData(); }
    //! Replaces the file with \a fixturePath's bytes as GNU ld does; false if the fixture cannot be read.
    bool replaceLikeLd(const QString &fixturePath) const
    {
        const QByteArray bytes = readFile(fixturePath);
        return !bytes.isEmpty() && writeLikeLd(m_path, bytes);
    }
    //! Replaces the file with \a fixturePath's bytes as lld does; false if the fixture cannot be read.
    bool replaceRenameOver(const QString &fixturePath) const
    {
        const QByteArray bytes = readFile(fixturePath);
        return !bytes.isEmpty() && writeRenameOver(m_path, bytes);
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_path8;
    bool m_valid = false;
};

// --- Threads -----------------------------------------------------------------------

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

//! Joins a worker however the test function is left (a failed QVERIFY
//! returns), calling \a stop first (to unblock or stop the worker).
class Joiner
{
public:
    explicit Joiner(std::thread &thread, std::function<void()> stop = {})
        : m_thread(thread), m_stop(std::move(stop)) {}
    ~Joiner()
    {
        if (m_stop)
            m_stop();
        if (m_thread.joinable())
            m_thread.join();
    }
    Q_DISABLE_COPY_MOVE(Joiner)

private:
    std::thread &m_thread;
    std::function<void()> m_stop;
};

// --- Spies and waits -----------------------------------------------------------------

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

} // namespace QHotTestSupport

#endif
