// SPDX-License-Identifier: MIT
// An application built with hot reload switched off: the game library is
// linked statically (QHOTRELOAD_STATIC), the hot callables are the plain
// functions, and no QHotReload runtime is linked. Prints what it got and
// exits with 0 only if every value is the one the plain functions give.

#include "gamelib.h"

#include <QHotReload/QHotModule>

#include <QtCore/QTextStream>

static_assert(QHOTRELOAD_ENABLED == 0, "this host must be built with QHOTRELOAD_STATIC");

QHOT_MODULE(hot_global, "game", answer, greeting);

namespace hot_game {
QHOT_MODULE_LIBRARY("game");
QHOT_FUNCTION(step, game::step);
QHOT_FUNCTION(valueA, a::value);
QHOT_FUNCTION(valueB, b::value);
} // namespace hot_game

// One name: the variadic helpers must not trip -Wpedantic with a single function.
QHOT_MODULE_SCOPED(hot_scoped, "game", game, value);

int main()
{
    if (!hot_game::hotModule().load() || !hot_global::hotModule().load())
        return 1;
    game::State state{0};
    hot_game::step(state);
    const int answer = hot_global::answer();
    const int a = hot_game::valueA();
    const int b = hot_game::valueB();
    const int value = hot_scoped::value(state);
    const QString greeting = hot_global::greeting(QStringLiteral("static"));

    QTextStream(stdout) << "answer=" << answer << " a=" << a << " b=" << b << " value=" << value
                        << " greeting=" << greeting << '\n';
    const bool right = answer == 41 && a == 101 && b == 201 && value == 1001
            && greeting == QStringLiteral("hello static from v1");
    return right ? 0 : 2;
}
