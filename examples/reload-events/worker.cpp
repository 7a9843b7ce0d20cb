// SPDX-License-Identifier: MIT
#include "worker.h"

#include "eventlog.h"
#include "hotcounter.h"


#include <exception>

#if QHOTRELOAD_ENABLED
#include <QHotReload/QHotReloadObserver>
#endif

namespace {
// How long the worker waits for the swap once it released its blocker.
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
    // Made before the first tick: from here on, no swap happens without this
    // thread being told first, even one that lands while it is inside tick().
    QHotReloadObserver observer(library, QHotReloadObserver::HoldReloads);
    m_knownVersion = library->version();
    while (!m_stop) {
        const int value = hot_counter::tick(); // runs on the main thread, between its events
        m_lastValue = value;
        Q_EMIT ticked(value);
        if (library->version() != m_knownVersion) {
            // Cannot happen while the observer holds the swaps; said loudly if it does.
            m_log.record(QStringLiteral("missed"), Worker,
                         QStringLiteral("version %1 was swapped in while this thread was busy in tick(); "
                                        "the count was not carried over (tick() = %2)")
                                 .arg(library->version())
                                 .arg(value));
            m_knownVersion = library->version();
        }
        // Between two ticks the worker waits here, so a reload is seen at
        // once; one that came during tick() is handed over straight away.
        QHotReloadBlocker blocker = observer.waitForAboutToReload(m_tickMs);
        if (blocker)
            carryOver(observer, blocker);
    }
}

void CounterWorker::carryOver(QHotReloadObserver &observer, QHotReloadBlocker &blocker)
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

    // The observer reports the swap even if it is over before this call.
    if (!observer.waitForReload(SwapTimeoutMs)) {
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

void CounterWorker::carryOver(QHotReloadObserver &, QHotReloadBlocker &) { }

#endif // QHOTRELOAD_ENABLED
