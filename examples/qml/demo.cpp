// SPDX-License-Identifier: MIT
#include "demo.h"

#include "hotlibrary.h"
#include "livedemo.h"
#include "reloadwatch.h"

#include <QHotReload/QHotBuilder>

#include <QtQml/QQmlApplicationEngine>

namespace {

QString greetingLine(const QString &from, int counter)
{
    return QStringLiteral("Hello from %1; the counter is %2").arg(from).arg(counter);
}

// What the scene shows, read from its items as a user would see it.
class Scene
{
public:
    Scene(LiveDemo &demo, QObject *root) : m_demo(demo), m_root(root) {}

    QString text(const char *item) const
    {
        const QObject *object = m_root->findChild<QObject *>(QString::fromLatin1(item));
        return object ? object->property("text").toString() : QStringLiteral("(no item %1)").arg(QLatin1String(item));
    }
    int counter() const { return m_root->property("counter").toInt(); }

    // Waits until the greeting shows \a expected (bindings follow a reload between events).
    bool expectGreeting(const QString &expected)
    {
        const bool shown = m_demo.waitUntil([&] { return text("greetingText") == expected; }, LiveDemo::ReloadTimeoutMs,
                                            QStringLiteral("the greeting \"%1\"").arg(expected));
        m_demo.say(QStringLiteral("   scene: \"%1\"   indicator: \"%2\"")
                           .arg(text("greetingText"), text("qhotreload-indicator-text")));
        return shown;
    }

    // Calls the scene's advance() (HotLibrary.call("logic::step")) and checks the counter.
    bool advance(int expected)
    {
        const int before = counter();
        QVariant result;
        QMetaObject::invokeMethod(m_root, "advance", Q_RETURN_ARG(QVariant, result));
        const QString error = text("errorText");
        m_demo.say(QStringLiteral("   advance(): counter %1 -> %2%3")
                           .arg(before)
                           .arg(counter())
                           .arg(error.isEmpty() ? QString() : QStringLiteral(" (call failed: %1)").arg(error)));
        if (counter() != expected)
            return m_demo.fail(QStringLiteral("expected the counter at %1").arg(expected));
        return true;
    }

private:
    LiveDemo &m_demo;
    QObject *m_root;
};

bool run(LiveDemo &demo, QQmlApplicationEngine &engine, const QUrl &mainQml, QHotBuilder &builder)
{
    const LiveBuild &build = demo.liveBuild();
    demo.say(QStringLiteral("qml_example: the scripted QHotReload QML demo (no display, or --demo)"));
    demo.say(QStringLiteral("   compiled from %1 (copies of logic.h and logic.cpp in %2)")
                     .arg(build.liveDir, build.sourceDir));

    demo.say(QStringLiteral("1. Build qml_logic from logic.cpp (usually up to date already)"));
    if (!demo.startFromPristine() || !demo.buildOrFail())
        return false;

    demo.say(QStringLiteral("2. Load Main.qml: HotLibrary { fileName: … }, HotCall { name: \"logic::greeting\" }"));
    engine.load(mainQml);
    QObject *root = engine.rootObjects().value(0);
    auto *logic = root ? root->findChild<QHotQmlLibrary *>(QStringLiteral("logic")) : nullptr;
    if (!logic)
        return demo.fail(QStringLiteral("Main.qml did not load (see the messages above)"));
    if (!logic->isLoaded())
        return demo.fail(logic->errorString());
    demo.say(QStringLiteral("   hot library: ") + logic->fileName());
    ReloadWatch watch(demo, logic->library());
    Scene scene(demo, root);
    if (!scene.expectGreeting(greetingLine(QStringLiteral("logic.cpp"), 0)))
        return false;

    demo.say(QStringLiteral("3. Advance the app's counter (a QML property) with logic::step() of version 1"));
    for (int expected = 1; expected <= 3; ++expected) {
        if (!scene.advance(expected))
            return false;
    }
    if (!scene.expectGreeting(greetingLine(QStringLiteral("logic.cpp"), 3)))
        return false;

    demo.say(QStringLiteral("4. Edit the build's copy of logic.cpp: a new greeting, and step() adds 10; rebuild"));
    if (!demo.edit(QStringLiteral("logic.cpp"),
                   { { QStringLiteral("\"Hello from logic.cpp;"), QStringLiteral("\"Hello from the edited logic.cpp;") },
                     { QStringLiteral("return counter + 1;"), QStringLiteral("return counter + 10;") } })
        || !watch.rebuildAndWaitForReload()
        || !scene.expectGreeting(greetingLine(QStringLiteral("the edited logic.cpp"), 3)) || !scene.advance(13)) {
        return false;
    }

    // Built through the scene's HotBuilder (as a save would, in the window),
    // so its indicator shows the build and its failure.
    demo.say(QStringLiteral("5. Break it: a syntax error in step(); build it with the scene's HotBuilder"));
    const int liveVersion = logic->version();
    if (!demo.edit(QStringLiteral("logic.cpp"), { { QStringLiteral("return counter + 10;"),
                                                    QStringLiteral("return counter + ;") } }))
        return false;
    const int builds = builder.buildCount();
    builder.build();
    if (!demo.waitUntil([&] { return builder.buildCount() > builds && builder.state() != QHotBuilder::Building; },
                        LiveDemo::BuildTimeoutMs, QStringLiteral("the HotBuilder's build")))
        return false;
    if (builder.state() != QHotBuilder::Failed)
        return demo.fail(QStringLiteral("the broken edit built"));
    demo.say(QStringLiteral("   compiler: ") + builder.firstError());
    const QString shown = scene.text("qhotreload-indicator-text");
    demo.say(QStringLiteral("   indicator: \"%1\"").arg(shown));
    // Short words first: "build failed · logic.cpp:12: <the compiler's message>".
    if (!shown.startsWith(QStringLiteral("build failed · logic.cpp:"))
        || !shown.endsWith(builder.firstError().section(QStringLiteral("error: "), 1)))
        return demo.fail(QStringLiteral("the indicator does not show the compiler's first error"));
    if (logic->version() != liveVersion || !scene.expectGreeting(greetingLine(QStringLiteral("the edited logic.cpp"), 13))
        || !scene.advance(23)) {
        return demo.fail(QStringLiteral("a failed build changed what the scene runs"));
    }

    // QML names functions at run time: a new signature is taken, and the
    // call that no longer fits throws a JavaScript Error the scene shows.
    demo.say(QStringLiteral("6. Change a signature: step(int counter, int by); rebuild"));
    if (!demo.edit(QStringLiteral("logic.cpp"), { { QStringLiteral("int step(int counter)\n"),
                                                    QStringLiteral("int step(int counter, int by)\n") },
                                                  { QStringLiteral("return counter + ;"),
                                                    QStringLiteral("return counter + by;") } })
        || !demo.edit(QStringLiteral("logic.h"), { { QStringLiteral("int step(int counter);"),
                                                     QStringLiteral("int step(int counter, int by);") } })
        || !watch.rebuildAndWaitForReload() || !scene.advance(23)) {
        return false;
    }
    if (!scene.text("errorText").contains(QStringLiteral("'logic::step' takes 2 argument(s), 1 given")))
        return demo.fail(QStringLiteral("the scene does not show why step() could not be called"));

    demo.say(QStringLiteral("7. Put the original logic.h and logic.cpp back and rebuild"));
    if (!demo.restoreAll() || !watch.rebuildAndWaitForReload()
        || !scene.expectGreeting(greetingLine(QStringLiteral("logic.cpp"), 23)) || !scene.advance(24)
        || !scene.expectGreeting(greetingLine(QStringLiteral("logic.cpp"), 24))) {
        return false;
    }

    demo.say(QStringLiteral("PASSED: 3 rebuilds live in the QML scene without a restart (%1); a broken build "
                            "(the indicator showed the compiler's error) left it running; a call that no longer fitted was a JavaScript error, not a crash; "
                            "the counter kept throughout (%2); logic.h and logic.cpp are back to the original")
                     .arg(watch.figures().join(QStringLiteral("; ")))
                     .arg(scene.counter()));
    return true;
}

} // namespace

int runScriptedDemo(QQmlApplicationEngine &engine, const QUrl &mainQml, QHotBuilder &builder)
{
    LiveDemo demo(QHOT_EXAMPLE_LIVE_BUILD(), { QStringLiteral("logic.h"), QStringLiteral("logic.cpp") });
    return run(demo, engine, mainQml, builder) ? 0 : 1;
}
