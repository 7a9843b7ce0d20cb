// SPDX-License-Identifier: MIT
//
// The consumer's hot library, built twice when hot reload is on: LOGIC_VERSION
// 1 is the library the host loads, 2 the rebuild it swaps in.

#include "logic.h"

#include <QHotReload/QHotManifest>

int logicVersion()
{
    return LOGIC_VERSION;
}

QString greeting(const QString &who)
{
    return QStringLiteral("hello %1 from version %2").arg(who).arg(LOGIC_VERSION);
}

QHOT_LIBRARY(logicVersion, greeting);
