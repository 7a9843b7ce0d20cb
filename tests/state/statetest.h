// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_STATE_STATETEST_H
#define QHOTRELOAD_TESTS_STATE_STATETEST_H

// Shared by the state suites: where the fixtures are, and a watched library
// file in a temporary directory, replaced as GNU ld replaces its output.

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>

namespace QHotStateTest {

constexpr int Timeout = 10000;

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
    return !bytes.isEmpty() && file.open(QIODevice::WriteOnly | QIODevice::NewOnly)
            && file.write(bytes) == bytes.size();
}

//! A fresh directory with the library file a module watches.
class WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion, const QString &name = QStringLiteral("libstate.so"))
        : m_path(m_dir.filePath(name))
        , m_path8(QFile::encodeName(m_path))
    {
        m_valid = m_dir.isValid() && QFile::copy(firstVersion, m_path);
    }
    bool isValid() const { return m_valid; }
    QString path() const { return m_path; }
    QString nativePath() const { return QDir::toNativeSeparators(m_path); }
    QString dirPath() const { return m_dir.path(); }
    //! For QHotModule, which takes a const char *.
    const char *path8() const { return m_path8.constData(); }
    bool replaceLikeLd(const QString &fixturePath) const { return writeLikeLd(m_path, readFile(fixturePath)); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_path8;
    bool m_valid = false;
};

} // namespace QHotStateTest

#endif
