// SPDX-License-Identifier: MIT
#include <QHotReload/qhotreloadobserver.h>

#include "logging_p.h"
#include "qhotlibrary_p.h"

#include <QtCore/QThread>

#include <algorithm>
#include <chrono>

using namespace QHotReload::Internal;

class QHotReloadObserverPrivate
{
public:
    std::shared_ptr<SyncState> sync; // not the library: it may be destroyed first
    ObserverState state;
    QHotReloadObserver::Options options;

    // With the mutex held. Waiting on the library's own thread would wait for itself.
    bool onLibraryThread(const char *function) const
    {
        if (!sync->owner || sync->owner->thread() != QThread::currentThread())
            return false;
        qCWarning(lcSwap, "QHotReloadObserver::%s: called on the library's own thread, which would wait "
                          "for itself; returning at once",
                  function);
        return true;
    }

    template<typename Arrived>
    void wait(std::unique_lock<std::mutex> &lock, int msecs, Arrived arrived)
    {
        if (msecs < 0)
            sync->cv.wait(lock, arrived);
        else
            sync->cv.wait_for(lock, std::chrono::milliseconds(msecs), arrived);
    }
};

QHotReloadObserver::QHotReloadObserver(QHotLibrary *library, Options options)
    : d(std::make_unique<QHotReloadObserverPrivate>())
{
    Q_ASSERT_X(library, "QHotReloadObserver", "needs a library");
    d->sync = QHotLibraryPrivate::get(library)->sync;
    d->options = options;
    d->state.holds = options.testFlag(HoldReloads);
    std::lock_guard lock(d->sync->mutex);
    d->state.aboutSeen = d->sync->aboutGeneration;
    d->state.reloadSeen = d->sync->reloadGeneration;
    d->sync->observers.push_back(&d->state);
}

QHotReloadObserver::~QHotReloadObserver()
{
    std::lock_guard lock(d->sync->mutex);
    auto &observers = d->sync->observers;
    observers.erase(std::remove(observers.begin(), observers.end(), &d->state), observers.end());
    d->sync->releaseObserverBlock(d->state); // a swap held for us goes on
}

QHotReloadObserver::Options QHotReloadObserver::options() const
{
    return d->options;
}

QHotReloadBlocker QHotReloadObserver::waitForAboutToReload(int msecs)
{
    SyncState &sync = *d->sync;
    ObserverState &state = d->state;
    std::unique_lock lock(sync.mutex);
    if (d->onLibraryThread("waitForAboutToReload"))
        return {};
    // An observer that does not hold is told of swaps that start while it
    // waits; one that holds, also of a swap that has been waiting for it.
    if (!state.holds)
        state.aboutSeen = sync.aboutGeneration;
    state.waitingAbout = true;
    d->wait(lock, msecs, [&] { return state.blockCounted || sync.destroyed; });
    state.waitingAbout = false;
    if (!state.blockCounted)
        return {}; // timed out, or the library is gone
    state.blockCounted = false;
    state.aboutSeen = sync.aboutGeneration;
    // The swap cannot finish before this block goes: the reload to report next
    // is the one that follows.
    state.reloadSeen = sync.reloadGeneration;
    lock.unlock();
    return QHotReloadBlockerPrivate::adopt(d->sync);
}

bool QHotReloadObserver::waitForReload(int msecs)
{
    SyncState &sync = *d->sync;
    ObserverState &state = d->state;
    std::unique_lock lock(sync.mutex);
    if (d->onLibraryThread("waitForReload"))
        return false;
    // Waiting for the reload while holding it back would wait forever.
    if (state.blockCounted) {
        state.aboutSeen = sync.aboutGeneration;
        sync.releaseObserverBlock(state);
    }
    d->wait(lock, msecs, [&] { return sync.reloadGeneration != state.reloadSeen || sync.destroyed; });
    if (sync.reloadGeneration == state.reloadSeen)
        return false;
    state.reloadSeen = sync.reloadGeneration;
    return true;
}

bool QHotReloadObserver::hasReloaded() const
{
    std::lock_guard lock(d->sync->mutex);
    return d->sync->reloadGeneration != d->state.reloadSeen;
}
