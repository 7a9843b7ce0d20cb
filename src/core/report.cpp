// SPDX-License-Identifier: MIT
// What QHotLibrary tells: a reason names the library's file, errorString()
// follows the last problem, and a refused version is a warning and
// reloadFailed(). Every stage tells through these; they call none.
#include "qhotlibrary_p.h"

#include "logging_p.h"

#include <QtCore/QDir>

QString QHotLibraryPrivate::describe(const QString &what) const
{
    return QDir::toNativeSeparators(filePath) + QLatin1Char(' ') + what;
}

void QHotLibraryPrivate::setError(const QString &e)
{
    Q_Q(QHotLibrary);
    if (error == e)
        return;
    error = e;
    Q_EMIT q->errorStringChanged();
}

void QHotLibraryPrivate::reportFailure(const QString &reason)
{
    Q_Q(QHotLibrary);
    qCWarning(lcLoader).noquote() << "reload refused:" << reason;
    setError(reason);
    Q_EMIT q->reloadFailed(reason);
}
