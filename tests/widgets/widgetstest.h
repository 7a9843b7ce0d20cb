// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_WIDGETS_WIDGETSTEST_H
#define QHOTRELOAD_TESTS_WIDGETS_WIDGETSTEST_H

// Shared by the widgets suites: the fixtures, a watched library file in a
// temporary directory replaced as GNU ld replaces its output, and the
// panel module (the factory declared as a hot function).

#include "panel.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>

namespace QHotWidgetsTest {

constexpr int Timeout = 10000;

inline QString fixturePath(const char *path)
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

//! As Designer and most editors: a new file renamed over the old one.
inline bool saveByRename(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit();
}

//! A fresh directory with the library file the application watches.
class WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion)
        : m_path(m_dir.filePath(QStringLiteral("libpanel.so")))
        , m_path8(QFile::encodeName(m_path))
    {
        m_valid = m_dir.isValid() && QFile::copy(firstVersion, m_path);
    }
    bool isValid() const { return m_valid; }
    QString path() const { return m_path; }
    const char *path8() const { return m_path8.constData(); }
    bool replaceLikeLd(const QString &fixturePath) const { return writeLikeLd(m_path, readFile(fixturePath)); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    QByteArray m_path8;
    bool m_valid = false;
};

//! The factory declared as a hot function, as QHOT_MODULE would declare it.
struct PanelModule
{
    explicit PanelModule(const char *libraryPath) : module(libraryPath) {}
    ~PanelModule() { delete module.library(); }
    Q_DISABLE_COPY_MOVE(PanelModule)

    QHotModule module;
    QHotFunction<decltype(fixture::createPanel)> createPanel{module, "fixture::createPanel"};
};

} // namespace QHotWidgetsTest

#endif
