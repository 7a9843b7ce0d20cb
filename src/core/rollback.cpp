// SPDX-License-Identifier: MIT
// The crash guard's way back: a hot call that crashed under the guard marks
// its version as not to be taken again, and the last good version's bytes go
// through the reload path once more (take(), as a rollback), so the swap
// stage needs no way of its own.
#include "qhotlibrary_p.h"

#include "crashguard_p.h"
#include "logging_p.h"

using namespace QHotReload::Internal;

bool QHotLibraryPrivate::callGuarded(void (*thunk)(void *), void *context, const QString &function)
{
    if (rollbackPending) {
        qCWarning(lcSwap).noquote() << "not calling" << function << "of" << filePath
                                    << "- its version crashed and is being replaced";
        return false;
    }
    // The crashed frames never return, so their call-depth counters never go
    // back down: remember them.
    const QList<QHotModule::Slot *> slots = tables->allSlots();
    std::vector<int> depths;
    for (const QHotModule::Slot *slot : slots)
        depths.push_back(*slot->depth);
    const int direct = directCalls;
    int signal = 0;
    if (runGuarded(thunk, context, &signal))
        return true;
    for (qsizetype i = 0; i < slots.size(); ++i)
        *slots.at(i)->depth = depths.at(size_t(i));
    directCalls = direct;
    handleCrash(function, signal);
    return false;
}

void QHotLibraryPrivate::handleCrash(const QString &function, int signal)
{
    Q_Q(QHotLibrary);
    const QString signalText = signalName(signal);
    QString reason = describe(QStringLiteral("version %1 crashed in '%2' with %3")
                                      .arg(sync->version.load())
                                      .arg(function, signalText));
    // Not loaded again until its file changes.
    rejectedIdentity = current.identity;
    const bool canRollBack = !lastGood.bytes.isEmpty();
    reason += canRollBack ? QStringLiteral("; rolling back to the version before it")
                          : QStringLiteral("; there is no earlier version to roll back to");
    qCWarning(lcSwap).noquote() << reason;
    setError(reason);
    Q_EMIT q->crashed(function, signalText, reason);
    if (!canRollBack)
        return;

    Snapshot snapshot;
    snapshot.exists = true;
    snapshot.bytes = std::move(lastGood.bytes);
    snapshot.identity = lastGood.identity;
    snapshot.readiness = {Readiness::Ready, QString()};
    lastGood = {};
    stopBackground(); // a new build being read or copied: the rollback comes first
    if (pending) {
        discard(pending); // whatever waited behind blockers: the rollback comes first too
        aboutToReloadEmitted = false;
    }
    rollbackPending = true;
    QString why;
    // Swaps now, or as soon as no hot call is on the stack.
    if (!take(snapshot, &why, nullptr, Origin::Rollback)) {
        rollbackPending = false;
        reportFailure(describe(QStringLiteral("cannot roll back after the crash: ")) + why);
    }
}
