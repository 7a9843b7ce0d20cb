// SPDX-License-Identifier: MIT
#include "sync_p.h"

namespace QHotReload::Internal {

void SyncState::lastBlockReleased()
{
    if (owner && wakeOwner)
        wakeOwner();
}

void SyncState::countObserverBlocks()
{
    for (ObserverState *observer : observers) {
        if ((observer->holds || observer->waitingAbout) && !observer->blockCounted) {
            observer->blockCounted = true;
            ++blockers;
        }
    }
}

void SyncState::releaseObserverBlock(ObserverState &observer)
{
    if (!observer.blockCounted)
        return;
    observer.blockCounted = false;
    if (--blockers == 0)
        lastBlockReleased();
}

} // namespace QHotReload::Internal

using namespace QHotReload::Internal;

QHotReloadBlockerPrivate::~QHotReloadBlockerPrivate()
{
    std::lock_guard lock(sync->mutex);
    if (--sync->blockers == 0)
        sync->lastBlockReleased();
}

QHotReloadBlocker::QHotReloadBlocker() noexcept = default;
QHotReloadBlocker::~QHotReloadBlocker() = default;
QHotReloadBlocker::QHotReloadBlocker(const QHotReloadBlocker &other) noexcept = default;
QHotReloadBlocker &QHotReloadBlocker::operator=(const QHotReloadBlocker &other) noexcept = default;
QHotReloadBlocker::QHotReloadBlocker(QHotReloadBlocker &&other) noexcept = default;
QHotReloadBlocker &QHotReloadBlocker::operator=(QHotReloadBlocker &&other) noexcept = default;
QHotReloadBlocker::QHotReloadBlocker(std::shared_ptr<QHotReloadBlockerPrivate> dd) noexcept
    : d(std::move(dd)) {}

bool QHotReloadBlocker::isValid() const noexcept
{
    return d != nullptr;
}

void QHotReloadBlocker::release() noexcept
{
    d.reset();
}

QHotReloadBlocker QHotReloadBlockerPrivate::adopt(const std::shared_ptr<SyncState> &sync)
{
    return QHotReloadBlocker(std::make_shared<QHotReloadBlockerPrivate>(sync));
}
