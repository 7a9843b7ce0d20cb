// SPDX-License-Identifier: MIT
// The Designer plugin as Designer and QUiLoader see it: a real plugin file
// loaded with QPluginLoader, its widget box entries parsed, and form.ui loaded
// through QUiLoader into QHotWidget / QHotReloadIndicator objects that host a
// real hot library and follow a real rebuild of it.

#include "designertest.h"

#include <QHotReload/QHotReloadIndicator>
#include <QHotReload/QHotWidget>

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonObject>
#include <QtCore/QPluginLoader>
#include <QtCore/QXmlStreamReader>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>
#include <QtUiPlugin/QDesignerCustomWidgetCollectionInterface>
#include <QtUiPlugin/QDesignerCustomWidgetInterface>
#include <QtUiTools/QUiLoader>
#include <QtWidgets/QApplication>

#include <memory>

using namespace QHotWidgetsTest;
using namespace QHotDesignerTest;

namespace {

const QString PluginFile = QStringLiteral(QHOT_DESIGNER_PLUGIN);
const QString FormFile = QStringLiteral(QHOT_DESIGNER_FORM);
const QString PublicIncludeDir = QStringLiteral(QHOT_PUBLIC_INCLUDE_DIR);

QList<QDesignerCustomWidgetInterface *> customWidgets(QObject *instance)
{
    auto *collection = qobject_cast<QDesignerCustomWidgetCollectionInterface *>(instance);
    return collection ? collection->customWidgets() : QList<QDesignerCustomWidgetInterface *>();
}

QDesignerCustomWidgetInterface *findWidget(QObject *instance, const QString &name)
{
    const QList<QDesignerCustomWidgetInterface *> all = customWidgets(instance);
    for (QDesignerCustomWidgetInterface *w : all) {
        if (w->name() == name)
            return w;
    }
    return nullptr;
}

// What Designer reads from domXml: the widget's class and name, its geometry,
// and the property specifications of its <customwidget>.
struct DomEntry
{
    QString widgetClass;
    QString objectName;
    QSize size;
    QMap<QString, QString> notr; // string property -> its notr attribute
    QString error;
};

DomEntry parseDomXml(const QString &xml)
{
    DomEntry entry;
    QXmlStreamReader reader(xml);
    QString property;
    QString rectField;
    int depth = 0;
    bool inGeometry = false;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            ++depth;
            const QStringView tag = reader.name();
            if (depth == 1 && tag != u"ui")
                entry.error = QStringLiteral("root element is <%1>, not <ui>").arg(tag);
            if (tag == u"widget" && entry.widgetClass.isEmpty()) {
                entry.widgetClass = reader.attributes().value(QLatin1String("class")).toString();
                entry.objectName = reader.attributes().value(QLatin1String("name")).toString();
            } else if (tag == u"property") {
                property = reader.attributes().value(QLatin1String("name")).toString();
                inGeometry = property == u"geometry";
            } else if (inGeometry && (tag == u"width" || tag == u"height")) {
                rectField = tag.toString();
            } else if (tag == u"stringpropertyspecification") {
                entry.notr.insert(reader.attributes().value(QLatin1String("name")).toString(),
                                  reader.attributes().value(QLatin1String("notr")).toString());
            }
        } else if (reader.isCharacters() && !rectField.isEmpty()) {
            const int value = reader.text().toInt();
            if (rectField == u"width")
                entry.size.setWidth(value);
            else
                entry.size.setHeight(value);
            rectField.clear();
        } else if (reader.isEndElement()) {
            --depth;
            if (reader.name() == u"property")
                inGeometry = false;
        }
    }
    if (reader.hasError())
        entry.error = QStringLiteral("line %1: %2").arg(reader.lineNumber()).arg(reader.errorString());
    return entry;
}

} // namespace

class tst_DesignerPlugin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void metaData();
    void interfaces_data();
    void interfaces();
    void domXml_data();
    void domXml();
    void createWidget();
    void uiLoaderWithPluginPath();
    void uiLoaderWithoutPlugin();
    void uiLoaderThroughQtPluginPath();

private:
    void checkForm(QWidget *form, const WatchedLibrary &file);

    QPluginLoader m_loader{PluginFile};
};

void tst_DesignerPlugin::initTestCase()
{
    QVERIFY2(m_loader.load(), qPrintable(m_loader.errorString()));
    QVERIFY(m_loader.instance());
}

void tst_DesignerPlugin::metaData()
{
    // What Designer and QUiLoader read before they instantiate anything.
    const QJsonObject meta = m_loader.metaData();
    QCOMPARE(meta.value(QStringLiteral("IID")).toString(),
             QStringLiteral("org.qt-project.Qt.QDesignerCustomWidgetCollectionInterface"));
    QCOMPARE(meta.value(QStringLiteral("className")).toString(), QStringLiteral("Plugin"));
    const QJsonObject ours = meta.value(QStringLiteral("MetaData")).toObject();
    QCOMPARE(ours.value(QStringLiteral("Project")).toString(), QStringLiteral("QHotReload"));
    const QJsonArray keys = ours.value(QStringLiteral("Keys")).toArray();
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys.at(0).toString(), QStringLiteral("QHotWidget"));
    QCOMPARE(keys.at(1).toString(), QStringLiteral("QHotReloadIndicator"));
}

void tst_DesignerPlugin::interfaces_data()
{
    addWidgetRows();
}

void tst_DesignerPlugin::interfaces()
{
    QFETCH(QString, name);
    QFETCH(QString, includeFile);
    QObject *instance = m_loader.instance();
    QVERIFY(qobject_cast<QDesignerCustomWidgetCollectionInterface *>(instance));
    QCOMPARE(customWidgets(instance).size(), 2);
    QDesignerCustomWidgetInterface *w = findWidget(instance, name);
    QVERIFY2(w, qPrintable(name));
    QCOMPARE(w->group(), QStringLiteral("QHotReload"));
    QVERIFY(!w->toolTip().isEmpty());
    QVERIFY(w->whatsThis().size() > w->toolTip().size());
    QVERIFY(!w->isContainer());
    QVERIFY(!w->isInitialized()); // only Designer initializes; this process is not Designer
    // uic writes #include <QHotReload/...>: it must be a public header we install.
    QCOMPARE(w->includeFile(), includeFile);
    const QString header = includeFile.mid(1, includeFile.size() - 2);
    QVERIFY2(QFile::exists(PublicIncludeDir + QLatin1Char('/') + header), qPrintable(header));
}

void tst_DesignerPlugin::domXml_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("untranslated");
    QTest::newRow("QHotWidget") << QStringLiteral("QHotWidget")
                                << QStringList{QStringLiteral("libraryFile"), QStringLiteral("factory")};
    QTest::newRow("QHotReloadIndicator") << QStringLiteral("QHotReloadIndicator") << QStringList();
}

void tst_DesignerPlugin::domXml()
{
    QFETCH(QString, name);
    QFETCH(QStringList, untranslated);
    QDesignerCustomWidgetInterface *w = findWidget(m_loader.instance(), name);
    QVERIFY(w);
    const DomEntry entry = parseDomXml(w->domXml());
    QVERIFY2(entry.error.isEmpty(), qPrintable(entry.error));
    QCOMPARE(entry.widgetClass, name);
    QVERIFY(!entry.objectName.isEmpty());
    QVERIFY2(entry.size.width() >= 100 && entry.size.height() >= 20, "a default geometry one can see and grab");
    // File and function names are not for translators: uic must not wrap them in tr().
    for (const QString &property : std::as_const(untranslated))
        QCOMPARE(entry.notr.value(property), QStringLiteral("true"));
}

void tst_DesignerPlugin::createWidget()
{
    QWidget parent;
    QDesignerCustomWidgetInterface *hot = findWidget(m_loader.instance(), QStringLiteral("QHotWidget"));
    QDesignerCustomWidgetInterface *indicator = findWidget(m_loader.instance(), QStringLiteral("QHotReloadIndicator"));
    QVERIFY(hot && indicator);

    QWidget *a = hot->createWidget(&parent);
    QVERIFY(qobject_cast<QHotWidget *>(a));
    QCOMPARE(a->metaObject()->className(), "QHotWidget");
    QCOMPARE(a->parentWidget(), &parent);
    QCOMPARE(static_cast<QHotWidget *>(a)->library(), nullptr);

    QWidget *b = indicator->createWidget(&parent);
    QVERIFY(qobject_cast<QHotReloadIndicator *>(b));
    QCOMPARE(b->metaObject()->className(), "QHotReloadIndicator");
    QCOMPARE(b->parentWidget(), &parent);
    QCOMPARE(static_cast<QHotReloadIndicator *>(b)->state(), QHotReloadIndicator::Idle);
}

// form.ui as built by a loader: the widgets are ours, carry the .ui's values,
// and the QHotWidget hosts the hot library's widget through a rebuild.
void tst_DesignerPlugin::checkForm(QWidget *form, const WatchedLibrary &file)
{
    QVERIFY(form);
    auto *hot = form->findChild<QHotWidget *>(QStringLiteral("panel"));
    QVERIFY2(hot, "QHotWidget 'panel' not made from the .ui file");
    QCOMPARE(hot->libraryFile(), QStringLiteral("panel"));
    QCOMPARE(hot->factory(), QStringLiteral("fixture::createPanel"));
    QCOMPARE(hot->minimumSize(), QSize(200, 120));
    QVERIFY(hot->library());
    QCOMPARE(QFileInfo(hot->library()->fileName()).canonicalFilePath(), QFileInfo(file.path()).canonicalFilePath());
    QVERIFY2(hot->widget(), qPrintable(hot->errorString()));
    QCOMPARE(hot->widget()->property("fixtureVersion").toInt(), 1);

    auto *indicator = form->findChild<QHotReloadIndicator *>(QStringLiteral("indicator"));
    QVERIFY2(indicator, "QHotReloadIndicator 'indicator' not made from the .ui file");
    QCOMPARE(indicator->autoHideDelay(), 1500);
    QCOMPARE(indicator->toolTip(), QStringLiteral("reload status"));
    indicator->setLibrary(hot->library()); // not a .ui property: code connects them
    QCOMPARE(indicator->state(), QHotReloadIndicator::Watching);

    QSignalSpy reloaded(hot->library(), &QHotLibrary::reloaded);
    QVERIFY(file.replaceLikeLd(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QVERIFY(hot->widget());
    QCOMPARE(hot->widget()->property("fixtureVersion").toInt(), 2);
    QCOMPARE(indicator->state(), QHotReloadIndicator::Reloaded);
}

void tst_DesignerPlugin::uiLoaderWithPluginPath()
{
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    CurrentDir cwd(directoryOf(file.path()));
    QVERIFY(cwd.isValid());

    QUiLoader loader;
    loader.clearPluginPaths(); // only the directory we name, whatever QT_PLUGIN_PATH says
    loader.addPluginPath(directoryOf(PluginFile));
    QVERIFY(loader.availableWidgets().contains(QStringLiteral("QHotWidget")));
    QVERIFY(loader.availableWidgets().contains(QStringLiteral("QHotReloadIndicator")));

    QFile ui(FormFile);
    QVERIFY(ui.open(QIODevice::ReadOnly));
    std::unique_ptr<QWidget> form(loader.load(&ui));
    QVERIFY2(form, qPrintable(loader.errorString()));
    checkForm(form.get(), file);
}

void tst_DesignerPlugin::uiLoaderWithoutPlugin()
{
    // The control: without the plugin QUiLoader knows neither class, and
    // form.ui gives plain QWidgets. (What the test above gets is the plugin's.)
    QUiLoader loader;
    loader.clearPluginPaths();
    QVERIFY(!loader.availableWidgets().contains(QStringLiteral("QHotWidget")));
    QFile ui(FormFile);
    QVERIFY(ui.open(QIODevice::ReadOnly));
    std::unique_ptr<QWidget> form(loader.load(&ui));
    QVERIFY(form);
    QCOMPARE(form->findChild<QHotWidget *>(), nullptr);
}

void tst_DesignerPlugin::uiLoaderThroughQtPluginPath()
{
    // Trying the plugin without installing it: QT_PLUGIN_PATH=<build>/plugins
    // (ctest sets it) puts its designer/ folder on QUiLoader's default paths
    // and on Designer's.
    if (qEnvironmentVariableIsEmpty("QT_PLUGIN_PATH"))
        QSKIP("run with QT_PLUGIN_PATH=<build>/plugins (ctest does)");
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    CurrentDir cwd(directoryOf(file.path()));
    QVERIFY(cwd.isValid());

    QUiLoader loader;
    QVERIFY2(loader.availableWidgets().contains(QStringLiteral("QHotWidget")),
             qPrintable(loader.pluginPaths().join(QLatin1Char(' '))));
    QFile ui(FormFile);
    QVERIFY(ui.open(QIODevice::ReadOnly));
    std::unique_ptr<QWidget> form(loader.load(&ui));
    QVERIFY2(form, qPrintable(loader.errorString()));
    checkForm(form.get(), file);
}

QTEST_MAIN(tst_DesignerPlugin)
#include "tst_designerplugin.moc"
