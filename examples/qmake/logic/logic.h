// SPDX-License-Identifier: MIT
#ifndef QMAKE_EXAMPLE_LOGIC_H
#define QMAKE_EXAMPLE_LOGIC_H

// The hot functions. The library defines them; the host includes this header
// only for the declarations its QHOT_MODULE callables are made from.

#include <QtCore/QString>

int answer();
QString greeting(const QString &who);

#endif // QMAKE_EXAMPLE_LOGIC_H
