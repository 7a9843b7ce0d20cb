// SPDX-License-Identifier: MIT
// Hot C++ backends for QML: HotObject across real swaps of a real hot
// library (tests/qml/fixture/backend.cpp, built in four versions), used from
// QML through bindings and a Connections, as an app's backend is.

#include "testutil.h"

#include <QtCore/QPointer>
#include <QtCore/QScopedPointer>
#include <QtQml/QJSValue>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

using namespace QHotTest;

namespace {

const QString BackendV1 = QStringLiteral(QHOT_QML_BACKEND_V1);
const QString BackendV2 = QStringLiteral(QHOT_QML_BACKEND_V2);
const QString BackendWithoutFactory = QStringLiteral(QHOT_QML_BACKEND_V3_NOFACTORY);
const QString BackendOtherSignature = QStringLiteral(QHOT_QML_BACKEND_V4_SIGNATURE);

// The app: a HotObject made by backend::makeCounter, read by bindings and
// followed by a Connections, none of which names a version.
const QByteArray AppQml = R"(import QtQml
import QHotReload
QtObject {
    id: root
    property string file
    property HotLibrary lib: HotLibrary { fileName: root.file }
    property HotObject backend: HotObject { library: root.lib; factory: "backend::makeCounter" }
    readonly property real scaled: backend.object ? backend.object.scaled : -1
    readonly property int count: backend.object ? backend.object.count : -1
    readonly property string label: backend.object ? backend.object.label : ""
    readonly property int objectVersion: backend.object ? backend.object.fixtureVersion : -1
    property int lastStepped: 0
    property int steps: 0
    property Connections stepWatch: Connections {
        target: root.backend.object
        function onStepped(version) { root.lastStepped = version; ++root.steps }
    }
    function step() { backend.object.step() }
    function setCount(n) { backend.object.count = n }
}
)";

// Every message logged while the test runs, to look for QML's complaints.
QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;

void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_messages << message;
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

// Messages of QML that say a value of one version's type met another's, or
// that a binding read a property of nothing.
QStringList qmlTypeComplaints()
{
    QStringList found;
    for (const QString &m : std::as_const(g_messages)) {
        if (m.contains(QLatin1String("_QMLTYPE_")) || m.contains(QLatin1String("Unable to assign"))
            || m.contains(QLatin1String("TypeError")) || m.contains(QLatin1String("of null"))
            || m.contains(QLatin1String("an object of class backend::Counter, parent QHotQmlObject")))
            found << m;
    }
    return found;
}

} // namespace

class tst_QmlHotObject : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void objectFollowsSwaps();
    void connectionsFollowTheNewObject();
    void goneAndUnconvertibleAreReported();
    void refusedFactoryKeepsOldObject_data();
    void refusedFactoryKeepsOldObject();
    void objectBelongsToHotObject();
    void cleanupTestCase();

private:
    // Writes \a fixture over the watched library as GNU ld does; true once reloaded().
    bool swapTo(const QString &fixture);
    // Creates AppQml on m_path (backend v1); m_root, m_lib and m_backend are its parts.
    bool start();
    QObject *object() const { return m_backend->property("object").value<QObject *>(); }

    QScopedPointer<QQmlEngine> m_engine;
    std::unique_ptr<WatchedDir> m_dir;
    QString m_path;
    QObject *m_root = nullptr;
    QObject *m_lib = nullptr;
    QObject *m_backend = nullptr;
};

bool tst_QmlHotObject::swapTo(const QString &fixture)
{
    QSignalSpy reloaded(m_lib, SIGNAL(reloaded()));
    return writeLikeLd(m_path, readFile(fixture)) && reloaded.wait(10000);
}

bool tst_QmlHotObject::start()
{
    m_engine.reset(new QQmlEngine);
    m_engine->addImportPath(QStringLiteral(QHOT_QML_IMPORT_DIR));
    QQmlComponent component(m_engine.data());
    component.setData(AppQml, QUrl(QStringLiteral("file:///qhotreload-test/backend.qml")));
    m_root = component.createWithInitialProperties({{QStringLiteral("file"), m_path}});
    if (!m_root) {
        qWarning().noquote() << component.errorString();
        return false;
    }
    m_root->setParent(m_engine.data());
    m_lib = m_root->property("lib").value<QObject *>();
    m_backend = m_root->property("backend").value<QObject *>();
    return m_lib && m_backend;
}

void tst_QmlHotObject::initTestCase()
{
    QVERIFY(QFileInfo::exists(QStringLiteral(QHOT_QML_IMPORT_DIR "/QHotReload/qmldir")));
    g_previousHandler = qInstallMessageHandler(recordMessage);
}

void tst_QmlHotObject::init()
{
    g_messages.clear();
    m_dir = std::make_unique<WatchedDir>();
    m_path = m_dir->add(BackendV1, QStringLiteral("libbackend.so"));
    QVERIFY(!m_path.isEmpty());
    QVERIFY(start());
}

void tst_QmlHotObject::cleanup()
{
    m_engine.reset();
    m_root = m_lib = m_backend = nullptr;
    const QStringList complaints = qmlTypeComplaints();
    QVERIFY2(complaints.isEmpty(), qPrintable(complaints.join(QLatin1Char('\n'))));
}

void tst_QmlHotObject::objectFollowsSwaps()
{
    QVERIFY2(m_lib->property("loaded").toBool(), qPrintable(m_lib->property("errorString").toString()));
    QVERIFY2(object(), qPrintable(m_backend->property("errorString").toString()));
    QCOMPARE(m_root->property("objectVersion").toInt(), 1);
    QCOMPARE(m_root->property("count").toInt(), 0);

    // Changed at run time, from QML and from C++.
    QVERIFY(QMetaObject::invokeMethod(m_root, "setCount", Q_ARG(QVariant, 5)));
    QVERIFY(object()->setProperty("label", QStringLiteral("edited")));
    QCOMPARE(m_root->property("scaled").toDouble(), 10.0); // v1: count * 2
    QCOMPARE(m_root->property("label").toString(), QStringLiteral("edited"));

    QSignalSpy objectChanged(m_backend, SIGNAL(objectChanged()));
    const QString fixtures[] = {BackendV2, BackendV1, BackendV2};
    for (int round = 0; round < 3; ++round) {
        QPointer<QObject> old = object();
        const int version = round % 2 ? 1 : 2;
        QVERIFY(swapTo(fixtures[round]));
        QCOMPARE(objectChanged.count(), round + 1);
        // A new object of the new version; the old one deleted.
        QVERIFY(object());
        QVERIFY(!old);
        QCOMPARE(m_root->property("objectVersion").toInt(), version);
        // Kept by name: what the app set, across every swap.
        QCOMPARE(m_root->property("count").toInt(), 5 + round);
        QCOMPARE(m_root->property("label").toString(), QStringLiteral("edited"));
        // The binding shows the new code's answer.
        QCOMPARE(m_root->property("scaled").toDouble(), (5 + round) * (version == 1 ? 2.0 : 3.0));
        // The next round keeps this one's change too.
        QVERIFY(QMetaObject::invokeMethod(m_root, "setCount", Q_ARG(QVariant, 5 + round + 1)));
    }
    QCOMPARE(m_lib->property("version").toInt(), 4);
}

void tst_QmlHotObject::connectionsFollowTheNewObject()
{
    QVERIFY(object());
    QVERIFY(QMetaObject::invokeMethod(m_root, "step"));
    QCOMPARE(m_root->property("steps").toInt(), 1);
    QCOMPARE(m_root->property("lastStepped").toInt(), 1);

    const QString fixtures[] = {BackendV2, BackendV1, BackendV2};
    for (int round = 0; round < 3; ++round) {
        const int version = round % 2 ? 1 : 2;
        QVERIFY(swapTo(fixtures[round]));
        QCOMPARE(m_root->property("objectVersion").toInt(), version);
        // The new object's signal, emitted from C++, reaches the Connections.
        QVERIFY(QMetaObject::invokeMethod(object(), "step"));
        QCOMPARE(m_root->property("steps").toInt(), round + 2);
        QCOMPARE(m_root->property("lastStepped").toInt(), version);
        QCOMPARE(m_root->property("count").toInt(), round + 2);
    }
}

void tst_QmlHotObject::goneAndUnconvertibleAreReported()
{
    QVERIFY(object());
    QVERIFY(object()->setProperty("legacy", QStringLiteral("v1 only")));
    QVERIFY(object()->setProperty("count", 3));
    QVERIFY(swapTo(BackendV2));
    QCOMPARE(m_root->property("objectVersion").toInt(), 2);
    QCOMPARE(m_root->property("count").toInt(), 3);
    // Named once, by name; the rest was kept.
    const QString error = m_backend->property("errorString").toString();
    QVERIFY2(error.contains(QLatin1String("'legacy'")) && error.contains(QLatin1String("backend::makeCounter")),
             qPrintable(error));
    QVERIFY2(!error.contains(QLatin1String("'count'")) && !error.contains(QLatin1String("'label'")),
             qPrintable(error));

    // The next swap has everything kept: nothing to say.
    QVERIFY(swapTo(BackendV1));
    QCOMPARE(m_root->property("count").toInt(), 3);
    QCOMPARE(m_backend->property("errorString").toString(), QString());
}

void tst_QmlHotObject::refusedFactoryKeepsOldObject_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("why");
    QTest::newRow("no factory") << BackendWithoutFactory << QStringLiteral("has no hot function 'backend::makeCounter'");
    QTest::newRow("another signature")
            << BackendOtherSignature << QStringLiteral("an object factory must be 'QObject*(QObject*)'");
}

void tst_QmlHotObject::refusedFactoryKeepsOldObject()
{
    QFETCH(QString, fixture);
    QFETCH(QString, why);
    QPointer<QObject> v1 = object();
    QVERIFY(v1);
    QVERIFY(object()->setProperty("count", 7));

    QSignalSpy objectChanged(m_backend, SIGNAL(objectChanged()));
    QVERIFY(swapTo(fixture));
    // The library took the version; the backend stays v1's, alive and working.
    QCOMPARE(m_lib->property("version").toInt(), 2);
    QCOMPARE(object(), v1.data());
    QCOMPARE(objectChanged.count(), 0);
    QCOMPARE(m_root->property("scaled").toDouble(), 14.0);
    const QString error = m_backend->property("errorString").toString();
    QVERIFY2(error.contains(why) && error.contains(QLatin1String("libbackend.so"))
                     && error.contains(QLatin1String("kept")),
             qPrintable(error));
    QVERIFY(QMetaObject::invokeMethod(m_root, "step"));
    QCOMPARE(m_root->property("count").toInt(), 8);

    // The next version with the factory takes over, with the values.
    QVERIFY(swapTo(BackendV2));
    QVERIFY(!v1);
    QCOMPARE(objectChanged.count(), 1);
    QCOMPARE(m_root->property("objectVersion").toInt(), 2);
    QCOMPARE(m_root->property("count").toInt(), 8);
    QCOMPARE(m_root->property("scaled").toDouble(), 24.0);
    // What it says now is v1's `legacy`, which v2 has not: the refusal is over.
    QVERIFY2(!m_backend->property("errorString").toString().contains(why),
             qPrintable(m_backend->property("errorString").toString()));
}

void tst_QmlHotObject::objectBelongsToHotObject()
{
    QPointer<QObject> made = object();
    QVERIFY(made);
    QCOMPARE(made->parent(), m_backend);
    QCOMPARE(QQmlEngine::objectOwnership(made), QQmlEngine::CppOwnership);
    // QML's collector does not take it, even with nothing in JS holding it.
    m_engine->collectGarbage();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QVERIFY(made);

    // Unloaded: the object goes with its version, and says so.
    QSignalSpy objectChanged(m_backend, SIGNAL(objectChanged()));
    QVERIFY(QMetaObject::invokeMethod(m_lib, "unload"));
    QVERIFY(!made);
    QCOMPARE(objectChanged.count(), 1);
    QCOMPARE(object(), nullptr);
    QCOMPARE(m_root->property("count").toInt(), -1);

    // Loaded again: a new one; with the engine, it goes.
    QVERIFY(QMetaObject::invokeMethod(m_lib, "load"));
    made = object();
    QVERIFY(made);
    QCOMPARE(m_root->property("objectVersion").toInt(), 1);
    m_engine.reset();
    QVERIFY(!made);
}

void tst_QmlHotObject::cleanupTestCase()
{
    qInstallMessageHandler(g_previousHandler);
}

QTEST_MAIN(tst_QmlHotObject)
#include "tst_qmlhotobject.moc"
