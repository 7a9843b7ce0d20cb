// SPDX-License-Identifier: MIT
#ifndef RELOADEVENTS_WORKER_H
#define RELOADEVENTS_WORKER_H

#include <QtCore/QThread>

#include <atomic>

class EventLog;
class QHotReloadBlocker;

// The app's loop, on a thread of its own: tick() every tickMs through the hot
// library, and between two ticks wait for aboutToReload. When it comes, the
// worker holds the swap with the blocker it got, saves the library's state
// with the old code, releases the blocker, waits for the new version,
// restores the state into it, and ticks on. Every step goes to the log.
class CounterWorker : public QThread
{
    Q_OBJECT

public:
    CounterWorker(EventLog &log, int tickMs, QObject *parent = nullptr);
    ~CounterWorker() override;

    //! Ends the loop after the current tick (or wait).
    void requestStop() { m_stop = true; }

    /*!
        After its next tick, the worker waits for aboutToReload() with no
        tick time-out, and goes back to ticking after that reload. Between
        two ticks a reload can land while the worker is inside tick(), where
        it cannot see aboutToReload(); the scripted demo asks for this so
        each reload it triggers is seen.
    */
    void holdForNextReload() { m_holdRequested = true; }
    //! True while the worker waits for aboutToReload() after holdForNextReload().
    bool isHolding() const { return m_holding; }

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
    void carryOver(QHotReloadBlocker &blocker);

    EventLog &m_log;
    const int m_tickMs;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_holdRequested{false};
    std::atomic<bool> m_holding{false};
    std::atomic<int> m_lastValue{0};
    std::atomic<int> m_lastSaved{-1};
    std::atomic<int> m_firstAfterReload{-1};
    std::atomic<int> m_reloadsCarried{0};
    int m_knownVersion = 0;
};

#endif // RELOADEVENTS_WORKER_H
