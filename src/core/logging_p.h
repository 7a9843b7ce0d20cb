// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_LOGGING_P_H
#define QHOTRELOAD_LOGGING_P_H

#include <QtCore/QLoggingCategory>

// One category per subsystem, quiet below warnings by default;
// QT_LOGGING_RULES="qhotreload.*=true" turns them all on.
Q_DECLARE_LOGGING_CATEGORY(lcWatcher)
Q_DECLARE_LOGGING_CATEGORY(lcLoader)
Q_DECLARE_LOGGING_CATEGORY(lcSwap)
Q_DECLARE_LOGGING_CATEGORY(lcBuilder)
Q_DECLARE_LOGGING_CATEGORY(lcProbe)

#endif
