// SPDX-License-Identifier: MIT
#include "worker.h"

#include "eventlog.h"
#include "hotcounter.h"

#include <QtCore/QDeadlineTimer>

#include <exception>

namespace {
// How long a held worker waits for the reload it was told is coming (a
// rebuild), and for the swap once it released its blocker.
constexpr int HoldTimeoutMs = 5 * 60 * 1000;
constexpr int SwapTimeoutMs = 30 * 1000;
const QString Worker = QStringLiteral("worker");
} // namespace

CounterWorker::CounterWorker(EventLog &log, int tickMs, QObject *parent)
    : QThread(parent), m_log(log), m_tickMs(tickMs)
{
    setObjectName(QStringLiteral("counter worker"));
}

CounterWorker::~CounterWorker()
{
    requestStop();
    wait();
}

void CounterWorker::run()
{
    try {
        loop();
    } catch (const std::exception &e) {
        // QHotCallError: the main thread did not take the call (it was gone, or waiting for us).
        m_log.record(QStringLiteral("error"), Worker, QStringLiteral("stopped: %1").arg(QString::fromLocal8Bit(e.what())));
    }
}

#if QHOTRELOAD_ENABLED

void CounterWorker::loop()
{
    QHotLibrary *library = hot_counter::hotModule().library();
    m_knownVersion = library->version();
    while (!m_stop) {
        const int value = hot_counter::tick(); // runs on the main thread, between its events
        m_lastValue = value;
        Q_EMIT ticked(value);
        if (library->version() != m_knownVersion) {
            // The swap happened while this thread was inside tick(), not in
            // waitForAboutToReload(): nothing held it, nothing was saved.
            m_log.record(QStringLiteral("missed"), Worker,
                         QStringLiteral("version %1 was swapped in while this thread was busy in tick(); "
                                        "the count was not carried over (tick() = %2)")
                                 .arg(library->version())
                                 .arg(value));
            m_knownVersion = library->version();
        }

        const bool hold = m_holdRequested.exchange(false);
        if (hold) {
            m_log.record(QStringLiteral("holding"), Worker,
                         QStringLiteral("tick() = %1; now waiting in waitForAboutToReload()").arg(value));
        }
        m_holding = hold;
        // Between two ticks the worker sleeps here, so a reload that lands
        // meanwhile is seen at once.
        QHotReloadBlocker blocker = library->waitForAboutToReload(hold ? HoldTimeoutMs : m_tickMs);
        m_holding = false;
        if (blocker)
            carryOver(blocker);
        else if (hold)
            m_log.record(QStringLiteral("timeout"), Worker, QStringLiteral("no aboutToReload() came"));
    }
}

void CounterWorker::carryOver(QHotReloadBlocker &blocker)
{
    QHotLibrary *library = hot_counter::hotModule().library();
    const int oldVersion = library->version();
    m_log.record(QStringLiteral("blocker"), Worker,
                 QStringLiteral("waitForAboutToReload() returned a blocker: the swap waits for it"));

    // The old code writes its own state; the new code may not know its layout.
    const QVariantMap saved = hot_counter::saveState();
    const int count = saved.value(QStringLiteral("count")).toInt();
    m_lastSaved = count;
    m_log.record(QStringLiteral("saved"), Worker,
                 QStringLiteral("saveState() with version %1's code: count=%2").arg(oldVersion).arg(count));

    // Logged first: once released, the swap may happen before this thread runs again.
    m_log.record(QStringLiteral("released"), Worker, QStringLiteral("releases the blocker"));
    blocker.release();

    // waitForReload() waits for the next swap from the moment it is called,
    // and this one may be done already: ask version() around it.
    QDeadlineTimer deadline(SwapTimeoutMs);
    while (library->version() == oldVersion && !deadline.hasExpired())
        library->waitForReload(50);
    if (library->version() == oldVersion) {
        m_log.record(QStringLiteral("timeout"), Worker, QStringLiteral("the swap did not happen"));
        return;
    }
    m_knownVersion = library->version();
    m_log.record(QStringLiteral("swapped"), Worker,
                 QStringLiteral("waitForReload(): version %1 is live").arg(m_knownVersion));

    hot_counter::restoreState(saved);
    m_log.record(QStringLiteral("restored"), Worker,
                 QStringLiteral("restoreState(count=%1) into version %2").arg(count).arg(m_knownVersion));

    const int next = hot_counter::tick();
    m_lastValue = next;
    m_firstAfterReload = next;
    ++m_reloadsCarried;
    Q_EMIT ticked(next);
    m_log.record(QStringLiteral("newcode"), Worker,
                 QStringLiteral("tick() = %1 with version %2's code").arg(next).arg(m_knownVersion));
}

#else // QHOTRELOAD_ENABLED

// Hot reload is off: the functions are linked in, nothing is ever swapped.
void CounterWorker::loop()
{
    while (!m_stop) {
        m_lastValue = hot_counter::tick();
        Q_EMIT ticked(m_lastValue);
        QThread::msleep(m_tickMs); // the loop's pace, not a synchronization
    }
}

void CounterWorker::carryOver(QHotReloadBlocker &) { }

#endif // QHOTRELOAD_ENABLED
