// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_SYNC_P_H
#define QHOTRELOAD_SYNC_P_H

#include <QHotReload/qhotlibrary.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

// The part of the swap stage other threads see: who holds a swap back
// (blockers, observers), and what waiting threads wait for.

namespace QHotReload::Internal {

//! What a QHotReloadObserver has been told; guarded by SyncState::mutex.
struct ObserverState
{
    bool holds = false;          // HoldReloads: every swap waits for it
    bool waitingAbout = false;   // inside waitForAboutToReload()
    bool blockCounted = false;   // a block counted for it at aboutToReload(), not yet picked up
    quint64 aboutSeen = 0;       // aboutGeneration it was last told of
    quint64 reloadSeen = 0;      // reloadGeneration it was last told of
};

/*!
    What other threads may touch: blocker count, wait generations, version.
    Shared with every blocker so a blocker may outlive its library.
*/
struct SyncState
{
    std::mutex mutex;
    std::condition_variable cv;
    QHotLibrary *owner = nullptr;     // cleared when the library is destroyed
    // Queues the swap on the owner's thread; called (mutex held) while owner is set.
    std::function<void()> wakeOwner;
    int blockers = 0;                 // live blocks (QHotReloadBlocker shares)
    int aboutWaiters = 0;             // threads in waitForAboutToReload()
    quint64 aboutGeneration = 0;      // counts aboutToReload()
    quint64 reloadGeneration = 0;     // counts reloaded()
    bool destroyed = false;
    // Per thread: the reload count when it last got aboutToReload, so its next
    // waitForReload() also sees a swap that finished before it started waiting.
    std::unordered_map<std::thread::id, quint64> aboutSeenAt;
    std::vector<ObserverState *> observers;
    std::atomic<int> version{0};
    std::atomic<bool> updated{false};

    //! Called with the mutex held when the last block goes.
    void lastBlockReleased();
    //! With the mutex held, as aboutToReload() is emitted: a block for each
    //! observer that holds reloads or is waiting for this moment.
    void countObserverBlocks();
    //! With the mutex held: gives back a block counted for an observer.
    void releaseObserverBlock(ObserverState &observer);
};

} // namespace QHotReload::Internal

class QHotReloadBlockerPrivate
{
public:
    explicit QHotReloadBlockerPrivate(std::shared_ptr<QHotReload::Internal::SyncState> s)
        : sync(std::move(s)) {}
    ~QHotReloadBlockerPrivate();

    //! A blocker for a block already counted in \a sync.
    static QHotReloadBlocker adopt(const std::shared_ptr<QHotReload::Internal::SyncState> &sync);

    std::shared_ptr<QHotReload::Internal::SyncState> sync;
};

#endif
