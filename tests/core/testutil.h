// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_TESTUTIL_H
#define QHOTRELOAD_TESTS_TESTUTIL_H

// Shared by the core test suites: where the fixtures are, the writers that
// replace a library file the way build tools do, and small probes.

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QByteArray>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTemporaryDir>

#include <atomic>
#include <chrono>
#include <functional>
#include <limits>
#include <thread>

namespace QHotTest {

// --- Fixtures ------------------------------------------------------------------

//! The answer fixture whose answer() returns \a version (1..10).
inline QString answerFixture(int version)
{
    static const char *const paths[] = {
        QHOT_TEST_FIXTURE_ANSWER_V1, QHOT_TEST_FIXTURE_ANSWER_V2, QHOT_TEST_FIXTURE_ANSWER_V3,
        QHOT_TEST_FIXTURE_ANSWER_V4, QHOT_TEST_FIXTURE_ANSWER_V5, QHOT_TEST_FIXTURE_ANSWER_V6,
        QHOT_TEST_FIXTURE_ANSWER_V7, QHOT_TEST_FIXTURE_ANSWER_V8, QHOT_TEST_FIXTURE_ANSWER_V9,
        QHOT_TEST_FIXTURE_ANSWER_V10,
    };
    Q_ASSERT(version >= 1 && version <= 10);
    return QString::fromLocal8Bit(paths[version - 1]);
}

inline QString fixture(const char *path)
{
    return QString::fromLocal8Bit(path);
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

inline QByteArray sha1(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
}

//! A fresh watched directory holding one library copied from a fixture.
class WatchedDir
{
public:
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    QString path() const { return m_dir.path(); }
    bool isValid() const { return m_dir.isValid(); }
    //! Copies \a fixturePath to \a name in the directory; returns the new path or empty.
    QString add(const QString &fixturePath, const QString &name = QStringLiteral("libanswer.so"))
    {
        const QString target = filePath(name);
        return QFile::copy(fixturePath, target) ? target : QString();
    }

private:
    QTemporaryDir m_dir;
};

// --- Probes --------------------------------------------------------------------

//! Calls the `int f()` named \a symbol in the loaded version; INT_MIN if it is not there.
inline int call(const QHotLibrary &lib, const char *symbol = "answer")
{
    using Fn = int (*)();
    const auto fn = reinterpret_cast<Fn>(lib.resolve(symbol));
    return fn ? fn() : std::numeric_limits<int>::min();
}

//! The private copies next to the loaded one (the lock file is hidden and not counted).
inline QStringList privateFiles(const QHotLibrary &lib)
{
    if (lib.loadedFileName().isEmpty())
        return {};
    return QFileInfo(lib.loadedFileName()).absoluteDir().entryList(QDir::Files);
}

#if defined(Q_OS_LINUX)
//! Whether a file at \a path is mapped into this process (deleted or not).
inline bool isMapped(const QString &path)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    const QByteArray needle = ' ' + QFile::encodeName(path);
    const QByteArray deleted = needle + QByteArray(" (deleted)");
    const QList<QByteArray> lines = maps.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.endsWith(needle) || line.endsWith(deleted))
            return true;
    }
    return false;
}
#endif

// --- Writers: replacing the file as build tools do -------------------------------
//
// A pause is part of the scenario (a linker that stalls half-way); writers that
// pause must run off the test's thread (see BackgroundWriter) so the library
// keeps looking at the file meanwhile.

inline void pause(int ms)
{
    if (ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

//! Writes \a bytes to \a file in \a chunks pieces, each flushed to the file.
inline bool writeChunks(QFile &file, const QByteArray &bytes, int chunks, int pauseMs)
{
    const qsizetype step = (bytes.size() + chunks - 1) / chunks;
    for (qsizetype at = 0; at < bytes.size(); at += step) {
        if (at > 0)
            pause(pauseMs);
        const QByteArray piece = bytes.mid(at, step);
        if (file.write(piece) != piece.size() || !file.flush())
            return false;
    }
    return true;
}

/*!
    As GNU ld: unlink, create anew, write sequentially (in \a chunks pieces
    \a pauseMs apart), close. ld removes its output when it starts and creates
    it when it writes: \a gapMs between the two.
*/
inline bool writeLikeLd(const QString &path, const QByteArray &bytes, int chunks = 1, int pauseMs = 0,
                        int gapMs = 0)
{
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return false;
    pause(gapMs);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
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

//! Truncates the existing file and writes it again: the same inode all along.
inline bool writeInPlace(const QString &path, const QByteArray &bytes, int chunks = 1, int pauseMs = 0)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::ExistingOnly))
        return false;
    return writeChunks(file, bytes, chunks, pauseMs);
}

//! As gold: the new file is sized to its final length (zeros) first, then
//! filled in two halves, the head first or the tail first.
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
    const qsizetype first = order == GoldOrder::HeadFirst ? 0 : half;
    const qsizetype firstLength = order == GoldOrder::HeadFirst ? half : bytes.size() - half;
    const qsizetype second = order == GoldOrder::HeadFirst ? half : 0;
    const qsizetype secondLength = bytes.size() - firstLength;
    if (!fill(first, firstLength))
        return false;
    pause(pauseMs);
    return fill(second, secondLength);
}

//! As `touch`: only the modification time changes.
inline bool touch(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QDateTime was = file.fileTime(QFileDevice::FileModificationTime);
    // Seconds ahead, so that the change shows on file systems with coarse times.
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
    BackgroundWriter(const BackgroundWriter &) = delete;
    BackgroundWriter &operator=(const BackgroundWriter &) = delete;

    bool isDone() const { return m_done; }
    bool succeeded() const { return m_done && m_ok; }

private:
    std::atomic<bool> m_ok{false};
    std::atomic<bool> m_done{false};
    std::thread m_thread;
};

} // namespace QHotTest

#endif
