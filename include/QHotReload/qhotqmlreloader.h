// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_QHOTQMLRELOADER_H
#define QHOTRELOAD_QML_QHOTQMLRELOADER_H

#include <QHotReload/qhotreloadqml_export.h>

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>

#include <memory>

class QQmlEngine;
class QHotQmlReloaderPrivate;

/*!
    \class QHotQmlReloader
    \inmodule QHotReload
    \brief Live QML: re-creates the objects made from a saved .qml or .js
    file and keeps the state of everything else.

    There is one reloader per QQmlEngine (forEngine()). addRoot() gives it a
    scene (a root object the engine created); it then watches every .qml
    file the scene's objects were made from and every .js file those files
    import. When one is saved, the engine's component cache is cleared, the
    file is compiled again, and only the objects made from it are made
    again: each new object is created in the old one's context, put under
    the same parent (and visual parent, at the same place among its
    siblings), given the values the application changed at run time (and,
    for a component used by another file, the values that file set on it)
    where the new file still has a property of that name and QVariant can
    convert the value, and the old object is destroyed. Objects inside are
    matched by id, then objectName, then position. Everything made from
    other files is the same object with the same values. A value that
    cannot be kept is reported once, by name, on the \c qhotreload.qml
    logging category.

    A file that cannot be used (a syntax error, an unknown type, a missing
    import, a binding that throws while the objects are made) changes
    nothing: the old objects stay and reloadFailed() carries
    "file:line: message" of the first error. The next good save takes.

    Files of a \c qt_add_qml_module module are served from \c qrc:; with
    \c qhot_qml_sources(<target>) in CMake the reloader finds their source
    files, watches those, and serves a saved source file in place of the
    resource (and of its compiled copy).
*/
class QHOTRELOAD_QML_EXPORT QHotQmlReloader : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)

public:
    ~QHotQmlReloader() override;

    /*!
        The reloader of \a engine, made (as a child of the engine) at the
        first call. Returns nullptr if \a engine is nullptr.
    */
    static QHotQmlReloader *forEngine(QQmlEngine *engine);

    //! The engine whose scenes are reloaded.
    QQmlEngine *engine() const;

    /*!
        Watches the files \a root and the objects under it were made from.
        \a root must have been created by engine(); a root added twice
        counts once. A root re-created by a reload is followed in its place
        (rootReplaced()).
    */
    void addRoot(QObject *root);
    //! The scene roots followed now.
    QList<QObject *> roots() const;

    //! True (the default) while saves are followed; false: files are not watched.
    bool isEnabled() const;
    //! Follows saves when \a enabled; a file saved while off is read at the next save.
    void setEnabled(bool enabled);

    //! The local files watched (source files, also for files served from \c qrc:).
    QStringList watchedFiles() const;

    /*!
        Takes \a sourceFile as the source of \a url (a \c qrc: URL the
        scene loads a file from), in place of what \c qhot_qml_sources()
        said, or for a module built without it: \a sourceFile is watched,
        and once saved it is served where the engine asks for \a url.
    */
    void setSourceFile(const QUrl &url, const QString &sourceFile);

    /*!
        Re-creates the objects made from \a file now (a local file URL or
        path, or the URL the scene loaded it from) as a save would. Returns
        true if the new objects are in place, false if nothing changed (then
        reloadFailed() was emitted, or no object was made from \a file).
    */
    bool reloadFile(const QUrl &file);

    //! How long the last reload took, in ms: from reading the saved file to the new objects in place.
    int lastReloadMs() const;
    //! The number of properties changed at run time that the last reload kept.
    int lastKeptProperties() const;
    //! The number of properties changed at run time that the last reload saw.
    int lastChangedProperties() const;

Q_SIGNALS:
    //! The objects made from \a file (a local path) were made again from its new text.
    void reloaded(const QString &file);
    /*!
        \a file (a local path) could not be used; the old objects stay.
        \a message is "file:line: message" of the first error.
    */
    void reloadFailed(const QString &file, const QString &message);
    //! A scene root \a oldRoot was re-created as \a newRoot (\a oldRoot is destroyed later).
    void rootReplaced(QObject *oldRoot, QObject *newRoot);
    //! isEnabled() changed.
    void enabledChanged();

private:
    explicit QHotQmlReloader(QQmlEngine *engine);
    Q_DECLARE_PRIVATE(QHotQmlReloader)
    std::unique_ptr<QHotQmlReloaderPrivate> d_ptr;
};

#endif // QHOTRELOAD_QML_QHOTQMLRELOADER_H
