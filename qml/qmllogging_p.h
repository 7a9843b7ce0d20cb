// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QMLLOGGING_P_H
#define QHOTRELOAD_QMLLOGGING_P_H

#include <QtCore/QLoggingCategory>

// qhotreload.qml: what the QML types do; quiet below warnings by default.
Q_DECLARE_LOGGING_CATEGORY(lcQml)

#endif
