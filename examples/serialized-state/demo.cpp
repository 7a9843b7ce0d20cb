// SPDX-License-Identifier: MIT
#include "demo.h"

#include "hotworld.h"
#include "livedemo.h"
#include "statetext.h"

#if QHOTRELOAD_ENABLED
#include "reloadwatch.h"
#endif

#include <QtCore/QMutex>

#include <utility>

namespace {

// What the demo saw logged in the qhotreload.* categories (the library's
// qhotreload.state warnings among them), printed in the demo's own style.
LiveDemo *g_demo = nullptr;
QtMessageHandler g_previousHandler = nullptr;
QMutex g_logMutex;
QStringList g_logged;

void messageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (g_demo && context.category && qstrncmp(context.category, "qhotreload.", 11) == 0) {
        {
            QMutexLocker lock(&g_logMutex);
            g_logged << message;
        }
        g_demo->say(QStringLiteral("   log %1: %2").arg(QString::fromLatin1(context.category), message));
        return;
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

// Steps the app's state \a count times, printing each new state.
void steps(LiveDemo &demo, QVariantMap *state, int count)
{
    for (int i = 0; i < count; ++i) {
        *state = hot_world::step(*state);
        demo.say(QStringLiteral("   step() -> ") + stateText(*state));
    }
}

bool expectValue(LiveDemo &demo, const QVariantMap &state, const QString &field, const QVariant &expected)
{
    const QVariant value = state.value(field);
    if (value.metaType() != expected.metaType() || value != expected) {
        return demo.fail(QStringLiteral("expected %1=%2 (%3), got %4 (%5)")
                                 .arg(field, expected.toString(), QString::fromLatin1(expected.typeName()),
                                      value.toString(), QString::fromLatin1(value.typeName())));
    }
    return true;
}

#if QHOTRELOAD_ENABLED

QStringList takeLogged()
{
    QMutexLocker lock(&g_logMutex);
    return std::exchange(g_logged, {});
}

// The struct gains `friction`, loses `direction`, and `position` becomes a
// double; step() uses the new field.
QList<LiveDemo::Replacement> structEdit()
{
    return {
        { QStringLiteral("Q_PROPERTY(int position MEMBER position)"),
          QStringLiteral("Q_PROPERTY(double position MEMBER position)") },
        { QStringLiteral("Q_PROPERTY(QString direction MEMBER direction)"),
          QStringLiteral("Q_PROPERTY(double friction MEMBER friction)") },
        { QStringLiteral("    int position = 0;"), QStringLiteral("    double position = 0;") },
        { QStringLiteral("    QString direction = QString::fromUtf8(\"right\");"),
          QStringLiteral("    double friction = 0.5;") },
        { QStringLiteral("walker.position += walker.speed;"),
          QStringLiteral("walker.position += walker.speed * walker.friction;") },
    };
}

bool run(LiveDemo &demo)
{
    demo.say(QStringLiteral("serialized-state: the scripted QHotReload demo (no display, or --demo)"));
    demo.say(QStringLiteral("   the app keeps its state as a QVariantMap; the library reads it into its own "
                            "Q_GADGET struct (fromVariantMap) and writes it back (toVariantMap)"));

    demo.say(QStringLiteral("1. Build serialized_state_logic from world.cpp (usually up to date already)"));
    if (!demo.startFromPristine() || !demo.buildOrFail())
        return false;

    demo.say(QStringLiteral("2. Load it and step the app's state three times with version 1"));
    if (!hot_world::hotModule().load())
        return demo.fail(hot_world::hotModule().errorString());
    QHotLibrary *library = hot_world::hotModule().library();
    ReloadWatch watch(demo, library);
    QVariantMap state; // the app's whole state: empty, so the library's defaults fill it
    demo.say(QStringLiteral("   version %1, app state ").arg(library->version()) + stateText(state));
    steps(demo, &state, 3);
    if (!expectValue(demo, state, QStringLiteral("position"), 6)
        || !expectValue(demo, state, QStringLiteral("direction"), QStringLiteral("right"))
        || !expectValue(demo, state, QStringLiteral("steps"), 3))
        return false;
    demo.say(QStringLiteral("   the library's own counter: stepsServed() = %1").arg(hot_world::stepsServed()));
    if (hot_world::stepsServed() != 3)
        return demo.fail(QStringLiteral("expected stepsServed() = 3"));

    demo.say(QStringLiteral("3. Edit the build's copy of world.cpp: Walker gains `double friction = 0.5`, "
                            "loses `QString direction`, and `position` goes from int to double"));
    if (!demo.edit(QStringLiteral("world.cpp"), structEdit()))
        return false;
    demo.say(QStringLiteral("4. Rebuild; the running app picks the new library up"));
    if (!watch.rebuildAndWaitForReload())
        return false;
    const int restored = hot_world::stepsServed();
    demo.say(QStringLiteral("   stepsServed() = %1 in version %2: saved by version %3's QHOT_LIBRARY_STATE "
                            "hook, restored by the new one's")
                     .arg(restored)
                     .arg(library->version())
                     .arg(library->version() - 1));
    if (restored != 3)
        return demo.fail(QStringLiteral("the library's own state did not survive the reload"));

    demo.say(QStringLiteral("5. Step the same app state with version %1").arg(library->version()));
    demo.say(QStringLiteral("   app state ") + stateText(state));
    takeLogged();
    steps(demo, &state, 1);
    const QStringList problems = hot_world::lastProblems();
    for (const QString &problem : problems)
        demo.say(QStringLiteral("   lastProblems(): ") + problem);
    // position 6 carried over by name and converted to 6.0; 6 + 2 * 0.5 = 7.
    if (!expectValue(demo, state, QStringLiteral("position"), 7.0)
        || !expectValue(demo, state, QStringLiteral("speed"), 2)
        || !expectValue(demo, state, QStringLiteral("steps"), 4)
        || !expectValue(demo, state, QStringLiteral("friction"), 0.5))
        return false;
    if (state.contains(QStringLiteral("direction")))
        return demo.fail(QStringLiteral("`direction` is still in the state"));
    if (problems.size() != 1 || !problems.first().contains(QStringLiteral("'direction' no longer exists")))
        return demo.fail(QStringLiteral("expected one problem, about the dropped `direction`"));
    if (!takeLogged().join(QLatin1Char('\n')).contains(QStringLiteral("'direction' no longer exists")))
        return demo.fail(QStringLiteral("the drop was not logged in qhotreload.state"));
    demo.say(QStringLiteral("   carried over by name: position (int 6 -> double 6.0), speed, steps; new: "
                            "friction at its default 0.5; dropped and reported: direction"));
    steps(demo, &state, 1);
    if (!hot_world::lastProblems().isEmpty())
        return demo.fail(QStringLiteral("a state written by the new struct should carry over whole"));
    demo.say(QStringLiteral("   stepsServed() = %1").arg(hot_world::stepsServed()));
    if (hot_world::stepsServed() != 5)
        return demo.fail(QStringLiteral("expected stepsServed() = 5"));

    demo.say(QStringLiteral("6. Put the original world.cpp back and rebuild: the way back carries over too"));
    if (!demo.restoreAll() || !watch.rebuildAndWaitForReload())
        return false;
    steps(demo, &state, 1);
    for (const QString &problem : hot_world::lastProblems())
        demo.say(QStringLiteral("   lastProblems(): ") + problem);
    // 8.0 back to int 8, plus speed 2; direction back at its default.
    if (!expectValue(demo, state, QStringLiteral("position"), 10)
        || !expectValue(demo, state, QStringLiteral("direction"), QStringLiteral("right"))
        || !expectValue(demo, state, QStringLiteral("steps"), 6))
        return false;
    if (state.contains(QStringLiteral("friction")))
        return demo.fail(QStringLiteral("`friction` is still in the state"));
    if (hot_world::stepsServed() != 6)
        return demo.fail(QStringLiteral("expected stepsServed() = 6, the count of every version's steps"));
    demo.say(QStringLiteral("   stepsServed() = %1").arg(hot_world::stepsServed()));

    demo.say(QStringLiteral("PASSED: the app's state crossed two struct changes by field name (%1); the "
                            "library's own counter crossed both reloads; world.cpp is back to the original")
                     .arg(watch.figures().join(QStringLiteral("; "))));
    return true;
}

#else // QHOTRELOAD_ENABLED

bool run(LiveDemo &demo)
{
    demo.say(QStringLiteral("serialized-state: hot reload is off in this build (QHOTRELOAD_ENABLED=OFF): "
                            "the library is linked in statically; stepping the state three times"));
    QVariantMap state;
    steps(demo, &state, 3);
    if (!expectValue(demo, state, QStringLiteral("position"), 6))
        return false;
    demo.say(QStringLiteral("PASSED"));
    return true;
}

#endif // QHOTRELOAD_ENABLED

} // namespace

int runScriptedDemo()
{
    LiveDemo demo(QHOT_EXAMPLE_LIVE_BUILD(), { QStringLiteral("world.cpp") });
    g_demo = &demo;
    g_previousHandler = qInstallMessageHandler(messageHandler);
    const bool passed = run(demo);
    qInstallMessageHandler(g_previousHandler);
    g_demo = nullptr;
    return passed ? 0 : 1;
}
