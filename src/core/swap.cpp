// SPDX-License-Identifier: MIT
// The last stage of the reload path: a checked version (pending) takes the
// running one's place once nothing holds the swap back; its state crosses,
// its functions are bound, and the old version is retired. It tells through
// report.cpp and calls nothing of the stages before it; the way back after a
// crash is rollback.cpp.
#include "qhotlibrary_p.h"

#include "leftovers_p.h"
#include "logging_p.h"
#include "ownership_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QThread>

using namespace QHotReload::Internal;

void QHotLibraryPrivate::tryFinishSwap()
{
    Q_Q(QHotLibrary);
    if (!pending || swapHeldBack())
        return;
    bool refused = false;
    std::optional<QVariant> state = outgoingState(&refused);
    if (refused)
        return;
    const bool rollback = pending.isRollback;
    if (crashGuard && !rollback) {
        // Remember the way back, should the new version crash.
        QFile copy(current.copyPath);
        lastGood.bytes = copy.open(QIODevice::ReadOnly) ? copy.readAll() : QByteArray();
        lastGood.identity = current.identity;
        lastSavedState = state;
    }

    LoadedVersion old = std::move(current);
    current = std::move(pending);
    pending = {};
    aboutToReloadEmitted = false;
    install(current);
    if (redirectRetired) {
        // Before old is retired: its file (symbol table) is still there, and
        // nothing retired is unloaded yet while it may jump to old.
        const RedirectCount count = redirector.redirect(old, current, filePath);
        qCInfo(lcSwap, "redirected %d functions of %d retired versions (%d skipped)", count.functions,
               count.versions, count.skipped);
    }
    retire(old); // it was live: the application may still hold pointers into it
    tellLeftovers();
    if (rollback)
        rollbackPending = false;
    {
        std::lock_guard lock(sync->mutex);
        sync->version.fetch_add(1);
        sync->updated.store(true);
        ++sync->reloadGeneration;
    }
    sync->cv.notify_all();
    if (state)
        restoreState(std::move(*state));
    qCDebug(lcSwap) << "reloaded" << filePath << "version" << sync->version.load();
    Q_EMIT q->loadedFileNameChanged();
    Q_EMIT q->versionChanged();
    Q_EMIT q->reloaded();
}

// Once a version is retired (still mapped, its objects under the version
// root gone): what the application still holds of retired versions, in
// one warning (leftovers.cpp).
void QHotLibraryPrivate::tellLeftovers()
{
    QElapsedTimer timer;
    timer.start();
    const std::vector<Leftover> found = findLeftovers(retirement.mappedCopies(), [this](quintptr address) {
        return redirectRetired && redirector.isRedirected(address);
    });
    const QString warning = leftoversWarning(filePath, found);
    qCDebug(lcSwap) << "looked for what points into retired versions in" << timer.nsecsElapsed() / 1000 << "us";
    if (!warning.isEmpty())
        qCWarning(lcSwap).noquote() << warning;
}

// Says aboutToReload() once per pending version, then whether anything still
// holds the swap back: a blocker (the last to go calls tryFinishSwap()
// again), or a hot call on this thread's stack (looked at again shortly).
bool QHotLibraryPrivate::swapHeldBack()
{
    Q_Q(QHotLibrary);
    if (!aboutToReloadEmitted) {
        aboutToReloadEmitted = true;
        {
            // Threads waiting for this moment each get a block of their own,
            // counted before anyone can look at the count.
            std::lock_guard lock(sync->mutex);
            ++sync->aboutGeneration;
            sync->blockers += sync->aboutWaiters;
            sync->aboutWaiters = 0;
            sync->countObserverBlocks();
        }
        sync->cv.notify_all();
        qCDebug(lcSwap) << "about to reload" << filePath;
        Q_EMIT q->aboutToReload();
        if (!pending)
            return true; // a slot unloaded the library
    }
    {
        std::lock_guard lock(sync->mutex);
        if (sync->blockers > 0) {
            qCDebug(lcSwap) << "swap waits for" << sync->blockers << "blocker(s)";
            return true;
        }
    }
    if (activeCalls() > 0) {
        // A hot function is on our stack (it runs an event loop): swapping
        // now would pull its code from under it.
        qCDebug(lcSwap) << "swap waits for a hot call to return";
        swapRetryTimer->start();
        return true;
    }
    return false;
}

// The state that crosses to the pending version: the running version's own,
// saved while its code is still here, or a value an earlier version failed
// to restore. When the save hook fails the pending version is refused
// (\a refused): swapping would lose the state for good.
std::optional<QVariant> QHotLibraryPrivate::outgoingState(bool *refused)
{
    if (pending.isRollback) {
        // The crashed version's state is not to be trusted: give the version
        // coming back what it saved itself when it was swapped out.
        return lastSavedState;
    }
    std::optional<QVariant> state = std::move(keptState);
    keptState.reset();
    if (state || !current.manifest || !current.manifest->saveState)
        return state;
    QString why;
    try {
        state = current.manifest->saveState();
    } catch (const std::exception &e) {
        why = QStringLiteral("it threw: %1").arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        why = QStringLiteral("it threw an unknown exception");
    }
    // The saved value may point at the old version's literals: make it own
    // its data before that version is unloaded.
    if (why.isEmpty() && state) {
        QString problem;
        if (!ownVariant(*state, current.copyPath, &problem))
            why = QStringLiteral("the saved state ") + problem;
    }
    if (why.isEmpty())
        return state;
    rejectedIdentity = pending.identity;
    discard(pending);
    aboutToReloadEmitted = false;
    reportFailure(describe(QStringLiteral("was not taken: the running version's save hook failed (%1); "
                                          "the running version keeps its state")
                                   .arg(why)));
    *refused = true;
    return {};
}

// Hands \a state to the version just swapped in. What it cannot take is kept
// and offered to the next version: a failed restore loses nothing.
void QHotLibraryPrivate::restoreState(QVariant state)
{
    Q_Q(QHotLibrary);
    if (!current.manifest || !current.manifest->restoreState) {
        keptState = std::move(state);
        return;
    }
    QString why;
    try {
        if (!current.manifest->restoreState(state))
            why = QStringLiteral("returned false");
    } catch (const std::exception &e) {
        why = QStringLiteral("threw (%1)").arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        why = QStringLiteral("threw an unknown exception");
    }
    if (why.isEmpty())
        return;
    keptState = std::move(state);
    const QString reason = describe(QStringLiteral("version %1: its restore hook %2; the saved state is kept "
                                                   "and offered again at the next reload")
                                            .arg(sync->version.load())
                                            .arg(why));
    qCWarning(lcSwap).noquote() << reason;
    setError(reason);
    Q_EMIT q->stateRestoreFailed(reason);
}

// --- binding -------------------------------------------------------------------

int QHotLibraryPrivate::activeCalls() const
{
    return directCalls + tables->activeCalls();
}

// Points every declared function at \a version and, unless the crash guard
// runs every call, opens the straight call path on this thread.
void QHotLibraryPrivate::install(LoadedVersion &version)
{
    tables->install(version.manifest, version.bindings);
}

// A version that never went live: nothing of the application can point into it.
void QHotLibraryPrivate::discard(LoadedVersion &version)
{
    retirement.discard(version, filePath);
}

// The version being retired is always the one that was live: its number is
// the one other threads still see.
void QHotLibraryPrivate::retire(LoadedVersion &version)
{
    retirement.retire(version, filePath, sync->version.load());
}

void QHotLibraryPrivate::discardAll()
{
    if (current)
        tables->unbindAll();
    discard(pending);
    // No newer version for the retired ones to jump to: their own code again.
    redirector.restoreAll();
    retire(current);
    aboutToReloadEmitted = false;
}
