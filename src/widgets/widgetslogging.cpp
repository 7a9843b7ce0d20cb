// SPDX-License-Identifier: MIT
#include "widgetslogging_p.h"

Q_LOGGING_CATEGORY(lcHotWidget, "qhotreload.widgets", QtWarningMsg)
Q_LOGGING_CATEGORY(lcForm, "qhotreload.form", QtWarningMsg)
