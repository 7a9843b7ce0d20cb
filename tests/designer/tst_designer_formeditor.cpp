// SPDX-License-Identifier: MIT
// The plugin in Designer's own form editor (QDesignerComponents, the code the
// designer application runs), found on QT_PLUGIN_PATH as Designer finds it: a
// form using both widgets is opened and saved again. What Designer writes must
// be what uic and QUiLoader need — the classes, the public headers as global
// includes, libraryFile and factory untranslatable — and a QHotWidget on the
// form must run none of its library's code.

#include "designertest.h"

#include <QHotReload/QHotReloadIndicator>
#include <QHotReload/QHotWidget>

#include <QtCore/QFile>
#include <QtCore/QXmlStreamReader>
#include <QtDesigner/QDesignerComponents>
#include <QtDesigner/QDesignerFormEditorInterface>
#include <QtDesigner/QDesignerFormWindowInterface>
#include <QtDesigner/QDesignerFormWindowManagerInterface>
#include <QtDesigner/QDesignerIntegration>
#include <QtDesigner/QDesignerPropertySheetExtension>
#include <QtDesigner/QExtensionManager>
#include <QtDesigner/QDesignerWidgetDataBaseInterface>
#include <QtTest/QTest>
#include <QtWidgets/QApplication>
#include <QtWidgets/QLabel>

using namespace QHotWidgetsTest;
using namespace QHotDesignerTest;

namespace {

// What a saved form says about one widget and the custom classes.
struct Saved
{
    QMap<QString, QString> classOf;           // object name -> class
    QMap<QString, QString> stringProperty;    // "object.property" -> value
    QMap<QString, QString> notr;              // "object.property" -> notr attribute
    QMap<QString, QString> header;            // class -> header
    QMap<QString, QString> headerLocation;    // class -> location attribute
    QString error;
};

Saved readForm(const QString &xml)
{
    Saved saved;
    QXmlStreamReader reader(xml);
    QStringList objects;
    QString property;
    QString customClass;
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isStartElement()) {
            const QStringView tag = reader.name();
            const QXmlStreamAttributes attributes = reader.attributes();
            if (tag == u"widget") {
                objects << attributes.value(QLatin1String("name")).toString();
                saved.classOf.insert(objects.last(), attributes.value(QLatin1String("class")).toString());
            } else if (tag == u"property") {
                property = attributes.value(QLatin1String("name")).toString();
            } else if (tag == u"string" && !objects.isEmpty() && !property.isEmpty()) {
                const QString key = objects.last() + QLatin1Char('.') + property;
                saved.notr.insert(key, attributes.value(QLatin1String("notr")).toString());
                saved.stringProperty.insert(key, reader.readElementText());
            } else if (tag == u"class") {
                customClass = reader.readElementText();
            } else if (tag == u"header") {
                saved.headerLocation.insert(customClass, attributes.value(QLatin1String("location")).toString());
                saved.header.insert(customClass, reader.readElementText());
            }
        } else if (reader.isEndElement()) {
            if (reader.name() == u"widget")
                objects.removeLast();
            else if (reader.name() == u"property")
                property.clear();
        }
    }
    if (reader.hasError())
        saved.error = reader.errorString();
    return saved;
}

QString readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class tst_DesignerFormEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void widgetDataBase_data();
    void widgetDataBase();
    void openAndSave();
    void hotWidgetOnTheFormLoadsNothing();

private:
    QDesignerFormEditorInterface *m_core = nullptr;
    QWidget m_host;
};

void tst_DesignerFormEditor::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("QT_PLUGIN_PATH"))
        QSKIP("run with QT_PLUGIN_PATH=<build>/plugins (ctest does)");
    QDesignerComponents::initializeResources();
    m_core = QDesignerComponents::createFormEditor(this);
    QVERIFY(m_core);
    // As the designer application sets itself up, less its windows.
    QDesignerComponents::createTaskMenu(m_core, this);
    QDesignerComponents::initializePlugins(m_core);
    m_core->setWidgetBox(QDesignerComponents::createWidgetBox(m_core, &m_host));
    m_core->setPropertyEditor(QDesignerComponents::createPropertyEditor(m_core, &m_host));
    m_core->setObjectInspector(QDesignerComponents::createObjectInspector(m_core, &m_host));
    m_core->setActionEditor(QDesignerComponents::createActionEditor(m_core, &m_host));
    new QDesignerIntegration(m_core, this); // sets itself as the core's integration
}

void tst_DesignerFormEditor::widgetDataBase_data()
{
    addWidgetRows();
}

void tst_DesignerFormEditor::widgetDataBase()
{
    // Designer took the plugin's widgets into its widget box.
    QFETCH(QString, name);
    QFETCH(QString, includeFile);
    QDesignerWidgetDataBaseInterface *db = m_core->widgetDataBase();
    const int index = db->indexOfClassName(name);
    QVERIFY2(index >= 0, qPrintable(name + QStringLiteral(" is not in Designer's widget database")));
    QDesignerWidgetDataBaseItemInterface *item = db->item(index);
    QVERIFY(item->isCustom());
    QVERIFY(!item->isContainer());
    QCOMPARE(item->group(), QStringLiteral("QHotReload"));
    QCOMPARE(item->includeFile(), includeFile);
    QCOMPARE(item->extends(), QStringLiteral("QWidget"));
}

void tst_DesignerFormEditor::openAndSave()
{
    QDesignerFormWindowInterface *form = m_core->formWindowManager()->createFormWindow(&m_host);
    QVERIFY(form);
    QVERIFY(form->setContents(readAll(QStringLiteral(QHOT_DESIGNER_FORM))));
    QVERIFY(form->mainContainer());
    auto *hot = form->mainContainer()->findChild<QHotWidget *>(QStringLiteral("panel"));
    QVERIFY2(hot, "the form editor made no QHotWidget 'panel'");
    QCOMPARE(hot->libraryFile(), QStringLiteral("panel"));
    QVERIFY(form->mainContainer()->findChild<QHotReloadIndicator *>(QStringLiteral("indicator")));
    // The property editor's QHotWidget group: the two names, nothing else
    // (read-only state and switches for form editors stay out of the form).
    auto *sheet = qt_extension<QDesignerPropertySheetExtension *>(m_core->extensionManager(), hot);
    QVERIFY(sheet);
    QStringList offered;
    for (int i = 0; i < sheet->count(); ++i) {
        if (sheet->isVisible(i) && sheet->propertyGroup(i) == QLatin1String("QHotWidget"))
            offered << sheet->propertyName(i);
    }
    QCOMPARE(offered, QStringList({QStringLiteral("libraryFile"), QStringLiteral("factory")}));

    const Saved saved = readForm(form->contents());
    QVERIFY2(saved.error.isEmpty(), qPrintable(saved.error));
    QCOMPARE(saved.classOf.value(QStringLiteral("panel")), QStringLiteral("QHotWidget"));
    QCOMPARE(saved.classOf.value(QStringLiteral("indicator")), QStringLiteral("QHotReloadIndicator"));
    QCOMPARE(saved.stringProperty.value(QStringLiteral("panel.libraryFile")), QStringLiteral("panel"));
    QCOMPARE(saved.stringProperty.value(QStringLiteral("panel.factory")), QStringLiteral("fixture::createPanel"));
    QCOMPARE(saved.notr.value(QStringLiteral("panel.libraryFile")), QStringLiteral("true"));
    QCOMPARE(saved.notr.value(QStringLiteral("panel.factory")), QStringLiteral("true"));
    QCOMPARE(saved.header.value(QStringLiteral("QHotWidget")), QStringLiteral("QHotReload/QHotWidget"));
    QCOMPARE(saved.headerLocation.value(QStringLiteral("QHotWidget")), QStringLiteral("global"));
    QCOMPARE(saved.header.value(QStringLiteral("QHotReloadIndicator")), QStringLiteral("QHotReload/QHotReloadIndicator"));
    QCOMPARE(saved.headerLocation.value(QStringLiteral("QHotReloadIndicator")), QStringLiteral("global"));
    delete form;
}

void tst_DesignerFormEditor::hotWidgetOnTheFormLoadsNothing()
{
    // A real, loadable library on the form: only the plugin's design mode keeps it out.
    WatchedLibrary file(fixturePath(QHOT_FIXTURE_WIDGETS_PANEL_V1));
    QVERIFY(file.isValid());
    QString ui = readAll(QStringLiteral(QHOT_DESIGNER_FORM));
    ui.replace(QStringLiteral(">panel</string>"), QLatin1Char('>') + file.path().toHtmlEscaped() + QStringLiteral("</string>"));
    QDesignerFormWindowInterface *form = m_core->formWindowManager()->createFormWindow(&m_host);
    QVERIFY(form->setContents(ui));
    auto *hot = form->mainContainer()->findChild<QHotWidget *>(QStringLiteral("panel"));
    QVERIFY(hot);
    QCOMPARE(hot->libraryFile(), file.path());

    QCOMPARE(hot->library(), nullptr);
    QCOMPARE(hot->widget(), nullptr);
    QString shown;
    const QList<QLabel *> labels = hot->findChildren<QLabel *>();
    for (const QLabel *label : labels)
        shown += label->text();
    QVERIFY2(shown.contains(QStringLiteral("fixture::createPanel")), qPrintable(shown));
    QVERIFY2(shown.contains(QFileInfo(file.path()).fileName()), qPrintable(shown));
    delete form;
}

QTEST_MAIN(tst_DesignerFormEditor)
#include "tst_designer_formeditor.moc"
