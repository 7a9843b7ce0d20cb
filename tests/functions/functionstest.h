// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_FUNCTIONS_FUNCTIONSTEST_H
#define QHOTRELOAD_TESTS_FUNCTIONS_FUNCTIONSTEST_H

// Shared by the hot-function suites: the watched libgame.so and a module with
// a callable for every function of gamelib.h. Fixture paths, the writers and
// the joiner come from tests/shared/testsupport.h, named here.

#include "gamelib.h"
#include "testsupport.h"

#include <QHotReload/QHotModule>

#include <QtCore/QString>

namespace QHotFunctionsTest {

using QHotTestSupport::fixture;
using QHotTestSupport::Joiner;
using QHotTestSupport::readFile;
using QHotTestSupport::Timeout;
using QHotTestSupport::writeLikeLd;
using QHotTestSupport::writeRenameOver;

//! A fresh directory with libgame.so, copied from \a firstVersion.
class WatchedLibrary : public QHotTestSupport::WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion)
        : QHotTestSupport::WatchedLibrary(firstVersion, QStringLiteral("libgame.so"))
    {
    }
};

/*!
    Every function of gamelib.h as a hot callable of one module, made the way
    QHOT_FUNCTION makes them (that macro ties a module to a namespace, and the
    tests want a fresh module on a fresh file each).
*/
struct GameModule
{
    explicit GameModule(const char *libraryPath) : module(libraryPath) {}
    ~GameModule()
    {
        // The library is a child of the application and would outlive the
        // callables it writes to; take it down first.
        delete module.library();
    }
    Q_DISABLE_COPY_MOVE(GameModule)

    QHotModule module;
    QHotFunction<decltype(::game::step)> step{module, "game::step"};
    QHotFunction<decltype(::game::value)> value{module, "game::value"};
    QHotFunction<decltype(::answer)> answer{module, "answer"};
    QHotFunction<decltype(::a::value)> valueA{module, "a::value"};
    QHotFunction<decltype(::b::value)> valueB{module, "b::value"};
    QHotFunction<decltype(::greeting)> greeting{module, "greeting"};
    QHotFunction<decltype(::consume)> consume{module, "consume"};
    QHotFunction<decltype(::bump)> bump{module, "bump"};
    QHotFunction<decltype(::runNested)> runNested{module, "runNested"};
    QHotFunction<decltype(::fail)> fail{module, "fail"};
    QHotFunction<decltype(::counted)> counted{module, "counted"};
    QHotFunction<decltype(::countedCalls)> countedCalls{module, "countedCalls"};
    QHotFunction<decltype(::add)> add{module, "add"};
};

} // namespace QHotFunctionsTest

#endif
