// SPDX-License-Identifier: MIT
#ifndef QHOTEXAMPLES_RELOADWATCH_H
#define QHOTEXAMPLES_RELOADWATCH_H

#include "livedemo.h"

#include <QHotLibrary>

#include <QtCore/QFile>

#include <utility>

// The scripted demos' view of a QHotLibrary: says each reloaded() and
// reloadFailed() as it happens, and rebuilds-then-waits for one of them.
// Header-only: only hot builds include it (QHotLibrary is the runtime's).
class ReloadWatch
{
public:
    ReloadWatch(LiveDemo &demo, QHotLibrary *library) : m_demo(demo), m_library(library)
    {
        m_connections << QObject::connect(library, &QHotLibrary::reloaded, library, [this] {
            ++m_reloads;
            m_lastReloadAt = m_demo.elapsed();
            m_demo.say(QStringLiteral("   reloaded(): version %1 is live").arg(m_library->version()));
        });
        m_connections << QObject::connect(library, &QHotLibrary::reloadFailed, library, [this](const QString &reason) {
            ++m_failures;
            m_lastFailure = reason;
            m_demo.say(QStringLiteral("   reloadFailed(): ") + reason);
        });
        m_connections << QObject::connect(library, &QHotLibrary::stateRestoreFailed, library,
                                          [this](const QString &reason) {
                                              m_demo.say(QStringLiteral("   stateRestoreFailed(): ") + reason);
                                          });
    }
    ~ReloadWatch()
    {
        // The library (a child of the application) outlives this object.
        for (const QMetaObject::Connection &connection : std::as_const(m_connections))
            QObject::disconnect(connection);
    }
    Q_DISABLE_COPY_MOVE(ReloadWatch)

    int reloads() const { return m_reloads; }
    int failures() const { return m_failures; }
    QString lastFailure() const { return m_lastFailure; }
    //! LiveDemo::elapsed() at the last reloaded().
    qint64 lastReloadAt() const { return m_lastReloadAt; }
    //! One line per rebuild that reloaded: how long the build took, when the code was live.
    QStringList figures() const { return m_figures; }

    //! Rebuilds and waits until the build's library is live (true) or refused (false).
    bool rebuildAndWaitForReload()
    {
        const int versionBefore = m_library->version();
        const int reloadsBefore = m_reloads;
        const int failuresBefore = m_failures;
        LiveDemo::BuildResult result;
        if (!m_demo.buildOrFail(&result))
            return false;

        // The library often reloads before cmake has even exited. Done means
        // the loaded copy is, byte for byte, what the build left behind.
        if (!m_demo.waitUntil([&] { return m_failures != failuresBefore
                                           || (m_reloads > reloadsBefore && loadedIsBuildOutput()); },
                              LiveDemo::ReloadTimeoutMs, QStringLiteral("the reload of the new library"))) {
            return false;
        }
        if (m_failures != failuresBefore)
            return m_demo.fail(QStringLiteral("the new library was refused: ") + m_lastFailure);
        if (m_library->version() != versionBefore + (m_reloads - reloadsBefore))
            return m_demo.fail(QStringLiteral("version() does not count the reloads"));
        if (m_reloads - reloadsBefore > 1) {
            // One build should make one version: say so when it did not.
            m_demo.say(QStringLiteral("   note: %1 reloads for one build (a version was taken before "
                                      "the linker had finished the file)")
                               .arg(m_reloads - reloadsBefore));
        }
        const qint64 afterBuild = m_lastReloadAt - result.finishedAt;
        const QString when = afterBuild >= 0 ? QStringLiteral("%1 ms after cmake exited").arg(afterBuild)
                                             : QStringLiteral("%1 ms before cmake exited").arg(-afterBuild);
        m_demo.say(QStringLiteral("   new code live %1 ms after the build started (%2)")
                           .arg(m_lastReloadAt - result.startedAt)
                           .arg(when));
        m_figures << QStringLiteral("build %1 ms, live %2").arg(result.finishedAt - result.startedAt).arg(when);
        return true;
    }

    //! Rebuilds (the build must succeed) and waits for reloadFailed(); \a reason gets it.
    bool rebuildAndWaitForRefusal(QString *reason)
    {
        const int reloadsBefore = m_reloads;
        const int failuresBefore = m_failures;
        const int versionBefore = m_library->version();
        if (!m_demo.buildOrFail())
            return false;
        if (!m_demo.waitUntil([&] { return m_failures != failuresBefore || m_reloads != reloadsBefore; },
                              LiveDemo::ReloadTimeoutMs, QStringLiteral("reloadFailed() for the new library"))) {
            return false;
        }
        if (m_reloads != reloadsBefore || m_library->version() != versionBefore)
            return m_demo.fail(QStringLiteral("the new library was taken; it should have been refused"));
        *reason = m_lastFailure;
        return true;
    }

    //! True if the loaded copy is, byte for byte, the library file the build left.
    bool loadedIsBuildOutput() const
    {
        QFile built(m_library->fileName());
        QFile loaded(m_library->loadedFileName());
        return built.open(QIODevice::ReadOnly) && loaded.open(QIODevice::ReadOnly)
                && built.readAll() == loaded.readAll();
    }

private:
    LiveDemo &m_demo;
    QHotLibrary *m_library;
    int m_reloads = 0;
    int m_failures = 0;
    qint64 m_lastReloadAt = 0;
    QString m_lastFailure;
    QStringList m_figures;
    QList<QMetaObject::Connection> m_connections;
};

#endif // QHOTEXAMPLES_RELOADWATCH_H
