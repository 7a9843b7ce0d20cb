// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_SHARED_SWAPCYCLE_H
#define QHOTRELOAD_TESTS_SHARED_SWAPCYCLE_H

#include "testsupport.h"

#include <QHotReload/QHotModule>

#include <QtCore/QStringList>

#include <memory>

namespace QHotTestSupport {

/*!
    A watched library file, its module, and swaps through the fixture
    versions given, in turn (1, 2, …, n, 1, …), each written as GNU ld
    writes and waited for. Used where a test keeps something of one version
    and looks at it again after each swap (tests/hostile, tests/redirect).
*/
class SwapCycle
{
public:
    SwapCycle(const QStringList &versions, const QString &fileName)
        : m_versions(versions), m_file(versions.first(), fileName), module(m_file.path8())
    {
    }
    ~SwapCycle() { delete module.library(); }
    Q_DISABLE_COPY_MOVE(SwapCycle)

    //! Loads the first version; false with why() set if it could not.
    bool load()
    {
        if (!m_file.isValid()) {
            m_why = QStringLiteral("cannot set up the watched file");
            return false;
        }
        if (!module.load()) {
            m_why = module.errorString();
            return false;
        }
        m_reloaded = std::make_unique<QSignalSpy>(module.library(), &QHotLibrary::reloaded);
        m_failed = std::make_unique<QSignalSpy>(module.library(), &QHotLibrary::reloadFailed);
        return true;
    }

    //! Replaces the file with the next version as ld does and waits for the swap.
    bool swap()
    {
        ++m_swaps;
        if (!m_file.replaceLikeLd(m_versions.at(m_swaps % m_versions.size()))) {
            m_why = QStringLiteral("cannot replace the library file");
            return false;
        }
        const QDeadlineTimer deadline(Timeout);
        while (m_reloaded->count() < m_swaps && m_failed->isEmpty() && !deadline.hasExpired())
            m_reloaded->wait(int(qMax<qint64>(1, deadline.remainingTime())));
        if (!m_failed->isEmpty()) {
            m_why = m_failed->first().first().toString();
            return false;
        }
        if (m_reloaded->count() != m_swaps) {
            m_why = QStringLiteral("swap %1: no reloaded() within %2 ms").arg(m_swaps).arg(Timeout);
            return false;
        }
        return true;
    }

    //! The version live after the last swap (1 to the number of versions).
    int live() const { return int(m_swaps % m_versions.size()) + 1; }
    //! The version live before the last swap.
    int previous() const { return int((m_swaps + m_versions.size() - 1) % m_versions.size()) + 1; }
    QString why() const { return m_why; }
    QHotLibrary *library() { return module.library(); }

private:
    const QStringList m_versions;
    WatchedLibrary m_file;

public:
    QHotModule module;

private:
    std::unique_ptr<QSignalSpy> m_reloaded;
    std::unique_ptr<QSignalSpy> m_failed;
    int m_swaps = 0;
    QString m_why;
};

} // namespace QHotTestSupport

#endif
