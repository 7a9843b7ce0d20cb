// SPDX-License-Identifier: MIT
// QHotLibrary's functions for other threads: holding a swap back and waiting
// for one (the shared state they wait on is sync.cpp's SyncState).
#include "qhotlibrary_p.h"

#include "logging_p.h"

#include <chrono>
#include <thread>

using namespace QHotReload::Internal;

QHotReloadBlocker QHotLibrary::blockReload()
{
    Q_D(QHotLibrary);
    {
        std::lock_guard lock(d->sync->mutex);
        ++d->sync->blockers;
    }
    return QHotReloadBlockerPrivate::adopt(d->sync);
}

QHotReloadBlocker QHotLibrary::waitForAboutToReload(int msecs)
{
    Q_D(QHotLibrary);
    if (d->onOwnerThread()) {
        qCWarning(lcSwap, "QHotLibrary::waitForAboutToReload: called on the library's own thread, "
                          "which would wait for itself; returning at once");
        return {};
    }
    // Hold the shared state, not the library: it may be destroyed meanwhile.
    const std::shared_ptr<SyncState> sync = d->sync;
    std::unique_lock lock(sync->mutex);
    if (sync->destroyed)
        return {};
    const quint64 generation = sync->aboutGeneration;
    ++sync->aboutWaiters;
    const auto arrived = [&] { return sync->aboutGeneration != generation || sync->destroyed; };
    if (msecs < 0)
        sync->cv.wait(lock, arrived);
    else
        sync->cv.wait_for(lock, std::chrono::milliseconds(msecs), arrived);
    if (sync->aboutGeneration == generation) {
        --sync->aboutWaiters; // timed out or destroyed: no block was counted for us
        return {};
    }
    sync->aboutSeenAt[std::this_thread::get_id()] = sync->reloadGeneration;
    lock.unlock();
    // Adopt the block counted for us when aboutToReload() was emitted.
    return QHotReloadBlockerPrivate::adopt(sync);
}

bool QHotLibrary::waitForReload(int msecs)
{
    Q_D(QHotLibrary);
    if (d->onOwnerThread()) {
        qCWarning(lcSwap, "QHotLibrary::waitForReload: called on the library's own thread, "
                          "which would wait for itself; returning at once");
        return false;
    }
    const std::shared_ptr<SyncState> sync = d->sync;
    std::unique_lock lock(sync->mutex);
    quint64 generation = sync->reloadGeneration;
    // After waitForAboutToReload() on this thread, the reload to wait for is
    // the one that followed it, even if it is done already.
    if (const auto seen = sync->aboutSeenAt.find(std::this_thread::get_id()); seen != sync->aboutSeenAt.end()) {
        generation = seen->second;
        sync->aboutSeenAt.erase(seen);
    }
    const auto arrived = [&] { return sync->reloadGeneration != generation || sync->destroyed; };
    if (msecs < 0)
        sync->cv.wait(lock, arrived);
    else
        sync->cv.wait_for(lock, std::chrono::milliseconds(msecs), arrived);
    return sync->reloadGeneration != generation;
}
