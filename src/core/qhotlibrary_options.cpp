// SPDX-License-Identifier: MIT
// QHotLibrary's safety settings: what a version must export, how long
// retired copies are kept, who may write the file, the crash guard and the
// trial load. The reload path itself is in qhotlibrary.cpp.
#include "qhotlibrary_p.h"

#include "crashguard_p.h"
#include "logging_p.h"

using namespace QHotReload::Internal;

QStringList QHotLibrary::requiredSymbols() const
{
    Q_D(const QHotLibrary);
    return d->requiredSymbols;
}

void QHotLibrary::setRequiredSymbols(const QStringList &symbols)
{
    Q_D(QHotLibrary);
    if (d->requiredSymbols == symbols)
        return;
    d->requiredSymbols = symbols;
    Q_EMIT requiredSymbolsChanged();
}

qint64 QHotLibrary::retiredBudget() const
{
    Q_D(const QHotLibrary);
    return d->retirement.budget();
}

void QHotLibrary::setRetiredBudget(qint64 bytes)
{
    Q_D(QHotLibrary);
    bytes = qMax<qint64>(0, bytes);
    if (bytes == d->retirement.budget())
        return;
    d->retirement.setBudget(bytes);
    Q_EMIT retiredBudgetChanged();
}

bool QHotLibrary::redirectRetired() const
{
    Q_D(const QHotLibrary);
    return d->redirectRetired;
}

void QHotLibrary::setRedirectRetired(bool enabled)
{
    Q_D(QHotLibrary);
    enabled = enabled && Redirector::isSupported();
    if (d->redirectRetired == enabled)
        return;
    d->redirectRetired = enabled;
    if (!enabled) {
        const int restored = d->redirector.restoreAll();
        qCDebug(lcSwap).noquote() << "redirection off:" << restored << "retired entry points run their own code again";
    }
    Q_EMIT redirectRetiredChanged();
}

bool QHotLibrary::allowWritableByOthers() const
{
    Q_D(const QHotLibrary);
    return d->allowWritableByOthers;
}

void QHotLibrary::setAllowWritableByOthers(bool allow)
{
    Q_D(QHotLibrary);
    d->allowWritableByOthers = allow;
}

bool QHotLibrary::crashGuard() const
{
    Q_D(const QHotLibrary);
    return d->crashGuard;
}

bool QHotLibrary::setCrashGuard(bool enabled)
{
    Q_D(QHotLibrary);
    if (d->crashGuard == enabled)
        return true;
    if (enabled) {
        QString error;
        if (!armCrashGuard(&error)) {
            qCWarning(lcSwap).noquote() << error;
            d->setError(error);
            return false;
        }
    }
    d->crashGuard = enabled;
    if (enabled) {
        d->tables->guardedCall = [d](void (*thunk)(void *), void *context, const QString &function) {
            return d->callGuarded(thunk, context, function);
        };
    } else {
        d->tables->guardedCall = nullptr;
    }
    // Calls take the slow path, which runs them under the guard (or, with the
    // guard off, opens the straight path again).
    d->tables->closeStraightPath();
    Q_EMIT crashGuardChanged();
    return true;
}

bool QHotLibrary::trialLoad() const
{
    Q_D(const QHotLibrary);
    return d->trialLoad;
}

void QHotLibrary::setTrialLoad(bool enabled)
{
    Q_D(QHotLibrary);
    if (d->trialLoad == enabled)
        return;
    d->trialLoad = enabled;
    Q_EMIT trialLoadChanged();
}

int QHotLibrary::trialLoadTimeout() const
{
    Q_D(const QHotLibrary);
    return d->trialLoadTimeout;
}

void QHotLibrary::setTrialLoadTimeout(int msecs)
{
    Q_D(QHotLibrary);
    msecs = qMax(1, msecs);
    if (d->trialLoadTimeout == msecs)
        return;
    d->trialLoadTimeout = msecs;
    Q_EMIT trialLoadTimeoutChanged();
}
