// SPDX-License-Identifier: MIT
#ifndef RELOADEVENTS_WORKER_H
#define RELOADEVENTS_WORKER_H

#include <QtCore/QThread>

#include <atomic>

class EventLog;
class QHotReloadBlocker;
class QHotReloadObserver;

// The app's loop, on a thread of its own: tick() every tickMs through the hot
// library, and between two ticks wait for aboutToReload. The worker's
// QHotReloadObserver holds every swap until the worker has been told, so a
// rebuild that lands while it is inside tick() waits for the end of that
// tick. Told, the worker saves the library's state with the old code,
// releases the blocker, waits for the new version, restores the state into
// it, and ticks on. Every step goes to the log.
class CounterWorker : public QThread
{
    Q_OBJECT

public:
    CounterWorker(EventLog &log, int tickMs, QObject *parent = nullptr);
    ~CounterWorker() override;

    //! Ends the loop after the current tick (or wait).
    void requestStop() { m_stop = true; }

    int lastValue() const { return m_lastValue; }
    //! The count saved with the old code at the last reload, and tick() right after restoring it.
    int lastSaved() const { return m_lastSaved; }
    int firstAfterReload() const { return m_firstAfterReload; }
    int reloadsCarried() const { return m_reloadsCarried; }

Q_SIGNALS:
    //! Emitted from the worker thread after each tick.
    void ticked(int value);

protected:
    void run() override;

private:
    void loop();
    void carryOver(QHotReloadObserver &observer, QHotReloadBlocker &blocker);

    EventLog &m_log;
    const int m_tickMs;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_lastValue{0};
    std::atomic<int> m_lastSaved{-1};
    std::atomic<int> m_firstAfterReload{-1};
    std::atomic<int> m_reloadsCarried{0};
    int m_knownVersion = 0;
};

#endif // RELOADEVENTS_WORKER_H
