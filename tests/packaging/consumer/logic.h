// SPDX-License-Identifier: MIT
#ifndef CONSUMER_LOGIC_H
#define CONSUMER_LOGIC_H

// The consumer's hot functions: the library defines them, the host declares
// its callables from this header (QHOT_MODULE) and never links them when hot.

#include <QtCore/QString>

int logicVersion();
QString greeting(const QString &who);

#endif // CONSUMER_LOGIC_H
