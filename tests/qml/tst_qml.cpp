// SPDX-License-Identifier: MIT
// The QML module QHotReload in a QQmlEngine: HotLibrary, HotCall,
// HotReloadStatus and HotReloadIndicator across real swaps of real libraries.

#include "testutil.h"

#include <QHotReload/QHotBuilder>

#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>
#include <QtCore/QScopedPointer>

#include <memory>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickWindow>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotTest;

namespace {

const QString GameV1 = QStringLiteral(QHOT_QML_FUNCTIONS_GAME_V1);
const QString GameV2 = QStringLiteral(QHOT_QML_FUNCTIONS_GAME_V2);
const QString GameWithoutAnswer = QStringLiteral(QHOT_QML_FUNCTIONS_GAME_V5_MISSING);

// A QML document whose root (\a rootType, from \a import) has a HotLibrary
// `lib` on the file in its property `file`, and \a members.
QByteArray appQml(const char *import, const char *rootType, const char *members)
{
    return QByteArray("import ") + import + "\nimport QHotReload\n" + rootType
            + " {\n    id: root\n    property string file\n"
              "    property HotLibrary lib: HotLibrary { fileName: root.file }\n"
            + members + "}\n";
}

// `answer` binds to the function's result through `version`, `greeting` is
// a HotCall, `status` a HotReloadStatus.
const QByteArray AppQml = appQml("QtQml", "QtObject", R"(
    property var answer: lib.version > 0 ? lib.call("answer") : -1
    property int answerEvaluations: 0
    onAnswerChanged: ++answerEvaluations
    property HotCall greeting: HotCall { library: root.lib; name: "greeting"; arguments: ["qml"] }
    property HotReloadStatus status: HotReloadStatus { library: root.lib }

    function tryCall(name, args) {
        try {
            return "value: " + lib.call(name, args)
        } catch (e) {
            return "error: " + e.message
        }
    }
)");

// Build on save: the fixture library qml_build_answer (answer() returns 1),
// rebuilt in this build tree by a HotBuilder configured in QML alone.
const QString BuildSource = QStringLiteral(QHOT_QML_BUILD_SOURCE);
const QByteArray BuilderQml = appQml("QtQuick", "Item", R"(
    property HotBuilder builder: HotBuilder {
        target: "qml_build_answer"
        buildDirectory: ")" QHOT_QML_BUILD_DIR R"("
        config: ")" QHOT_QML_BUILD_CONFIG R"("
        cmakeCommand: ")" QHOT_QML_CMAKE R"("
        sources: [")" QHOT_QML_BUILD_SOURCE R"("]
        enabled: true
    }
    property HotCall answer: HotCall { library: root.lib; name: "answer" }
    function callAnswer() { return lib.call("answer") }
    property HotReloadIndicator indicator: HotReloadIndicator {
        parent: root; library: root.lib; builder: root.builder
    }
)");

// A build takes seconds on a loaded 2-core machine; these only bound a hang.
constexpr int BuildTimeout = 120000;
constexpr int ReloadTimeout = 10000;

// The fixture's source with its answer() returning \a body instead of 1.
QByteArray buildSource(const QByteArray &body)
{
    return readFile(QStringLiteral(QHOT_QML_BUILD_ORIGINAL)).replace("return 1;", body);
}

// Saves \a content as an editor does (a new file renamed over the old one).
bool saveSource(const QByteArray &content)
{
    QSaveFile file(BuildSource);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit();
}

// The states a HotReloadStatus went through, with its text in each.
class StatusLog : public QObject
{
    Q_OBJECT

public:
    explicit StatusLog(QObject *status) : m_status(status)
    {
        connect(status, SIGNAL(textChanged()), this, SLOT(record()));
    }
    int state() const { return m_status->property("state").toInt(); }
    QString text() const { return m_status->property("text").toString(); }
    QList<int> states;
    QStringList texts;

public Q_SLOTS:
    void record()
    {
        states << state();
        texts << text();
    }

private:
    QObject *m_status;
};

// A window of a given width with the application's controls along its
// bottom and a HotReloadIndicator in its bottom-right corner, following the
// library and the builder set as initial properties.
const QByteArray IndicatorWindowQml = R"(import QtQuick
import QHotReload
Window {
    id: window
    property HotLibrary library
    property HotBuilder builder
    height: 220
    visible: true
    color: "#f0f0f0"
    Row {
        anchors.bottom: parent.bottom; anchors.margins: 8; x: 8; spacing: 8
        Repeater { model: ["7", "8", "9", "OK"]
                   Rectangle { width: 60; height: 28; border.color: "gray"
                               Text { anchors.centerIn: parent; text: modelData } } }
    }
    HotReloadIndicator {
        objectName: "indicator"
        anchors.right: parent.right; anchors.bottom: parent.bottom; anchors.margins: 8
        library: window.library; builder: window.builder
    }
}
)";

// HotReloadStatus.State
enum { Watching = 2, Reloaded = 4, Building = 6, BuildFailed = 7 };

} // namespace

class tst_Qml : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void bindingFollowsNewVersion();
    void refusedVersionKeepsOldValue_data();
    void refusedVersionKeepsOldValue();
    void callErrorsAreJsErrors();
    void droppedFunctionMakesHotCallFail();
    void activeDecidesWhetherItIsLoaded();
    void sourceIsResolvedAgainstTheDocument();
    void nonLocalSourceIsRefused();
    void indicatorShowsStatus();
    void builderShowsBuilds();
    void builderFromCpp();
    void cleanupTestCase();

private:
    // A window \a width wide showing m_lib and \a builder (IndicatorWindowQml).
    QQuickWindow *indicatorWindow(int width, QObject *builder);
    // Grabs \a window to <test dir>/screenshots/indicator-qml-<what>-<width>.png
    // and checks what its indicator shows: every one of \a shown, whole, inside the window.
    void checkIndicator(QQuickWindow *window, const QString &what, const QStringList &shown);

    // Creates \a qml with `file` set to m_path (game v1); m_root and m_lib are its root and `lib`.
    bool start(const QByteArray &qml);
    // Creates \a qml (with `file` set to \a file when given) in a fresh engine.
    QObject *create(const QByteArray &qml, const QString &file = QString(),
                    const QUrl &url = QUrl(QStringLiteral("file:///qhotreload-test/app.qml")));

    QScopedPointer<QQmlEngine> m_engine;
    std::unique_ptr<WatchedDir> m_dir; // a new one for each test function
    QString m_path;                    // libgame.so in it, game v1 at first
    QObject *m_root = nullptr;
    QObject *m_lib = nullptr;
};

QObject *tst_Qml::create(const QByteArray &qml, const QString &file, const QUrl &url)
{
    m_engine.reset(new QQmlEngine);
    m_engine->addImportPath(QStringLiteral(QHOT_QML_IMPORT_DIR));
    QQmlComponent component(m_engine.data());
    component.setData(qml, url);
    if (!component.isReady()) {
        qWarning().noquote() << component.errorString();
        return nullptr;
    }
    QVariantMap initial;
    if (!file.isEmpty())
        initial.insert(QStringLiteral("file"), file);
    QObject *root = component.createWithInitialProperties(initial);
    if (!root)
        qWarning().noquote() << component.errorString();
    else
        root->setParent(m_engine.data());
    return root;
}

QQuickWindow *tst_Qml::indicatorWindow(int width, QObject *builder)
{
    QQmlComponent component(m_engine.data());
    component.setData(IndicatorWindowQml, QUrl(QStringLiteral("file:///qhotreload-test/window.qml")));
    QObject *object = component.createWithInitialProperties(
            {{QStringLiteral("library"), QVariant::fromValue(m_lib)},
             {QStringLiteral("builder"), QVariant::fromValue(builder)},
             {QStringLiteral("width"), width}});
    if (!object)
        qWarning().noquote() << component.errorString();
    return qobject_cast<QQuickWindow *>(object); // owned by the caller
}

void tst_Qml::checkIndicator(QQuickWindow *window, const QString &what, const QStringList &shown)
{
    QVERIFY(window);
    auto *indicator = window->findChild<QQuickItem *>(QStringLiteral("indicator"));
    auto *label = window->findChild<QQuickItem *>(QStringLiteral("qhotreload-indicator-text"));
    QVERIFY(indicator && label);
    // The picture, once the window has drawn what the status now says.
    QVERIFY(QTest::qWaitForWindowExposed(window));
    const QImage shot = window->grabWindow();
    const QString dir = QCoreApplication::applicationDirPath() + QStringLiteral("/screenshots");
    QVERIFY(QDir().mkpath(dir));
    const QString file = QStringLiteral("%1/indicator-qml-%2-%3.png").arg(dir, what).arg(window->width());
    QVERIFY2(!shot.isNull() && shot.save(file), qPrintable(file));

    // What is drawn: nothing elided, at most two lines, inside the window.
    const QString text = label->property("text").toString();
    const QRectF box = indicator->mapRectToScene(QRectF(0, 0, indicator->width(), indicator->height()));
    const QString context = QStringLiteral("%1 (%2 px): \"%3\" in %4 lines, item at %5,%6 %7x%8, %9")
                                    .arg(what)
                                    .arg(window->width())
                                    .arg(text)
                                    .arg(label->property("lineCount").toInt())
                                    .arg(box.x())
                                    .arg(box.y())
                                    .arg(box.width())
                                    .arg(box.height())
                                    .arg(file);
    QVERIFY2(!label->property("truncated").toBool(), qPrintable(context));
    QVERIFY2(label->property("lineCount").toInt() <= 2, qPrintable(context));
    QVERIFY2(box.left() >= 0 && box.right() <= window->width() && box.bottom() <= window->height(),
             qPrintable(context));
    QVERIFY2(box.height() <= window->height() / 3, qPrintable(context));
    for (const QString &part : shown)
        QVERIFY2(text.contains(part), qPrintable(part + QLatin1String(" missing: ") + context));
}

// The object in property \a name of \a root (a HotLibrary, a HotCall, ...).
static QObject *child(QObject *root, const char *name)
{
    return root ? root->property(name).value<QObject *>() : nullptr;
}

bool tst_Qml::start(const QByteArray &qml)
{
    m_root = create(qml, m_path);
    m_lib = child(m_root, "lib");
    return m_root && m_lib;
}

// Writes \a fixture over \a path as GNU ld does and waits for \a lib's reloaded().
static bool swapTo(QObject *lib, const QString &path, const QString &fixture)
{
    QSignalSpy reloaded(lib, SIGNAL(reloaded()));
    return writeLikeLd(path, readFile(fixture)) && reloaded.wait(10000);
}

void tst_Qml::initTestCase()
{
    // Screenshots offscreen, without a GPU.
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    // The module must come from the build tree's qmldir and plugin.
    QVERIFY(QFileInfo::exists(QStringLiteral(QHOT_QML_IMPORT_DIR "/QHotReload/qmldir")));
}

void tst_Qml::init()
{
    m_engine.reset();
    m_root = m_lib = nullptr;
    m_dir = std::make_unique<WatchedDir>();
    m_path = m_dir->add(GameV1, QStringLiteral("libgame.so"));
    QVERIFY(!m_path.isEmpty());
}

void tst_Qml::bindingFollowsNewVersion()
{
    QVERIFY(start(AppQml));
    QObject *root = m_root, *lib = m_lib;
    const QString path = m_path;
    auto *greeting = child(root, "greeting");
    auto *status = child(root, "status");
    QVERIFY(lib && greeting && status);

    QVERIFY2(lib->property("loaded").toBool(), qPrintable(lib->property("errorString").toString()));
    QCOMPARE(lib->property("version").toInt(), 1);
    QCOMPARE(root->property("answer").toInt(), 41);
    QCOMPARE(greeting->property("value").toString(), QStringLiteral("hello qml from v1"));
    QVERIFY(greeting->property("ok").toBool());
    QCOMPARE(status->property("text").toString(), QStringLiteral("watching libgame.so (v1)"));

    QSignalSpy reloaded(lib, SIGNAL(reloaded()));
    QVERIFY(swapTo(lib, path, GameV2));
    QCOMPARE(lib->property("version").toInt(), 2);
    // The bindings were evaluated again with the new code, without a restart.
    QCOMPARE(root->property("answer").toInt(), 42);
    QCOMPARE(greeting->property("value").toString(), QStringLiteral("hello qml from v2"));
    QVERIFY2(status->property("text").toString().startsWith(QStringLiteral("v2 live · swap ")),
             qPrintable(status->property("text").toString()));
    QCOMPARE(status->property("ok").toBool(), true);
    QVERIFY(lib->property("errorString").toString().isEmpty());

    // And back: each version's answer, each time.
    QVERIFY(writeRenameOver(path, readFile(GameV1)));
    QVERIFY(reloaded.wait(10000));
    QCOMPARE(root->property("answer").toInt(), 41);
    QCOMPARE(greeting->property("value").toString(), QStringLiteral("hello qml from v1"));
    QCOMPARE(lib->property("version").toInt(), 3);
}

void tst_Qml::refusedVersionKeepsOldValue_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("cause");

    QByteArray text;
    for (int i = 0; i < 200; ++i)
        text += "this is a build log, not a library\n";
    QTest::newRow("not a library") << text << QStringLiteral("is not a shared library");
    // e_machine (offset 18): another architecture than this one.
    QByteArray elf = readFile(GameV2);
#if defined(__x86_64__)
    elf[18] = char(183);
#else
    elf[18] = char(62);
#endif
    elf[19] = 0;
    QTest::newRow("another architecture") << elf << QStringLiteral("is built for");
}

void tst_Qml::refusedVersionKeepsOldValue()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, cause);

    QVERIFY(start(AppQml));
    QObject *root = m_root, *lib = m_lib;
    const QString path = m_path;
    auto *status = child(root, "status");
    QCOMPARE(root->property("answer").toInt(), 41);
    const int evaluations = root->property("answerEvaluations").toInt();

    QSignalSpy failed(lib, SIGNAL(reloadFailed(QString)));
    QSignalSpy reloaded(lib, SIGNAL(reloaded()));
    QVERIFY(writeRenameOver(path, bytes));
    QVERIFY(failed.wait(10000));
    const QString reason = failed.first().first().toString();
    QVERIFY2(reason.contains(cause) && reason.contains(QStringLiteral("libgame.so")), qPrintable(reason));
    QCOMPARE(lib->property("errorString").toString(), reason);

    // The old version keeps answering; the binding was not even evaluated again.
    QCOMPARE(reloaded.count(), 0);
    QCOMPARE(lib->property("version").toInt(), 1);
    QCOMPARE(root->property("answer").toInt(), 41);
    QCOMPARE(root->property("answerEvaluations").toInt(), evaluations);
    QCOMPARE(child(root, "greeting")->property("value").toString(),
             QStringLiteral("hello qml from v1"));
    QVariant called;
    QVERIFY(QMetaObject::invokeMethod(root, "tryCall", Q_RETURN_ARG(QVariant, called),
                                      Q_ARG(QVariant, QStringLiteral("answer")), Q_ARG(QVariant, QVariant())));
    QCOMPARE(called.toString(), QStringLiteral("value: 41"));

    QCOMPARE(status->property("state").toInt(), 5); // HotReloadStatus.Refused
    QVERIFY(status->property("text").toString().startsWith(QStringLiteral("refused: ")));
    QVERIFY(status->property("details").toString().contains(QStringLiteral("(v1) keeps running")));
    QCOMPARE(status->property("ok").toBool(), false);

    // A good build after the refusal is taken as usual.
    QVERIFY(swapTo(lib, path, GameV2));
    QCOMPARE(root->property("answer").toInt(), 42);
}

void tst_Qml::callErrorsAreJsErrors()
{
    QVERIFY(start(AppQml));
    QObject *root = m_root, *lib = m_lib;
    const QString path = m_path;

    const auto tryCall = [root](const QString &name, const QVariant &args) {
        QVariant result;
        const bool invoked = QMetaObject::invokeMethod(root, "tryCall", Q_RETURN_ARG(QVariant, result),
                                                       Q_ARG(QVariant, name), Q_ARG(QVariant, args));
        return invoked ? result.toString() : QStringLiteral("(not invoked)");
    };

    // Calls that can be made: an array of arguments, or one value alone.
    QCOMPARE(tryCall(QStringLiteral("add"), QVariantList{ 2, 3 }), QStringLiteral("value: 5"));
    QCOMPARE(tryCall(QStringLiteral("greeting"), QStringLiteral("bob")), QStringLiteral("value: hello bob from v1"));

    // Calls that cannot: a JavaScript Error naming the library and the function.
    const QString unknown = tryCall(QStringLiteral("nope"), QVariant());
    QVERIFY2(unknown.startsWith(QStringLiteral("error: HotLibrary.call('nope'): ")), qPrintable(unknown));
    QVERIFY2(unknown.contains(QStringLiteral("libgame.so")) && unknown.contains(QStringLiteral("has no hot function 'nope'")),
             qPrintable(unknown));
    QVERIFY(lib->property("errorString").toString().contains(QStringLiteral("'nope'")));

    const QString count = tryCall(QStringLiteral("add"), QVariantList{ 1 });
    QVERIFY2(count.contains(QStringLiteral("'add' takes 2 argument(s), 1 given")), qPrintable(count));
    const QString type = tryCall(QStringLiteral("add"), QVariantList{ QStringLiteral("one"), 2 });
    QVERIFY2(type.startsWith(QStringLiteral("error: ")) && type.contains(QStringLiteral("argument 1 of 'add'")),
             qPrintable(type));

    // Nothing else changed: the library still answers.
    QCOMPARE(tryCall(QStringLiteral("answer"), QVariant()), QStringLiteral("value: 41"));
    QVERIFY(lib->property("errorString").toString().isEmpty());
    QCOMPARE(lib->property("version").toInt(), 1);
}

void tst_Qml::droppedFunctionMakesHotCallFail()
{
    const QByteArray qml = appQml("QtQml", "QtObject", R"(
    property HotCall answer: HotCall { library: root.lib; name: "answer" }
)");
    QVERIFY(start(qml));
    QObject *root = m_root, *lib = m_lib;
    const QString path = m_path;
    auto *answer = child(root, "answer");
    QCOMPARE(answer->property("value").toInt(), 41);
    QVERIFY(answer->property("ok").toBool());

    // A version without answer() is taken (nothing in the app declared it),
    // and the HotCall says the function is gone instead of crashing.
    QVERIFY(swapTo(lib, path, GameWithoutAnswer));
    QTRY_VERIFY(!answer->property("ok").toBool());
    QVERIFY(!answer->property("value").isValid());
    const QString why = answer->property("errorString").toString();
    QVERIFY2(why.contains(QStringLiteral("has no hot function 'answer'")), qPrintable(why));

    // The function is back in the next version, and so is the value.
    QVERIFY(swapTo(lib, path, GameV2));
    QTRY_COMPARE(answer->property("value").toInt(), 42);
    QVERIFY(answer->property("ok").toBool());
    QVERIFY(answer->property("errorString").toString().isEmpty());
}

void tst_Qml::activeDecidesWhetherItIsLoaded()
{
    QVERIFY(start(appQml("QtQml", "QtObject", R"(
    property bool wanted: false
    property HotLibrary other: HotLibrary { fileName: root.file; active: root.wanted }
    property HotReloadStatus status: HotReloadStatus { library: root.other }
)")));
    QObject *other = child(m_root, "other");
    QObject *status = child(m_root, "status");
    QVERIFY(!other->property("loaded").toBool());
    QCOMPARE(status->property("state").toInt(), 1); // HotReloadStatus.NotLoaded

    QVERIFY(m_root->setProperty("wanted", true));
    QVERIFY2(other->property("loaded").toBool(), qPrintable(other->property("errorString").toString()));
    QCOMPARE(other->property("version").toInt(), 1);
    QCOMPARE(status->property("state").toInt(), 2); // HotReloadStatus.Watching

    QVERIFY(m_root->setProperty("wanted", false));
    QVERIFY(!other->property("loaded").toBool());
    QCOMPARE(status->property("state").toInt(), 1);
    // The first HotLibrary on the same file was never affected.
    QVERIFY(m_lib->property("loaded").toBool());
}

void tst_Qml::sourceIsResolvedAgainstTheDocument()
{
    const QByteArray qml = R"(
import QtQml
import QHotReload
HotLibrary { source: "libgame.so" }
)";
    QObject *lib = create(qml, QString(), QUrl::fromLocalFile(m_dir->filePath(QStringLiteral("app.qml"))));
    QVERIFY(lib);
    const QString path = m_path;
    QCOMPARE(lib->property("fileName").toString(), path);
    QVERIFY2(lib->property("loaded").toBool(), qPrintable(lib->property("errorString").toString()));
    QCOMPARE(lib->property("source").toUrl(), QUrl::fromLocalFile(path));
}

void tst_Qml::nonLocalSourceIsRefused()
{
    const QByteArray qml = R"(
import QtQml
import QHotReload
HotLibrary { source: "qrc:/libgame.so" }
)";
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not a local file")));
    QObject *lib = create(qml);
    QVERIFY(lib);
    QVERIFY(!lib->property("loaded").toBool());
    const QString why = lib->property("errorString").toString();
    QVERIFY2(why.contains(QStringLiteral("'qrc:/libgame.so' is not a local file")), qPrintable(why));
}

void tst_Qml::indicatorShowsStatus()
{
    const QByteArray qml = appQml("QtQuick", "Item", R"(
    property HotReloadIndicator indicator: HotReloadIndicator { parent: root; library: root.lib }
)");
    QVERIFY(start(qml));
    QObject *root = m_root, *lib = m_lib;
    const QString path = m_path;
    auto *indicator = child(root, "indicator");
    QVERIFY(indicator);
    auto *text = indicator->findChild<QObject *>(QStringLiteral("qhotreload-indicator-text"));
    QVERIFY(text);
    QCOMPARE(text->property("text").toString(), QStringLiteral("watching libgame.so (v1)"));

    QSignalSpy failed(lib, SIGNAL(reloadFailed(QString)));
    QVERIFY(writeRenameOver(path, QByteArray("not a library\n").repeated(100)));
    QVERIFY(failed.wait(10000));
    QVERIFY2(text->property("text").toString().startsWith(QStringLiteral("refused: ")),
             qPrintable(text->property("text").toString()));

    // A click shows the whole reason.
    QVERIFY(indicator->setProperty("expanded", true));
    QVERIFY(text->property("text").toString().contains(QStringLiteral("keeps running")));

    QVERIFY(swapTo(lib, path, GameV2));
    QVERIFY(indicator->setProperty("expanded", false));
    QVERIFY2(text->property("text").toString().startsWith(QStringLiteral("v2 live · swap ")),
             qPrintable(text->property("text").toString()));
}

void tst_Qml::builderShowsBuilds()
{
    // The library as the fixture has it: answer() returns 1.
    QVERIFY(saveSource(buildSource("return 1;")));
    QProcess build;
    build.setProcessChannelMode(QProcess::MergedChannels);
    QStringList arguments{QStringLiteral("--build"), QStringLiteral(QHOT_QML_BUILD_DIR),
                          QStringLiteral("--target"), QStringLiteral("qml_build_answer")};
    if (!QByteArray(QHOT_QML_BUILD_CONFIG).isEmpty())
        arguments << QStringLiteral("--config") << QStringLiteral(QHOT_QML_BUILD_CONFIG);
    build.start(QStringLiteral(QHOT_QML_CMAKE), arguments);
    QVERIFY(build.waitForFinished(BuildTimeout));
    QVERIFY2(build.exitCode() == 0, build.readAll().constData());

    m_root = create(BuilderQml, QStringLiteral(QHOT_QML_BUILD_LIBRARY));
    m_lib = child(m_root, "lib");
    QVERIFY(m_root && m_lib);
    QVERIFY2(m_lib->property("loaded").toBool(), qPrintable(m_lib->property("errorString").toString()));
    QObject *builder = child(m_root, "builder");
    QObject *answer = child(m_root, "answer");
    QObject *indicator = child(m_root, "indicator");
    QVERIFY(builder && answer && indicator);
    QVERIFY(builder->inherits("QHotBuilder"));
    QVERIFY(builder->property("enabled").toBool());
    QObject *status = child(indicator, "status");
    auto *text = indicator->findChild<QObject *>(QStringLiteral("qhotreload-indicator-text"));
    QVERIFY(status && text);
    QCOMPARE(answer->property("value").toInt(), 1);
    StatusLog log(status);
    QCOMPARE(log.state(), int(Watching));
    // The same indicator in windows 300 and 1200 px wide, as screenshots show it.
    std::unique_ptr<QQuickWindow> narrow(indicatorWindow(300, builder));
    std::unique_ptr<QQuickWindow> wide(indicatorWindow(1200, builder));
    QVERIFY(narrow && wide);

    // A good edit, saved: the builder builds, the library takes the new version.
    QSignalSpy finished(builder, SIGNAL(buildFinished(bool,int)));
    QVERIFY(saveSource(buildSource("return 2;")));
    QVERIFY(finished.wait(BuildTimeout));
    QVERIFY2(finished.first().first().toBool(), qPrintable(builder->property("output").toString()));
    QVERIFY2(log.texts.contains(QStringLiteral("building %1…").arg(QFileInfo(QStringLiteral(QHOT_QML_BUILD_LIBRARY)).fileName())),
             qPrintable(log.texts.join(QLatin1String(" | "))));
    QTRY_COMPARE_WITH_TIMEOUT(log.state(), int(Reloaded), ReloadTimeout);
    QCOMPARE(log.states.value(0), int(Building));
    QVERIFY2(!log.states.contains(BuildFailed), qPrintable(log.texts.join(QLatin1String(" | "))));
    QTRY_COMPARE(answer->property("value").toInt(), 2);
    const int version = m_lib->property("version").toInt();
    QCOMPARE(version, 2);
    QCOMPARE(builder->property("buildCount").toInt(), 1);
    // A build led to it: the whole wait, from the save, and its parts.
    const QString live = text->property("text").toString();
    QVERIFY2(live.startsWith(QStringLiteral("saved → live ")) && live.contains(QStringLiteral(" (build "))
                     && live.contains(QStringLiteral(", swap ")) && live.endsWith(QLatin1Char(')')),
             qPrintable(live));
    QVERIFY(status->property("lastSaveToLiveMs").toInt() > 0);
    for (QQuickWindow *window : {narrow.get(), wide.get()}) {
        auto *shown = window->findChild<QQuickItem *>(QStringLiteral("qhotreload-indicator-text"));
        // Each indicator times the same events itself: the same words, its own milliseconds.
        QTRY_VERIFY_WITH_TIMEOUT(shown->property("text").toString().startsWith(QStringLiteral("saved → live ")),
                                 ReloadTimeout);
        const QString figure = shown->property("text").toString().section(QLatin1Char('('), 0, 0).trimmed();
        checkIndicator(window, QStringLiteral("saved-to-live"), {figure, QStringLiteral("(build "), QStringLiteral("swap ")});
    }

    // A broken edit: the compiler's first error is shown, the old code answers.
    log.states.clear();
    log.texts.clear();
    finished.clear();
    QVERIFY(saveSource(buildSource("return 2 +;")));
    QVERIFY(finished.wait(BuildTimeout));
    QVERIFY(!finished.first().first().toBool());
    QCOMPARE(log.states, (QList<int>{Building, BuildFailed}));
    const QString failed = log.text();
    const QString firstError = builder->property("firstError").toString();
    QVERIFY2(failed.startsWith(QStringLiteral("build failed · buildanswer.cpp:"))
                     && failed.endsWith(firstError.section(QStringLiteral("error: "), 1)),
             qPrintable(failed + QLatin1String(" / ") + firstError));
    QCOMPARE(text->property("text").toString(), failed);
    const QString errorLine = firstError.section(QLatin1Char(':'), 1, 1);
    const QStringList failure{QStringLiteral("build failed"), QStringLiteral("buildanswer.cpp:") + errorLine,
                              firstError.section(QStringLiteral("error: "), 1)};
    for (QQuickWindow *window : {narrow.get(), wide.get()}) {
        auto *shown = window->findChild<QQuickItem *>(QStringLiteral("qhotreload-indicator-text"));
        QTRY_COMPARE_WITH_TIMEOUT(shown->property("text").toString(), failed, ReloadTimeout);
        checkIndicator(window, QStringLiteral("build-failed"), failure);
    }
    const QString details = status->property("details").toString();
    QVERIFY2(details.contains(QStringLiteral("buildanswer.cpp")) && details.contains(QStringLiteral("(v2) keeps running")),
             qPrintable(details));
    QVERIFY(!status->property("ok").toBool());
    QCOMPARE(m_lib->property("version").toInt(), version);
    QCOMPARE(answer->property("value").toInt(), 2);
    QVariant called;
    QVERIFY(QMetaObject::invokeMethod(m_root, "callAnswer", Q_RETURN_ARG(QVariant, called)));
    QCOMPARE(called.toInt(), 2);

    // Fixed (and back to the fixture's code): built and live again.
    finished.clear();
    QVERIFY(saveSource(buildSource("return 1;")));
    QVERIFY(finished.wait(BuildTimeout));
    QTRY_COMPARE_WITH_TIMEOUT(log.state(), int(Reloaded), ReloadTimeout);
    QTRY_COMPARE(answer->property("value").toInt(), 1);
}

void tst_Qml::builderFromCpp()
{
    // A QHotBuilder made in C++ (as QHOT_BUILD_INFO gives it) is a HotBuilder in QML.
    QObject *root = create(appQml("QtQml", "QtObject", R"(
    property HotBuilder builder
    property HotReloadStatus status: HotReloadStatus { library: root.lib; builder: root.builder }
)"), m_path);
    QVERIFY(root);
    QObject *status = child(root, "status");
    QHotBuilder builder(QHotBuildInfo{QStringLiteral("nothing"), m_dir->filePath(QStringLiteral("build")), QString(),
                                      {}, m_dir->filePath(QStringLiteral("no-such-cmake"))});
    QVERIFY(root->setProperty("builder", QVariant::fromValue<QObject *>(&builder)));
    QCOMPARE(child(status, "builder"), &builder);
    QCOMPARE(status->property("state").toInt(), int(Watching));

    QSignalSpy finished(&builder, &QHotBuilder::buildFinished);
    builder.build();
    QVERIFY(finished.wait(BuildTimeout));
    QCOMPARE(status->property("state").toInt(), int(BuildFailed));
    QVERIFY2(status->property("text").toString().contains(QStringLiteral("no-such-cmake")),
             qPrintable(status->property("text").toString()));
    QCOMPARE(child(root, "lib")->property("version").toInt(), 1);
}

void tst_Qml::cleanupTestCase()
{
    // The build tree keeps the fixture's own code, whatever happened above.
    m_engine.reset();
    saveSource(buildSource("return 1;"));
}

QTEST_MAIN(tst_Qml)
#include "tst_qml.moc"
