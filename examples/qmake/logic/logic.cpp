// SPDX-License-Identifier: MIT
//
// The qmake example's hot library. Edit it while the host runs, run make in
// the library's build directory, and the host prints the new answers.

#include "logic.h"

#include <QHotReload/QHotManifest>

int answer()
{
    return LOGIC_VERSION;
}

QString greeting(const QString &who)
{
    return QStringLiteral("hello %1 from liblogic.so, built with LOGIC_VERSION=%2").arg(who).arg(LOGIC_VERSION);
}

// The manifest the host checks every version against: names and signatures.
QHOT_LIBRARY(answer, greeting);
