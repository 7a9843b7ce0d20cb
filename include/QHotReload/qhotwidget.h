// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTWIDGET_H
#define QHOTRELOAD_QHOTWIDGET_H

#include <QHotReload/qhotreloadwidgets_export.h>

#include <QHotReload/qhotlibrary.h>
#include <QHotReload/qhotmodule.h>

#include <QtCore/QVariantMap>
#include <QtWidgets/QWidget>

#include <memory>

class QHotWidgetPrivate;

/*!
    \class QHotWidget
    \brief Shows a widget made by a factory function of a hot library, and
    makes it anew, with the same property values, after each reload.

    The factory is a hot function with the signature \c{QWidget *(QWidget *parent)}
    listed in the library's QHOT_LIBRARY. It can be named three ways:

    \list
    \li a QHotFunction of a QHotModule: \c{QHotWidget(hot_ui::hotModule(), hot_ui::createPanel)}.
        The module declares the factory, so a version that drops it or changes
        its signature is refused by the library and the current widget stays;
    \li a QHotLibrary and the factory's qualified name: the name is looked up in
        each version's manifest and its signature checked; a version without it
        is still taken (other code may need it) and the error placeholder says why;
    \li the \l libraryFile and \l factory properties (a promoted widget in a
        .ui file, or QUiLoader): the QHotWidget then owns its QHotLibrary.
    \endlist

    Before a swap (QHotLibrary::aboutToReload()) the child's own stored,
    writable properties — those declared below QWidget — are saved by name and
    the child is deleted while its code is still loaded; objects the factory
    parented to this QHotWidget go with it. After QHotLibrary::reloaded() the
    new version's factory makes a new child and the saved values are written
    back by name (QHotReload::assignFromVariantMap(): added properties keep
    their default, removed ones are dropped and logged). A refused version
    leaves the child alone. If the swap is abandoned after aboutToReload()
    (the running version's save hook threw), the running version makes the
    child again. When the library is unloaded or destroyed, the child is
    deleted just before its code goes.

    If the factory is missing, has another signature, returns nullptr or
    throws, a QLabel placeholder shows the reason (also in errorString());
    the saved property values are kept for the next child. The widget is never
    left pointing into unloaded code.

    All members must be used on the library's thread (the GUI thread).
*/
class QHOTRELOAD_WIDGETS_EXPORT QHotWidget : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(QString libraryFile READ libraryFile WRITE setLibraryFile NOTIFY libraryFileChanged)
    Q_PROPERTY(QString factory READ factory WRITE setFactory NOTIFY factoryChanged)
    Q_PROPERTY(QHotLibrary *library READ library NOTIFY libraryChanged)
    Q_PROPERTY(QWidget *widget READ widget NOTIFY widgetChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(bool previewOnly READ isPreviewOnly WRITE setPreviewOnly NOTIFY previewOnlyChanged DESIGNABLE false)

public:
    //! The factory's signature.
    using Factory = QWidget *(QWidget *parent);

    //! An empty container, a child of \a parent; set \l libraryFile and \l factory (as a .ui file does).
    explicit QHotWidget(QWidget *parent = nullptr);
    /*!
        Shows the widget made by the hot function \a factory (qualified name,
        as listed in QHOT_LIBRARY) of \a library, loading the library if it is
        not loaded yet. The library is not owned.
    */
    QHotWidget(QHotLibrary *library, const QString &factory, QWidget *parent = nullptr);
#if !defined(QHOTRELOAD_STATIC)
    /*!
        Shows the widget made by \a factory, a hot function declared in
        \a module (QHOT_MODULE / QHOT_FUNCTION), loading the module if needed.
        A version whose factory changed signature is refused by the module.
    */
    QHotWidget(QHotModule &module, const QHotFunction<Factory> &factory, QWidget *parent = nullptr);
#else
    /*!
        Hot reload is off (QHOTRELOAD_ENABLED=OFF): the same line as in a hot
        build, \c{QHotWidget(hot::hotModule(), hot::createPanel)}, shows the
        widget \a factory (the plain, linked-in function) makes, once. There
        is no library and no reload; widget() is the child, or nullptr with
        the reason in errorString() if the factory returned none.
    */
    QHotWidget(QHotModule &, Factory *factory, QWidget *parent = nullptr)
        : QHotWidget(parent)
    {
        showStaticWidget(factory ? factory(this) : nullptr);
    }
#endif
    //! Deletes the child first, then (if owned) the library.
    ~QHotWidget() override;

    /*!
        The hot library file this widget loads itself (see QHotLibrary's file
        name rules). Setting it replaces any library given before; the new one
        is owned by this widget. Empty when the library was given from outside.
    */
    QString libraryFile() const;
    void setLibraryFile(const QString &fileName);

    //! The qualified name of the factory function; setting it makes the child again.
    QString factory() const;
    void setFactory(const QString &name);

    //! The library followed, or nullptr.
    QHotLibrary *library() const;
    /*!
        Follows \a library (not owned) and makes the child with the factory
        named by \l factory. The current child is deleted first.
    */
    void setLibrary(QHotLibrary *library);

    //! The widget the factory made, or nullptr while the placeholder is shown.
    QWidget *widget() const;

    //! Why there is no child (empty when there is one).
    QString errorString() const;

    /*!
        The property values saved from the last child, written into the next
        one. Values whose type was defined by the hot library itself cannot
        outlive it and are left out (logged).
    */
    QVariantMap savedProperties() const;

    /*!
        For form editors (the Qt Designer plugin sets it): while true,
        libraryFile is never loaded and no factory is called; a placeholder
        names the factory and the library file this widget will host. Turning
        it on drops the library this widget loaded itself; turning it off loads
        libraryFile. Default false.
    */
    bool isPreviewOnly() const;
    void setPreviewOnly(bool previewOnly);

public Q_SLOTS:
    /*!
        Saves the child's properties, deletes it and asks the factory for a new
        one now, from the version that is loaded. Shows the placeholder on failure.
    */
    void recreate();

Q_SIGNALS:
    void libraryFileChanged();
    void factoryChanged();
    void libraryChanged();
    //! The child was replaced, deleted or made; widget() tells which.
    void widgetChanged();
    void errorStringChanged();
    void previewOnlyChanged();

private:
    // Hot reload off: shows \a widget (made by a linked-in factory) for good.
    void showStaticWidget(QWidget *widget);

    Q_DECLARE_PRIVATE(QHotWidget)
    std::unique_ptr<QHotWidgetPrivate> d_ptr;
};

#endif // QHOTRELOAD_QHOTWIDGET_H
