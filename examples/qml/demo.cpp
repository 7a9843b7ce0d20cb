// SPDX-License-Identifier: MIT
#include "demo.h"

#include "hotlibrary.h"
#include <QHotReload/qhotqmlreloader.h>
#include "livedemo.h"

#include <QHotReload/QHotBuilder>
#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotManifest> // QHOTRELOAD_ENABLED

#if QHOTRELOAD_ENABLED
#include "reloadwatch.h"
#endif

#include <QtCore/QFileInfo>
#include <QtGui/QFont>
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
    QObject *root() const { return m_root; }
    // After Main.qml was saved: its window was made again.
    void setRoot(QObject *root) { m_root = root; }

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

    // From the first greeting (counter 0), \a what, three advance()s, the greeting at 3.
    bool threeSteps(const QString &what)
    {
        if (!expectGreeting(greetingLine(QStringLiteral("logic.cpp"), 0)))
            return false;
        m_demo.say(what);
        for (int expected = 1; expected <= 3; ++expected) {
            if (!advance(expected))
                return false;
        }
        return expectGreeting(greetingLine(QStringLiteral("logic.cpp"), 3));
    }

private:
    LiveDemo &m_demo;
    QObject *m_root;
};

#if QHOTRELOAD_ENABLED

// Steps 8-10: Badge.qml and Main.qml saved while the app runs. Returns the
// number of saves that went live, or -1 (the demo failed).
int qmlSteps(LiveDemo &demo, QQmlApplicationEngine &engine, const QUrl &mainQml, Scene &scene)
{
    QHotQmlReloader *reloader = QHotQmlReloader::forEngine(&engine);
    // The demo edits the build's copies, not the files qhot_qml_sources() names.
    const QUrl badgeQml = mainQml.resolved(QUrl(QStringLiteral("Badge.qml")));
    reloader->setSourceFile(mainQml, demo.liveBuild().liveFile(QStringLiteral("Main.qml")));
    reloader->setSourceFile(badgeQml, demo.liveBuild().liveFile(QStringLiteral("Badge.qml")));
    QObject::connect(reloader, &QHotQmlReloader::rootReplaced, reloader,
                     [&scene](QObject *, QObject *made) { scene.setRoot(made); });
    int saves = 0;
    QObject::connect(reloader, &QHotQmlReloader::reloaded, reloader, [&demo, &saves, reloader](const QString &file) {
        ++saves;
        demo.say(QStringLiteral("   Live QML: %1 live in %2 ms").arg(QFileInfo(file).fileName()).arg(reloader->lastReloadMs()));
    });
    QObject::connect(reloader, &QHotQmlReloader::reloadFailed, reloader,
                     [&demo](const QString &, const QString &message) { demo.say(QStringLiteral("   Live QML: ") + message); });
    const int counter = scene.counter();
    const auto badgeShows = [&](const QString &expected) {
        const bool shown = demo.waitUntil([&] { return scene.text("badgeText") == expected; }, LiveDemo::ReloadTimeoutMs,
                                          QStringLiteral("the badge \"%1\"").arg(expected));
        demo.say(QStringLiteral("   badge: \"%1\"   counter: %2").arg(scene.text("badgeText")).arg(scene.counter()));
        return shown;
    };

    demo.say(QStringLiteral("8. Save Badge.qml (a component Main.qml uses) with a new label"));
    QObject *window = scene.root();
    if (!badgeShows(QStringLiteral("counter: %1").arg(counter))
        || !demo.edit(QStringLiteral("Badge.qml"), {{QStringLiteral("property string label: \"counter\""),
                                                     QStringLiteral("property string label: \"clicks so far\"")}})
        || !badgeShows(QStringLiteral("clicks so far: %1").arg(counter)))
        return -1;
    if (scene.root() != window || scene.counter() != counter) {
        demo.fail(QStringLiteral("saving Badge.qml touched the window or its counter"));
        return -1;
    }

    demo.say(QStringLiteral("9. Save Main.qml with a larger greeting: the window is made again, the counter kept"));
    if (!demo.edit(QStringLiteral("Main.qml"), {{QStringLiteral("font.pixelSize: 18"), QStringLiteral("font.pixelSize: 22")}})
        || !demo.waitUntil([&] { return scene.root() != window; }, LiveDemo::ReloadTimeoutMs,
                           QStringLiteral("the window made from the saved Main.qml")))
        return -1;
    QObject *greeting = scene.root()->findChild<QObject *>(QStringLiteral("greetingText"));
    demo.say(QStringLiteral("   new window; greeting font %1 px; counter %2")
                     .arg(greeting ? greeting->property("font").value<QFont>().pixelSize() : -1)
                     .arg(scene.counter()));
    if (!greeting || greeting->property("font").value<QFont>().pixelSize() != 22 || scene.counter() != counter) {
        demo.fail(QStringLiteral("the saved Main.qml did not show, or the counter was lost"));
        return -1;
    }
    if (!scene.expectGreeting(greetingLine(QStringLiteral("logic.cpp"), counter)) || !scene.advance(counter + 1)
        || !badgeShows(QStringLiteral("clicks so far: %1").arg(counter + 1)))
        return -1;

    demo.say(QStringLiteral("10. Put the original Main.qml and Badge.qml back"));
    if (!demo.restoreAll() || !badgeShows(QStringLiteral("counter: %1").arg(counter + 1))
        || !demo.waitUntil([&] { return saves >= 4; }, LiveDemo::ReloadTimeoutMs, QStringLiteral("both files live")))
        return -1;
    return saves;
}

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
    if (!scene.threeSteps(QStringLiteral("3. Advance the app's counter (a QML property) with logic::step() of version 1")))
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

    // Live QML: the QML files, as saved in an editor, re-make only what was made from them.
    const int qmlSaves = qmlSteps(demo, engine, mainQml, scene);
    if (qmlSaves < 0)
        return false;

    demo.say(QStringLiteral("PASSED: 3 rebuilds live in the QML scene without a restart (%1); a broken build "
                            "(the indicator showed the compiler's error) left it running; a call that no longer fitted was a JavaScript error, not a crash; "
                            "%3 saves of Badge.qml and Main.qml live; "
                            "the counter kept throughout (%2); logic.h, logic.cpp, Main.qml and Badge.qml are back to the original")
                     .arg(watch.figures().join(QStringLiteral("; ")))
                     .arg(scene.counter())
                     .arg(qmlSaves));
    return true;
}

#else // QHOTRELOAD_ENABLED

// Built with QHOTRELOAD_ENABLED=OFF: qml_logic is linked in statically, and
// the same Main.qml, with its HotLibrary, HotCall, HotBuilder and indicator,
// calls it. Nothing to reload; run the logic and check that nothing else ran.
QString said(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

bool run(LiveDemo &demo, QQmlApplicationEngine &engine, const QUrl &mainQml, QHotBuilder &builder)
{
    demo.say(QStringLiteral("qml_example: hot reload is off in this build (QHOTRELOAD_ENABLED=OFF): qml_logic is "
                            "linked in statically and Main.qml calls it through HotLibrary"));
    // What the window does: build on save on, with the sources main.cpp gave.
    builder.setEnabled(true);
    engine.load(mainQml);
    QObject *root = engine.rootObjects().value(0);
    auto *logic = root ? root->findChild<QHotQmlLibrary *>(QStringLiteral("logic")) : nullptr;
    if (!logic)
        return demo.fail(QStringLiteral("Main.qml did not load (see the messages above)"));
    demo.say(QStringLiteral("   HotLibrary \"%1\": linkedIn %2, loaded %3, version %4")
                     .arg(logic->fileName(), said(logic->isLinkedIn()), said(logic->isLoaded()))
                     .arg(logic->version()));
    if (!logic->isLinkedIn() || !logic->isLoaded() || logic->version() != 1)
        return demo.fail(QStringLiteral("the HotLibrary did not find the linked-in qml_logic: ") + logic->errorString());

    Scene scene(demo, root);
    if (!scene.threeSteps(QStringLiteral("   advance() calls logic::step() through HotLibrary.call()")))
        return false;

    // Nothing of hot reload ran: no library loaded, no watch, no build, no indicator.
    const QObject *indicator = root->findChild<QObject *>(QStringLiteral("indicator"));
    const bool indicatorShown = indicator && indicator->property("visible").toBool();
    demo.say(QStringLiteral("   QHotLibrary loaded: %1; HotBuilder enabled: %2, builds: %3, idle: %4; "
                            "indicator visible: %5")
                     .arg(said(logic->library()->isLoaded()), said(builder.isEnabled()))
                     .arg(builder.buildCount())
                     .arg(said(builder.state() == QHotBuilder::Idle), said(indicatorShown)));
    if (logic->library()->isLoaded() || builder.buildCount() != 0 || builder.state() != QHotBuilder::Idle
        || !indicator || indicatorShown) {
        return demo.fail(QStringLiteral("hot reload did something in a build without it"));
    }
    demo.say(QStringLiteral("PASSED: the statically linked logic answered QML's calls (counter %1); nothing was "
                            "loaded, watched or built; rebuild with -DQHOTRELOAD_ENABLED=ON to edit it while "
                            "the app runs")
                     .arg(scene.counter()));
    return true;
}

#endif // QHOTRELOAD_ENABLED

} // namespace

int runScriptedDemo(QQmlApplicationEngine &engine, const QUrl &mainQml, QHotBuilder &builder)
{
    LiveDemo demo(QHOT_EXAMPLE_LIVE_BUILD(), { QStringLiteral("logic.h"), QStringLiteral("logic.cpp"),
                                              QStringLiteral("Main.qml"), QStringLiteral("Badge.qml") });
    return run(demo, engine, mainQml, builder) ? 0 : 1;
}
