// SPDX-License-Identifier: MIT
#ifndef QMLEXAMPLE_LOGIC_H
#define QMLEXAMPLE_LOGIC_H

#include <QtCore/QString>

// The hot functions of qml_logic. The QML app calls them by name through
// HotLibrary.call() and HotCall; their argument and return types are built-in
// QMetaTypes, which is what a call from QML can pass.
namespace logic {

// What the app shows for its counter.
QString greeting(int counter);

// The counter's next value. The counter lives in the QML app (a property of
// its window), which is why it survives every reload of the library.
int step(int counter);

} // namespace logic

#endif // QMLEXAMPLE_LOGIC_H
