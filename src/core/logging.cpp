// SPDX-License-Identifier: MIT
#include "logging_p.h"

Q_LOGGING_CATEGORY(lcWatcher, "qhotreload.watcher", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLoader, "qhotreload.loader", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSwap, "qhotreload.swap", QtWarningMsg)
Q_LOGGING_CATEGORY(lcBuilder, "qhotreload.builder", QtWarningMsg)
Q_LOGGING_CATEGORY(lcProbe, "qhotreload.probe", QtWarningMsg)
