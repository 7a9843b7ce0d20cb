// SPDX-License-Identifier: MIT
#include "qhotreloaddesignerplugin.h"

#include <QHotReload/QHotReloadIndicator>
#include <QHotReload/QHotWidget>

#include <QtCore/QSize>
#include <QtGui/QIcon>

namespace QHotReload::Designer {

namespace {

// The string properties of a QHotWidget are file and function names, never
// text for translators: notr keeps uic from wrapping them in tr().
const char HotWidgetSpecifications[] = R"(<propertyspecifications>
    <stringpropertyspecification name="libraryFile" notr="true" type="singleline"/>
    <stringpropertyspecification name="factory" notr="true" type="singleline"/>
   </propertyspecifications>)";

// Designer's widget box entry: the class, a default object name and size, and
// what Designer should know about the class's properties.
QString widgetBoxXml(const WidgetInterface::Description &d)
{
    QString xml = QStringLiteral("<ui language=\"c++\" displayname=\"%1\">\n"
                                 " <widget class=\"%1\" name=\"%2\">\n"
                                 "  <property name=\"geometry\">\n"
                                 "   <rect><x>0</x><y>0</y><width>%3</width><height>%4</height></rect>\n"
                                 "  </property>\n"
                                 " </widget>\n")
                          .arg(QLatin1String(d.name), QLatin1String(d.objectName))
                          .arg(d.size.width())
                          .arg(d.size.height());
    if (d.propertySpecifications) {
        xml += QStringLiteral(" <customwidgets>\n  <customwidget>\n   <class>%1</class>\n   %2\n"
                              "  </customwidget>\n </customwidgets>\n")
                       .arg(QLatin1String(d.name), QLatin1String(d.propertySpecifications));
    }
    return xml + QStringLiteral("</ui>\n");
}

QWidget *createHotWidget(QWidget *parent, bool inDesigner)
{
    auto *widget = new QHotWidget(parent);
    // Before Designer writes the form's libraryFile into it: loading would run
    // the application's code inside Designer, built against the application's
    // Qt and able to crash Designer with the unsaved form. The preview names
    // the factory and the library instead.
    if (inDesigner)
        widget->setPreviewOnly(true);
    return widget;
}

QWidget *createIndicator(QWidget *parent, bool)
{
    return new QHotReloadIndicator(parent); // follows no library: "no hot library"
}

const WidgetInterface::Description HotWidgetDescription = {
    "QHotWidget",
    "<QHotReload/QHotWidget>",
    "A widget made by a hot library's factory, made anew after each reload",
    "QHotWidget shows the widget that the factory function named by 'factory' "
    "(a hot function QWidget *(QWidget *parent) listed in the library's QHOT_LIBRARY) "
    "makes, from the hot library 'libraryFile' (a path, or a bare name such as "
    "\"panel\" for libpanel.so, looked for next to the executable and in the working "
    "directory). When the library is rebuilt the widget is made again with its "
    "properties kept. In Designer it only shows what it will host: the library is "
    "loaded when the application runs.",
    "hotWidget",
    QSize(240, 160),
    HotWidgetSpecifications,
    createHotWidget,
};

const WidgetInterface::Description IndicatorDescription = {
    "QHotReloadIndicator",
    "<QHotReload/QHotReloadIndicator>",
    "One line of hot reload status: watching, building, reloaded, refused",
    "QHotReloadIndicator shows what a hot library is doing: watching, building, "
    "\"saved → live in 2.8 s (build 2.6 s, link 190 ms, swap 1 ms)\", refused (with the reason), build failed. The library is "
    "not a property Designer can set: call setLibrary() in code, for example with a "
    "QHotWidget's library(). A click shows the full text.",
    "reloadIndicator",
    QSize(240, 24),
    nullptr,
    createIndicator,
};

} // namespace

// --- WidgetInterface --------------------------------------------------------------

WidgetInterface::WidgetInterface(const Description &description, QObject *parent)
    : QObject(parent)
    , m_description(description)
{
}

QString WidgetInterface::name() const
{
    return QString::fromLatin1(m_description.name);
}

QString WidgetInterface::group() const
{
    return QStringLiteral("QHotReload");
}

QString WidgetInterface::toolTip() const
{
    return QString::fromUtf8(m_description.toolTip);
}

QString WidgetInterface::whatsThis() const
{
    return QString::fromUtf8(m_description.whatsThis);
}

QString WidgetInterface::includeFile() const
{
    return QString::fromLatin1(m_description.includeFile);
}

QIcon WidgetInterface::icon() const
{
    return QIcon();
}

QString WidgetInterface::domXml() const
{
    return widgetBoxXml(m_description);
}

QWidget *WidgetInterface::createWidget(QWidget *parent)
{
    return m_description.create(parent, m_inDesigner);
}

void WidgetInterface::initialize(QDesignerFormEditorInterface *core)
{
    if (m_initialized)
        return;
    m_initialized = true;
    m_inDesigner = core != nullptr;
}

// --- Plugin -----------------------------------------------------------------------

Plugin::Plugin(QObject *parent)
    : QObject(parent)
{
    m_widgets << new WidgetInterface(HotWidgetDescription, this)
              << new WidgetInterface(IndicatorDescription, this);
}

QList<QDesignerCustomWidgetInterface *> Plugin::customWidgets() const
{
    return m_widgets;
}

} // namespace QHotReload::Designer
