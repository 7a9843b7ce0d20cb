// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_FUNCTIONS_FUNCTIONSTEST_H
#define QHOTRELOAD_TESTS_FUNCTIONS_FUNCTIONSTEST_H

// Shared by the hot-function suites: where the "game" fixtures are, a watched
// directory, the two ways a build replaces a library file, and a module with
// a callable for every function of gamelib.h.

#include "gamelib.h"

#include <QHotReload/QHotModule>

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>

#include <functional>
#include <thread>

namespace QHotFunctionsTest {

constexpr int Timeout = 10000;

//! The game fixture built as \a target (a QHOT_FUNCTIONS_FIXTURE_* path macro).
inline QString fixture(const char *path)
{
    return QString::fromLocal8Bit(path);
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

//! As GNU ld: unlink, create anew, write, close.
inline bool writeLikeLd(const QString &path, const QByteArray &bytes)
{
    if (QFileInfo::exists(path) && !QFile::remove(path))
        return false;
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::NewOnly) && file.write(bytes) == bytes.size();
}

//! As lld and `install`: a temporary file in the same directory, renamed over.
inline bool writeRenameOver(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit();
}

//! A fresh directory with the library file a module watches.
class WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion)
        : m_path(m_dir.filePath(QStringLiteral("libgame.so")))
        , m_path8(QFile::encodeName(m_path))
    {
        m_valid = m_dir.isValid() && QFile::copy(firstVersion, m_path);
    }
    bool isValid() const { return m_valid; }
    QString path() const { return m_path; }
    QString nativePath() const { return QDir::toNativeSeparators(m_path); }
    //! For QHotModule, which takes a const char *.
    const char *path8() const { return m_path8.constData(); }
    bool replaceLikeLd(const QString &fixturePath) const { return writeLikeLd(m_path, readFile(fixturePath)); }
    bool replaceRenameOver(const QString &fixturePath) const { return writeRenameOver(m_path, readFile(fixturePath)); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_path8;
    bool m_valid = false;
};

/*!
    Every function of gamelib.h as a hot callable of one module, made the way
    QHOT_FUNCTION makes them (that macro ties a module to a namespace, and the
    tests want a fresh module on a fresh file each).
*/
struct GameModule
{
    explicit GameModule(const char *libraryPath) : module(libraryPath) {}
    ~GameModule()
    {
        // The library is a child of the application and would outlive the
        // callables it writes to; take it down first.
        delete module.library();
    }
    Q_DISABLE_COPY_MOVE(GameModule)

    QHotModule module;
    QHotFunction<decltype(::game::step)> step{module, "game::step"};
    QHotFunction<decltype(::game::value)> value{module, "game::value"};
    QHotFunction<decltype(::answer)> answer{module, "answer"};
    QHotFunction<decltype(::a::value)> valueA{module, "a::value"};
    QHotFunction<decltype(::b::value)> valueB{module, "b::value"};
    QHotFunction<decltype(::greeting)> greeting{module, "greeting"};
    QHotFunction<decltype(::consume)> consume{module, "consume"};
    QHotFunction<decltype(::bump)> bump{module, "bump"};
    QHotFunction<decltype(::runNested)> runNested{module, "runNested"};
    QHotFunction<decltype(::fail)> fail{module, "fail"};
    QHotFunction<decltype(::counted)> counted{module, "counted"};
    QHotFunction<decltype(::countedCalls)> countedCalls{module, "countedCalls"};
    QHotFunction<decltype(::add)> add{module, "add"};
};

//! Joins a worker however the test function is left (a failed QVERIFY returns).
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

} // namespace QHotFunctionsTest

#endif
