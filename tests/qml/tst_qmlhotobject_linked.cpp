// SPDX-License-Identifier: MIT
// HotObject with hot reload off: the backend fixture linked into this test
// (QHOTRELOAD_STATIC), registered by name as qhot_link_library()'s generated
// source does, and used from the same QML as a hot one.

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QPointer>
#include <QtCore/QScopedPointer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>
#include <QtTest/QTest>

extern "C" const QHotReload::Abi::Manifest *qhotreload_linked_manifest_qml_backend_linked();

class tst_QmlHotObjectLinked : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void factoryIsCalledOnce();
};

void tst_QmlHotObjectLinked::initTestCase()
{
    QVERIFY(QHotReload::Detail::registerLinkedLibrary("qml_backend_linked",
                                                      &qhotreload_linked_manifest_qml_backend_linked));
}

void tst_QmlHotObjectLinked::factoryIsCalledOnce()
{
    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(QHOT_QML_IMPORT_DIR));
    QQmlComponent component(&engine);
    component.setData(R"(import QtQml
import QHotReload
QtObject {
    property HotLibrary lib: HotLibrary { fileName: "qml_backend_linked" }
    property HotObject backend: HotObject { library: lib; factory: "backend::makeCounter" }
    property HotObject missing: HotObject { library: lib; factory: "backend::noSuchFactory" }
    readonly property real scaled: backend.object ? backend.object.scaled : -1
}
)",
                      QUrl(QStringLiteral("file:///qhotreload-test/linked.qml")));
    QScopedPointer<QObject> root(component.create());
    QVERIFY2(root, qPrintable(component.errorString()));
    auto *lib = root->property("lib").value<QObject *>();
    auto *backend = root->property("backend").value<QObject *>();
    QVERIFY(lib->property("linkedIn").toBool());

    QPointer<QObject> made = backend->property("object").value<QObject *>();
    QVERIFY2(made, qPrintable(backend->property("errorString").toString()));
    QCOMPARE(made->parent(), backend);
    QCOMPARE(made->property("fixtureVersion").toInt(), 1);
    QVERIFY(made->setProperty("count", 4));
    QCOMPARE(root->property("scaled").toDouble(), 8.0);
    QCOMPARE(backend->property("errorString").toString(), QString());

    // Nothing to reload: the same object stays.
    bool reloaded = true;
    QVERIFY(QMetaObject::invokeMethod(lib, "reload", Q_RETURN_ARG(bool, reloaded)));
    QVERIFY(!reloaded);
    QCOMPARE(lib->property("version").toInt(), 1);
    QCOMPARE(backend->property("object").value<QObject *>(), made.data());

    // A factory the linked-in library does not have: said, naming both.
    auto *missing = root->property("missing").value<QObject *>();
    QCOMPARE(missing->property("object").value<QObject *>(), nullptr);
    const QString error = missing->property("errorString").toString();
    QVERIFY2(error.contains(QLatin1String("qml_backend_linked"))
                     && error.contains(QLatin1String("'backend::noSuchFactory'")),
             qPrintable(error));

    root.reset();
    QVERIFY(!made);
}

QTEST_MAIN(tst_QmlHotObjectLinked)
#include "tst_qmlhotobject_linked.moc"
