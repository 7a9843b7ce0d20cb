// SPDX-License-Identifier: MIT
#include "qmllogging_p.h"

Q_LOGGING_CATEGORY(lcQml, "qhotreload.qml", QtWarningMsg)
