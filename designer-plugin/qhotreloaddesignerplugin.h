// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_DESIGNERPLUGIN_H
#define QHOTRELOAD_DESIGNERPLUGIN_H

// The Qt Designer plugin of QHotReload::Widgets: QHotWidget and
// QHotReloadIndicator in Designer's widget box (group "QHotReload"), and for
// QUiLoader / QFormBuilder, which load the same plugin to make the widgets a
// .ui file names. Not a public header: only the plugin includes it.

#include <QtCore/QObject>
#include <QtCore/QSize>
#include <QtUiPlugin/QDesignerCustomWidgetCollectionInterface>
#include <QtUiPlugin/QDesignerCustomWidgetInterface>

namespace QHotReload::Designer {

/*!
    What Designer needs to know about one widget class, and how to make one.
    Designer calls initialize() with its form editor before it makes any
    widget; QUiLoader never calls it. So a widget made after initialize() with
    a form editor is a widget on a form being edited, and must not run a hot
    library's code.
*/
class WidgetInterface : public QObject, public QDesignerCustomWidgetInterface
{
    Q_OBJECT
    Q_INTERFACES(QDesignerCustomWidgetInterface)

public:
    //! Makes the widget; \a inDesigner: on a form in Designer.
    using Create = QWidget *(*)(QWidget *parent, bool inDesigner);

    struct Description
    {
        const char *name;
        const char *includeFile; //!< <…>: uic writes a global #include
        const char *toolTip;
        const char *whatsThis;
        const char *objectName;              //!< of a new one on a form
        QSize size;                          //!< its default geometry
        const char *propertySpecifications;  //!< Designer's <propertyspecifications>, or nullptr
        Create create;
    };

    WidgetInterface(const Description &description, QObject *parent);

    QString name() const override;
    QString group() const override;
    QString toolTip() const override;
    QString whatsThis() const override;
    QString includeFile() const override;
    QIcon icon() const override;
    bool isContainer() const override { return false; }
    QString domXml() const override;
    //! Never nullptr. Inside Designer, a QHotWidget loads no library (see README, "Qt Designer").
    QWidget *createWidget(QWidget *parent) override;
    bool isInitialized() const override { return m_initialized; }
    void initialize(QDesignerFormEditorInterface *core) override;

private:
    Description m_description;
    bool m_initialized = false;
    bool m_inDesigner = false;
};

/*!
    The plugin's root object: QHotWidget and QHotReloadIndicator, in the
    order of Designer's widget box.
*/
class Plugin : public QObject, public QDesignerCustomWidgetCollectionInterface
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.qt-project.Qt.QDesignerCustomWidgetCollectionInterface" FILE "qhotreloaddesigner.json")
    Q_INTERFACES(QDesignerCustomWidgetCollectionInterface)

public:
    explicit Plugin(QObject *parent = nullptr);

    QList<QDesignerCustomWidgetInterface *> customWidgets() const override;

private:
    QList<QDesignerCustomWidgetInterface *> m_widgets;
};

} // namespace QHotReload::Designer

#endif // QHOTRELOAD_DESIGNERPLUGIN_H
