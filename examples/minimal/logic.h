// SPDX-License-Identifier: MIT
#ifndef MINIMAL_LOGIC_H
#define MINIMAL_LOGIC_H

#include <QtCore/QString>

// The hot functions of minimal_logic: ordinary C++ functions in a namespace.
// The library defines them (logic.cpp); the app declares callables of the
// same names and signatures from this header (hotlogic.h) and never links
// the library. A rebuild of the library with another signature here is
// refused while the app runs: the app was compiled against this one.
namespace logic {

// What the app shows as the library's output.
QString greeting();

// The next value of the app's counter. The counter lives in the app, which
// is why it survives every reload of the library.
int step(int counter);

} // namespace logic

#endif // MINIMAL_LOGIC_H
