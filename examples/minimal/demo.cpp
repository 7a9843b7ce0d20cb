// SPDX-License-Identifier: MIT
#include "demo.h"

#include "hotlogic.h"
#include "livedemo.h"

#if QHOTRELOAD_ENABLED
#include "reloadwatch.h"
#endif

namespace {

const QString OriginalGreeting = QStringLiteral("Hello from logic.cpp");

// Advances the app's counter three times from \a counter with step().
bool threeSteps(LiveDemo &demo, int *counter)
{
    QStringList steps = { QString::number(*counter) };
    const int start = *counter;
    for (int i = 0; i < 3; ++i) {
        *counter = hot_logic::step(*counter);
        steps << QString::number(*counter);
    }
    demo.say(QStringLiteral("   counter: ") + steps.join(QStringLiteral(" -> ")));
    if (*counter != start + 3)
        return demo.fail(QStringLiteral("expected the counter at %1").arg(start + 3));
    return true;
}

bool expectGreeting(LiveDemo &demo, const QString &expected, const QString &prefix = QStringLiteral("   "))
{
    const QString greeting = hot_logic::greeting();
    demo.say(prefix + QStringLiteral("greeting() = \"%1\"").arg(greeting));
    if (greeting != expected)
        return demo.fail(QStringLiteral("expected greeting() = \"%1\"").arg(expected));
    return true;
}

#if QHOTRELOAD_ENABLED

const QString EditedGreeting = QStringLiteral("Hello from the edited logic.cpp");

QList<LiveDemo::Replacement> goodEdit()
{
    return {
        { QStringLiteral("QString::fromUtf8(\"") + OriginalGreeting + QStringLiteral("\")"),
          QStringLiteral("QString::fromUtf8(\"") + EditedGreeting + QStringLiteral("\")") },
        { QStringLiteral("return counter + 1;"), QStringLiteral("return counter + 10;") },
    };
}

// On top of goodEdit(): the compiler must refuse it.
QList<LiveDemo::Replacement> brokenEdit()
{
    return { { QStringLiteral("return counter + 10;"), QStringLiteral("return counter + ;") } };
}

// On top of brokenEdit(): it compiles, but step() takes another argument now,
// in the library's copy of logic.h too. The running app was built against
// step(int), so the library must be refused.
QList<LiveDemo::Replacement> signatureEditSource()
{
    return { { QStringLiteral("int step(int counter)\n"), QStringLiteral("int step(int counter, int by)\n") },
             { QStringLiteral("return counter + ;"), QStringLiteral("return counter + by;") } };
}
QList<LiveDemo::Replacement> signatureEditHeader()
{
    return { { QStringLiteral("int step(int counter);"), QStringLiteral("int step(int counter, int by);") } };
}

bool run(LiveDemo &demo)
{
    const LiveBuild &build = demo.liveBuild();
    demo.say(QStringLiteral("minimal: the scripted QHotReload demo (no display, or --demo)"));
    demo.say(QStringLiteral("   compiled from %1 (copies of logic.h and logic.cpp in %2)")
                     .arg(build.liveDir, build.sourceDir));

    // 1. Start from the source tree's files, whatever an earlier run left.
    demo.say(QStringLiteral("1. Build minimal_logic from logic.cpp (usually up to date already)"));
    if (!demo.startFromPristine() || !demo.buildOrFail())
        return false;

    // 2. Load version 1: hot_logic::hotModule() checks every declared function.
    demo.say(QStringLiteral("2. Load the library: hot_logic::hotModule().load()"));
    if (!hot_logic::hotModule().load())
        return demo.fail(hot_logic::hotModule().errorString());
    QHotLibrary *library = hot_logic::hotModule().library();
    demo.say(QStringLiteral("   hot library: ") + library->fileName());
    if (library->version() != 1)
        return demo.fail(QStringLiteral("version() is %1 after load(), expected 1").arg(library->version()));
    ReloadWatch watch(demo, library);
    if (!expectGreeting(demo, OriginalGreeting, QStringLiteral("   version 1: ")))
        return false;

    // 3. The app's state, advanced by the library's code: plain calls.
    demo.say(QStringLiteral("3. Advance the app's own counter with hot_logic::step() of version 1"));
    int counter = 0;
    if (!threeSteps(demo, &counter))
        return false;

    // 4.-5. A real edit, a real build, and the new code in the same process.
    demo.say(QStringLiteral("4. Edit the build's copy of logic.cpp: a new greeting, and step() adds 10"));
    if (!demo.edit(QStringLiteral("logic.cpp"), goodEdit()))
        return false;
    demo.say(QStringLiteral("5. Rebuild; the running app picks the new library up"));
    if (!watch.rebuildAndWaitForReload()
        || !expectGreeting(demo, EditedGreeting, QStringLiteral("   version %1: ").arg(library->version())))
        return false;
    demo.say(QStringLiteral("   counter kept across the reload: %1").arg(counter));
    if (counter != 3)
        return demo.fail(QStringLiteral("the counter changed in the reload"));
    const int afterEdit = hot_logic::step(counter);
    demo.say(QStringLiteral("   step(%1) = %2 with the new code").arg(counter).arg(afterEdit));
    if (afterEdit != 13)
        return demo.fail(QStringLiteral("expected step(3) = 13 from the edited step()"));
    counter = afterEdit;
    const int liveVersion = library->version();

    // 6. An edit that does not compile: the build says why, the app carries on.
    demo.say(QStringLiteral("6. Break it: a syntax error in step()"));
    if (!demo.edit(QStringLiteral("logic.cpp"), brokenEdit()))
        return false;
    const LiveDemo::BuildResult broken = demo.build();
    if (broken.succeeded)
        return demo.fail(QStringLiteral("the broken edit built"));
    const QString error = LiveDemo::firstErrorLine(broken.output);
    if (error.isEmpty())
        return demo.fail(QStringLiteral("the build failed without a compiler error:\n") + broken.output);
    demo.say(QStringLiteral("   compiler: ") + error);
    if (watch.reloads() != 1 || library->version() != liveVersion)
        return demo.fail(QStringLiteral("a failed build changed the loaded library"));
    if (!expectGreeting(demo, EditedGreeting, QStringLiteral("   version %1: ").arg(library->version())))
        return false;
    const int stillRunning = hot_logic::step(counter);
    demo.say(QStringLiteral("   the old code still answers: step(%1) = %2").arg(counter).arg(stillRunning));
    if (stillRunning != counter + 10)
        return demo.fail(QStringLiteral("expected the edited step() to answer"));
    counter = stillRunning;

    // 7. It builds, but the running app cannot take it: refused with a reason.
    demo.say(QStringLiteral("7. Change a signature: step(int counter, int by) in logic.h and logic.cpp"));
    if (!demo.edit(QStringLiteral("logic.cpp"), signatureEditSource())
        || !demo.edit(QStringLiteral("logic.h"), signatureEditHeader()))
        return false;
    QString reason;
    if (!watch.rebuildAndWaitForRefusal(&reason))
        return false;
    for (const QString &part : { QStringLiteral("'logic::step'"), QStringLiteral("'int(int)'"),
                                 QStringLiteral("'int(int, int)'"), QStringLiteral("restart") }) {
        if (!reason.contains(part))
            return demo.fail(QStringLiteral("the reason does not say %1").arg(part));
    }
    const int afterRefusal = hot_logic::step(counter);
    demo.say(QStringLiteral("   version %1 still runs: step(%2) = %3")
                     .arg(library->version())
                     .arg(counter)
                     .arg(afterRefusal));
    if (library->version() != liveVersion || afterRefusal != counter + 10)
        return demo.fail(QStringLiteral("expected version %1's step() to answer").arg(liveVersion));
    counter = afterRefusal;

    // 8. Back to the start, so the next run begins where this one did.
    demo.say(QStringLiteral("8. Put the original logic.h and logic.cpp back and rebuild"));
    if (!demo.restoreAll() || !watch.rebuildAndWaitForReload()
        || !expectGreeting(demo, OriginalGreeting, QStringLiteral("   version %1: ").arg(library->version())))
        return false;
    const int original = hot_logic::step(counter);
    demo.say(QStringLiteral("   counter kept across the reload: %1; step(%1) = %2 again").arg(counter).arg(original));
    if (original != counter + 1)
        return demo.fail(QStringLiteral("expected the original step()"));

    demo.say(QStringLiteral("PASSED: 2 edits live without a restart (%1); 1 broken edit and 1 changed "
                            "signature refused while the old code kept answering; the app's counter kept "
                            "throughout (%2); logic.h and logic.cpp are back to the original")
                     .arg(watch.figures().join(QStringLiteral("; ")))
                     .arg(counter));
    return true;
}

#else // QHOTRELOAD_ENABLED

// Built with QHOTRELOAD_ENABLED=OFF: minimal_logic is linked in statically and
// hot_logic::greeting is logic::greeting. Nothing to reload; run the logic once.
bool run(LiveDemo &demo)
{
    demo.say(QStringLiteral("minimal: hot reload is off in this build (QHOTRELOAD_ENABLED=OFF): "
                            "minimal_logic is linked in statically and the calls are direct"));
    if (!hot_logic::hotModule().load() || !expectGreeting(demo, OriginalGreeting))
        return false;
    int counter = 0;
    if (!threeSteps(demo, &counter))
        return false;
    demo.say(QStringLiteral("PASSED: the statically linked logic answered; rebuild with "
                            "-DQHOTRELOAD_ENABLED=ON to edit it while the app runs"));
    return true;
}

#endif // QHOTRELOAD_ENABLED

} // namespace

int runScriptedDemo()
{
    LiveDemo demo(QHOT_EXAMPLE_LIVE_BUILD(), { QStringLiteral("logic.h"), QStringLiteral("logic.cpp") });
    return run(demo) ? 0 : 1;
}
