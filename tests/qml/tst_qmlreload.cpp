// SPDX-License-Identifier: MIT
// Live QML in a real QQuickView (offscreen): a component used three times is
// made again from its saved file with the values changed at run time kept,
// everything else untouched; a broken file keeps the scene; a .js import
// reloads; quick saves end with the last one shown; a file its writer still
// fills is not read before the writer closes it.

#include <QHotReload/qhotqmlreloader.h>

#include "watcher_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QPointer>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>
#include <QtCore/QTemporaryDir>
#include <QtQml/QQmlEngine>
#include <QtQuick/QQuickItem>
#include <QtQuick/QQuickView>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <memory>

class tst_QmlReload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void componentUsedThreeTimes();
    void brokenFileKeepsScene_data();
    void brokenFileKeepsScene();
    void scriptImportReloads();
    void quickSavesShowTheLast();
    void switchedOff();
    void moduleReloadsFromSource();
    void sceneFileKeepsState();
    void deletedThenWritten();
    void lostValueReported();
    void halfWrittenWaitsForTheClose();

private:
    QString path(const QString &name) const { return m_dir->filePath(name); }
    QString read(const QString &name) const;
    bool write(const QString &name, const QString &text) const;
    QQuickItem *item(const QString &name) const;
    QString labelOf(const QString &badge) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QQuickView> m_view;
    QHotQmlReloader *m_reloader = nullptr;
};

QString tst_QmlReload::read(const QString &name) const
{
    QFile file(path(name));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

bool tst_QmlReload::write(const QString &name, const QString &text) const
{
    // As an editor saves: a new file renamed over the old one.
    QSaveFile file(path(name));
    return file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) >= 0 && file.commit();
}

QQuickItem *tst_QmlReload::item(const QString &name) const
{
    QQuickItem *root = m_view->rootObject();
    if (!root)
        return nullptr;
    if (auto *found = root->findChild<QQuickItem *>(name))
        return found;
    // What a Repeater made is a visual child only.
    const QList<QQuickItem *> children = root->childItems();
    const auto it = std::find_if(children.cbegin(), children.cend(), [&](QQuickItem *c) { return c->objectName() == name; });
    return it == children.cend() ? nullptr : *it;
}

QString tst_QmlReload::labelOf(const QString &badge) const
{
    QQuickItem *b = item(badge);
    QObject *label = b ? b->findChild<QObject *>(QStringLiteral("label")) : nullptr;
    return label ? label->property("text").toString() : QString();
}

void tst_QmlReload::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    const QDir fixtures(QStringLiteral(QHOT_QMLRELOAD_FIXTURES));
    for (const QString &name : fixtures.entryList(QDir::Files))
        QVERIFY(QFile::copy(fixtures.filePath(name), path(name)));
    m_view = std::make_unique<QQuickView>();
    m_view->engine()->addImportPath(QStringLiteral(QHOT_QML_IMPORT_DIR));
    m_view->setSource(QUrl::fromLocalFile(path(QStringLiteral("Main.qml"))));
    QVERIFY2(m_view->status() == QQuickView::Ready, qPrintable(m_view->errors().value(0).toString()));
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_reloader = QHotQmlReloader::forEngine(m_view->engine());
    // HotQml in Main.qml gave the scene to the engine's reloader.
    QVERIFY(!m_reloader->roots().isEmpty());
    QVERIFY(m_reloader->watchedFiles().contains(path(QStringLiteral("Badge.qml"))));
    QVERIFY(m_reloader->watchedFiles().contains(path(QStringLiteral("badge.js"))));
}

void tst_QmlReload::cleanup()
{
    m_view.reset();
    m_dir.reset();
}

void tst_QmlReload::componentUsedThreeTimes()
{
    QPointer<QQuickItem> b1 = item(QStringLiteral("b1"));
    QPointer<QQuickItem> b2 = item(QStringLiteral("b2"));
    QPointer<QQuickItem> b3 = item(QStringLiteral("b3"));
    QPointer<QQuickItem> sibling = item(QStringLiteral("sibling"));
    QPointer<QQuickItem> made = item(QStringLiteral("made0"));
    QPointer<QQuickItem> derived = item(QStringLiteral("derived"));
    QVERIFY(b1 && b2 && b3 && sibling && made && derived);
    // The app changes state at run time.
    b1->setProperty("count", 5);
    b2->setProperty("count", 7);
    b2->setProperty("note", QStringLiteral("kept"));
    sibling->setProperty("taps", 3);
    sibling->setProperty("color", QColor(Qt::yellow));
    m_view->rootObject()->setProperty("clicks", 9);
    QCOMPARE(labelOf(QStringLiteral("b1")), QStringLiteral("v1 5"));

    QSignalSpy reloaded(m_reloader, &QHotQmlReloader::reloaded);
    QString text = read(QStringLiteral("Badge.qml"));
    text.replace(QStringLiteral("color: \"red\""), QStringLiteral("color: \"lime\""));
    text.replace(QStringLiteral("Words.word() + \" \""), QStringLiteral("\"new \" + Words.word() + \" \""));
    QVERIFY(write(QStringLiteral("Badge.qml"), text));
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(reloaded.first().first().toString(), path(QStringLiteral("Badge.qml")));

    // The three instances are new objects from the new text...
    for (const auto &[name, old] : {qMakePair(QStringLiteral("b1"), b1), qMakePair(QStringLiteral("b2"), b2),
                                    qMakePair(QStringLiteral("b3"), b3)}) {
        QQuickItem *now = item(name);
        QVERIFY2(now, qPrintable(name));
        QVERIFY(now != old.data());
        QCOMPARE(now->property("color").value<QColor>(), QColor(QStringLiteral("lime")));
        QCOMPARE(now->parentItem(), m_view->rootObject());
    }
    // ...with what the app changed and what Main.qml set on them.
    QCOMPARE(item(QStringLiteral("b1"))->property("count").toInt(), 5);
    QCOMPARE(item(QStringLiteral("b2"))->property("count").toInt(), 7);
    QCOMPARE(item(QStringLiteral("b2"))->property("note").toString(), QStringLiteral("kept"));
    QCOMPARE(item(QStringLiteral("b3"))->property("count").toInt(), 0);
    QCOMPARE(item(QStringLiteral("b1"))->x(), 10.);
    QCOMPARE(item(QStringLiteral("b2"))->x(), 110.);
    QCOMPARE(item(QStringLiteral("b3"))->x(), 210.);
    // The new binding runs on the kept value.
    QCOMPARE(labelOf(QStringLiteral("b1")), QStringLiteral("new v1 5"));
    QCOMPARE(labelOf(QStringLiteral("b2")), QStringLiteral("new v1 7"));
    QVERIFY(m_reloader->lastChangedProperties() > 0);
    QCOMPARE(m_reloader->lastKeptProperties(), m_reloader->lastChangedProperties());
    // The one status model says it, as for a library's reload.
    QObject *status = m_view->rootObject()->findChild<QObject *>(QStringLiteral("status"));
    QCOMPARE(status->property("state").toInt(), 4); // HotReloadStatus.Reloaded
    QVERIFY2(status->property("text").toString().startsWith(QStringLiteral("Badge.qml live")),
             qPrintable(status->property("text").toString()));
    // The old ones are gone; the sibling and the root are the same objects with their values.
    QTRY_VERIFY(!b1 && !b2 && !b3);
    QVERIFY(sibling);
    QCOMPARE(item(QStringLiteral("sibling")), sibling.data());
    QCOMPARE(sibling->property("taps").toInt(), 3);
    QCOMPARE(sibling->property("color").value<QColor>(), QColor(Qt::yellow));
    QCOMPARE(m_view->rootObject()->property("clicks").toInt(), 9);
    // What the Repeater made is its own: the same object, with the old text.
    QCOMPARE(item(QStringLiteral("made0")), made.data());
    QCOMPARE(made->property("color").value<QColor>(), QColor(Qt::red));
    // A type derived from Badge is made from its own file: untouched.
    QCOMPARE(item(QStringLiteral("derived")), derived.data());
    QCOMPARE(derived->property("extra").toInt(), 1);
    // And the window shows it.
    const QPoint inB3 = item(QStringLiteral("b3"))->mapToScene(QPointF(45, 45)).toPoint();
    QTRY_COMPARE(m_view->grabWindow().pixelColor(inB3), QColor(QStringLiteral("lime")));
}

void tst_QmlReload::brokenFileKeepsScene_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("where");
    QTest::newRow("syntax") << QStringLiteral("height: 50") << QStringLiteral("height: 50 +* ;")
                            << QStringLiteral("Badge.qml:10:");
    QTest::newRow("unknown type") << QStringLiteral("Text {") << QStringLiteral("NoSuchThing {")
                                  << QStringLiteral("Badge.qml:12:");
    QTest::newRow("missing import") << QStringLiteral("import QtQuick\n")
                                    << QStringLiteral("import QtQuick\nimport No.Such.Module\n")
                                    << QStringLiteral("Badge.qml:3:");
    QTest::newRow("binding throws") << QStringLiteral("width: 50")
                                    << QStringLiteral("width: noSuchObject.width")
                                    << QStringLiteral("Badge.qml:9:");
}

void tst_QmlReload::brokenFileKeepsScene()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, where);
    QPointer<QQuickItem> b1 = item(QStringLiteral("b1"));
    b1->setProperty("count", 4);
    const QString good = read(QStringLiteral("Badge.qml"));
    QString bad = good;
    bad.replace(from, to);
    QVERIFY(bad != good);

    QSignalSpy failed(m_reloader, &QHotQmlReloader::reloadFailed);
    QSignalSpy reloaded(m_reloader, &QHotQmlReloader::reloaded);
    QVERIFY(write(QStringLiteral("Badge.qml"), bad));
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.first().at(0).toString(), path(QStringLiteral("Badge.qml")));
    const QString message = failed.first().at(1).toString();
    QVERIFY2(message.startsWith(path(QStringLiteral("Badge.qml"))) && message.contains(where), qPrintable(message));
    QCOMPARE(reloaded.count(), 0);
    // The old scene stays, and HotQml says why.
    QCOMPARE(item(QStringLiteral("b1")), b1.data());
    QCOMPARE(labelOf(QStringLiteral("b1")), QStringLiteral("v1 4"));
    QCOMPARE(m_view->rootObject()->findChild<QObject *>(QStringLiteral("hot"))->property("lastError").toString(),
             message);
    QObject *status = m_view->rootObject()->findChild<QObject *>(QStringLiteral("status"));
    QCOMPARE(status->property("state").toInt(), 5); // HotReloadStatus.Refused
    QVERIFY2(status->property("text").toString().startsWith(QStringLiteral("refused: Badge.qml:")),
             qPrintable(status->property("text").toString()));

    // The next good save takes.
    QString fixed = good;
    fixed.replace(QStringLiteral("color: \"red\""), QStringLiteral("color: \"lime\""));
    QVERIFY(write(QStringLiteral("Badge.qml"), fixed));
    QVERIFY(reloaded.wait(5000));
    QVERIFY(item(QStringLiteral("b1")) != b1.data());
    QCOMPARE(item(QStringLiteral("b1"))->property("color").value<QColor>(), QColor(QStringLiteral("lime")));
    QCOMPARE(labelOf(QStringLiteral("b1")), QStringLiteral("v1 4"));
    QVERIFY(m_view->rootObject()->findChild<QObject *>(QStringLiteral("hot"))->property("lastError").toString().isEmpty());
}

void tst_QmlReload::scriptImportReloads()
{
    QPointer<QQuickItem> sibling = item(QStringLiteral("sibling"));
    item(QStringLiteral("b3"))->setProperty("count", 2);
    QSignalSpy reloaded(m_reloader, &QHotQmlReloader::reloaded);
    QVERIFY(write(QStringLiteral("badge.js"), QStringLiteral("function word() { return \"js2\" }\n")));
    QVERIFY(reloaded.wait(5000));
    QTRY_COMPARE(labelOf(QStringLiteral("b3")), QStringLiteral("js2 2"));
    QCOMPARE(labelOf(QStringLiteral("b1")), QStringLiteral("js2 0"));
    QCOMPARE(item(QStringLiteral("sibling")), sibling.data());
}

void tst_QmlReload::quickSavesShowTheLast()
{
    item(QStringLiteral("b2"))->setProperty("count", 1);
    const QString good = read(QStringLiteral("Badge.qml"));
    // 20 saves within a second, each a different text.
    for (int i = 1; i <= 20; ++i) {
        QString text = good;
        text.replace(QStringLiteral("Words.word() + \" \""), QStringLiteral("\"s%1 \"").arg(i));
        QVERIFY(write(QStringLiteral("Badge.qml"), text));
        QTest::qWait(40); // the pace of the saves, not a synchronization
    }
    QTRY_COMPARE(labelOf(QStringLiteral("b2")), QStringLiteral("s20 1"));
    QTRY_COMPARE(labelOf(QStringLiteral("b1")), QStringLiteral("s20 0"));
    QCOMPARE(item(QStringLiteral("b2"))->property("count").toInt(), 1);
}

void tst_QmlReload::switchedOff()
{
    QPointer<QQuickItem> b1 = item(QStringLiteral("b1"));
    QObject *hot = m_view->rootObject()->findChild<QObject *>(QStringLiteral("hot"));
    hot->setProperty("enabled", false);
    QVERIFY(!m_reloader->isEnabled());
    QVERIFY(write(QStringLiteral("Badge.qml"), read(QStringLiteral("Badge.qml")).replace(QStringLiteral("red"),
                                                                                        QStringLiteral("lime"))));
    // Nothing follows the save; reloadFile() still takes it on request.
    QSignalSpy reloaded(m_reloader, &QHotQmlReloader::reloaded);
    QVERIFY(!reloaded.wait(300));
    QCOMPARE(item(QStringLiteral("b1")), b1.data());
    QVERIFY(m_reloader->reloadFile(QUrl::fromLocalFile(path(QStringLiteral("Badge.qml")))));
    QCOMPARE(item(QStringLiteral("b1"))->property("color").value<QColor>(), QColor(QStringLiteral("lime")));
}

void tst_QmlReload::moduleReloadsFromSource()
{
    // The build tree's copies are the module's sources: put the originals back first.
    const QDir original(QStringLiteral(QHOT_QMLRELOAD_MODULE));
    const QDir copy(QStringLiteral(QHOT_QMLRELOAD_MODULE_COPY));
    for (const QString &name : {QStringLiteral("ModuleMain.qml"), QStringLiteral("Card.qml")}) {
        QFile::remove(copy.filePath(name));
        QVERIFY(QFile::copy(original.filePath(name), copy.filePath(name)));
    }
    QQuickView view;
    // Qt 6.5 puts modules under qrc:/qt/qml by default; Qt 6.4 under qrc:/.
    const QString prefix = QFile::exists(QStringLiteral(":/qt/qml/QHotLive/ModuleMain.qml")) ? QStringLiteral("/qt/qml")
                                                                                            : QString();
    view.setSource(QUrl(QStringLiteral("qrc:%1/QHotLive/ModuleMain.qml").arg(prefix)));
    QVERIFY2(view.status() == QQuickView::Ready, qPrintable(view.errors().value(0).toString()));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QHotQmlReloader *reloader = QHotQmlReloader::forEngine(view.engine());
    reloader->addRoot(view.rootObject());
    // Found through the map qhot_qml_sources() compiled in: the source files are watched.
    const QString cardFile = QFileInfo(copy.filePath(QStringLiteral("Card.qml"))).absoluteFilePath();
    QVERIFY2(reloader->watchedFiles().contains(cardFile), qPrintable(reloader->watchedFiles().join(u' ')));

    QPointer<QQuickItem> card = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("card"));
    QPointer<QQuickItem> other = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("other"));
    card->setProperty("score", 3);
    QSignalSpy reloaded(reloader, &QHotQmlReloader::reloaded);
    QFile source(cardFile);
    QVERIFY(source.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(source.readAll());
    source.close();
    text.replace(QStringLiteral("\"card \""), QStringLiteral("\"edited \"")).replace(QStringLiteral("red"),
                                                                                    QStringLiteral("lime"));
    QSaveFile save(cardFile);
    QVERIFY(save.open(QIODevice::WriteOnly) && save.write(text.toUtf8()) > 0 && save.commit());
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(reloaded.first().first().toString(), cardFile);

    // The new card is made from the source file, not from the resource or its compiled copy.
    QQuickItem *now = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("card"));
    QVERIFY(now && now != card.data());
    QCOMPARE(now->findChild<QObject *>(QStringLiteral("caption"))->property("text").toString(),
             QStringLiteral("edited 3"));
    QCOMPARE(now->x(), 20.);
    QCOMPARE(view.rootObject()->findChild<QQuickItem *>(QStringLiteral("other")), other.data());
    const QPoint inCard = now->mapToScene(QPointF(55, 55)).toPoint();
    QTRY_COMPARE(view.grabWindow().pixelColor(inCard), QColor(QStringLiteral("lime")));
    for (const QString &name : {QStringLiteral("ModuleMain.qml"), QStringLiteral("Card.qml")}) {
        QFile::remove(copy.filePath(name));
        QVERIFY(QFile::copy(original.filePath(name), copy.filePath(name)));
    }
}

void tst_QmlReload::sceneFileKeepsState()
{
    // Main.qml itself: its root is made again, with what the app changed in it and below.
    QPointer<QQuickItem> oldRoot = m_view->rootObject();
    oldRoot->setProperty("clicks", 6);
    item(QStringLiteral("b2"))->setProperty("count", 8);
    item(QStringLiteral("sibling"))->setProperty("taps", 2);
    QSignalSpy replaced(m_reloader, &QHotQmlReloader::rootReplaced);
    QSignalSpy reloaded(m_reloader, &QHotQmlReloader::reloaded);
    QString text = read(QStringLiteral("Main.qml"));
    text.replace(QStringLiteral("color: \"blue\""), QStringLiteral("color: \"lime\""));
    QVERIFY(write(QStringLiteral("Main.qml"), text));
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(reloaded.first().first().toString(), path(QStringLiteral("Main.qml")));
    QCOMPARE(replaced.count(), 1);
    auto *root = qobject_cast<QQuickItem *>(replaced.first().at(1).value<QObject *>());
    QVERIFY(root && root != oldRoot.data());
    QCOMPARE(root->parentItem(), m_view->contentItem());
    QVERIFY(m_reloader->roots().contains(root));
    QCOMPARE(root->property("clicks").toInt(), 6);
    QQuickItem *sibling = root->findChild<QQuickItem *>(QStringLiteral("sibling"));
    QCOMPARE(sibling->property("color").value<QColor>(), QColor(QStringLiteral("lime")));
    QCOMPARE(sibling->property("taps").toInt(), 2);
    QCOMPARE(root->findChild<QQuickItem *>(QStringLiteral("b2"))->property("count").toInt(), 8);
    QCOMPARE(root->findChild<QQuickItem *>(QStringLiteral("b2"))->x(), 110.);
    QTRY_VERIFY(!oldRoot);
}

void tst_QmlReload::deletedThenWritten()
{
    // An editor that deletes the file and writes a new one: the file's watch
    // ends with it, the directory's sees it back.
    item(QStringLiteral("b1"))->setProperty("count", 3);
    QString text = read(QStringLiteral("Badge.qml"));
    text.replace(QStringLiteral("color: \"red\""), QStringLiteral("color: \"lime\""));
    QSignalSpy reloaded(m_reloader, &QHotQmlReloader::reloaded);
    QVERIFY(QFile::remove(path(QStringLiteral("Badge.qml"))));
    QTest::qWait(100); // the time an editor takes between the two, not a synchronization
    QFile file(path(QStringLiteral("Badge.qml")));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(text.toUtf8()) > 0);
    file.close();
    QTRY_COMPARE(item(QStringLiteral("b1"))->property("color").value<QColor>(), QColor(QStringLiteral("lime")));
    QCOMPARE(item(QStringLiteral("b1"))->property("count").toInt(), 3);
    QVERIFY(m_reloader->watchedFiles().contains(path(QStringLiteral("Badge.qml"))));

    // And again: the file written anew is followed as the first one was.
    QVERIFY(QFile::remove(path(QStringLiteral("Badge.qml"))));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(text.replace(QStringLiteral("lime"), QStringLiteral("cyan")).toUtf8()) > 0);
    file.close();
    QTRY_COMPARE(item(QStringLiteral("b1"))->property("color").value<QColor>(), QColor(QStringLiteral("cyan")));
    QCOMPARE(item(QStringLiteral("b1"))->property("count").toInt(), 3);
}

void tst_QmlReload::lostValueReported()
{
    // A value the new file has no property for is reported by name.
    item(QStringLiteral("b2"))->setProperty("note", QStringLiteral("mine"));
    item(QStringLiteral("b2"))->setProperty("count", 4);
    QString text = read(QStringLiteral("Badge.qml"));
    text.replace(QStringLiteral("    property string note: \"none\"\n"), QString());
    QSignalSpy reloaded(m_reloader, &QHotQmlReloader::reloaded);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not kept: Badge.qml: 'note' of b2: not in the new file")));
    QVERIFY(write(QStringLiteral("Badge.qml"), text));
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(item(QStringLiteral("b2"))->property("count").toInt(), 4);
    QVERIFY(!item(QStringLiteral("b2"))->property("note").isValid());
    QCOMPARE(m_reloader->lastKeptProperties() + 1, m_reloader->lastChangedProperties());

    // The next save has nothing to lose and says nothing.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("not kept")));
    QVERIFY(write(QStringLiteral("Badge.qml"), text.replace(QStringLiteral("red"), QStringLiteral("lime"))));
    QVERIFY(reloaded.wait(5000));
    QCOMPARE(m_reloader->lastKeptProperties(), m_reloader->lastChangedProperties());
}

void tst_QmlReload::halfWrittenWaitsForTheClose()
{
    // Only where the kernel says when a writer is done: elsewhere a change is
    // all the watcher says, and the newest text is taken.
    {
        QHotReload::Internal::FileWatcher probe;
        probe.watch(path(QStringLiteral("Badge.qml")));
        if (probe.mode() != QHotReload::Internal::FileWatcher::Mode::Kernel)
            QSKIP(qPrintable(QStringLiteral("no writer's close is reported here: ") + probe.portableReason()));
    }
    // A scene of its own: two files that do not use each other, one written
    // slowly, the other saved meanwhile as a barrier. (Each has an object
    // inside: a file is found through the objects its text makes.)
    const QString rectangle = QStringLiteral("import QtQuick\nRectangle { width: 50; height: 50; color: \"%1\"; Item { } }\n");
    QVERIFY(write(QStringLiteral("Half.qml"), rectangle.arg(QStringLiteral("red"))));
    QVERIFY(write(QStringLiteral("Mark.qml"), rectangle.arg(QStringLiteral("blue"))));
    QVERIFY(write(QStringLiteral("Pair.qml"), QStringLiteral("import QtQuick\nItem {\n    width: 200; height: 100\n"
                                                             "    Half { objectName: \"half\" }\n"
                                                             "    Mark { objectName: \"mark\"; x: 100 }\n}\n")));
    QQuickView view;
    view.setSource(QUrl::fromLocalFile(path(QStringLiteral("Pair.qml"))));
    QVERIFY2(view.status() == QQuickView::Ready, qPrintable(view.errors().value(0).toString()));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QHotQmlReloader *reloader = QHotQmlReloader::forEngine(view.engine());
    reloader->addRoot(view.rootObject());
    QVERIFY(reloader->watchedFiles().contains(path(QStringLiteral("Half.qml"))));
    QPointer<QQuickItem> half = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("half"));
    QVERIFY(half);
    QSignalSpy reloaded(reloader, &QHotQmlReloader::reloaded);
    QSignalSpy failed(reloader, &QHotQmlReloader::reloadFailed);

    // The writer truncates the file and writes the first half of the new
    // text (no valid QML yet), and keeps it open.
    QFile writer(path(QStringLiteral("Half.qml")));
    QVERIFY(writer.open(QIODevice::WriteOnly | QIODevice::Truncate));
    const QByteArray text = rectangle.arg(QStringLiteral("lime")).toUtf8();
    const qsizetype cut = text.indexOf("lime") + 2;
    QCOMPARE(writer.write(text.left(cut)), qint64(cut));
    QVERIFY(writer.flush());
    // The barrier: the reloader hears of this save after the writes above.
    QVERIFY(write(QStringLiteral("Mark.qml"), rectangle.arg(QStringLiteral("yellow"))));
    QTRY_VERIFY(!reloaded.isEmpty());
    QCOMPARE(reloaded.first().first().toString(), path(QStringLiteral("Mark.qml")));
    // The half-written file was not read: no error, the old object stays.
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
    QCOMPARE(view.rootObject()->findChild<QQuickItem *>(QStringLiteral("half")), half.data());
    QCOMPARE(half->property("color").value<QColor>(), QColor(Qt::red));

    // The writer finishes and closes: its text is taken.
    reloaded.clear();
    QCOMPARE(writer.write(text.mid(cut)), qint64(text.size() - cut));
    writer.close();
    QTRY_VERIFY(!reloaded.isEmpty());
    QCOMPARE(reloaded.first().first().toString(), path(QStringLiteral("Half.qml")));
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(1).toString()));
    QQuickItem *now = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("half"));
    QVERIFY(now && now != half.data());
    QCOMPARE(now->property("color").value<QColor>(), QColor(QStringLiteral("lime")));
    const QPoint inHalf = now->mapToScene(QPointF(25, 25)).toPoint();
    QTRY_COMPARE(view.grabWindow().pixelColor(inHalf), QColor(QStringLiteral("lime")));
}

QTEST_MAIN(tst_QmlReload)
#include "tst_qmlreload.moc"
