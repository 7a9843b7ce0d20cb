// SPDX-License-Identifier: MIT
//
// The consumer's hot library, built twice when hot reload is on: LOGIC_VERSION
// 1 is the library the host loads, 2 the rebuild it swaps in.

#include "logic.h"

#include <QHotReload/QHotManifest>
#include <QHotReload/QHotState>

// Through qhotstate.h's conversions, which come from the installed static
// QHotReload::State (linked with QHotReload::Headers: a hot library links no
// runtime, hot or not): an entry with no property is one problem reported.
int logicVersion()
{
    QObject object;
    const QStringList problems =
            QHotReload::assignFromVariantMap(&object, QVariantMap{{QStringLiteral("removedField"), 1}});
    return problems.size() == 1 ? LOGIC_VERSION : -1;
}

QString greeting(const QString &who)
{
    return QStringLiteral("hello %1 from version %2").arg(who).arg(LOGIC_VERSION);
}

QHOT_LIBRARY(logicVersion, greeting);
