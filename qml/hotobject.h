// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_HOTOBJECT_H
#define QHOTRELOAD_QML_HOTOBJECT_H

#include <QHotReload/qhotreloadqml_export.h>

#include "hotlibrary.h"
#include "followedlibrary_p.h"

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariantMap>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

/*!
    \qmltype HotObject
    \brief A hot C++ backend for QML: a QObject made by a hot factory,
    made again at each swap with its property values.

    \qml
    HotLibrary { id: logic; fileName: "logic" }
    HotObject { id: backend; library: logic; factory: "logic::makeCounter" }
    Text { text: backend.object.count + " → " + backend.object.doubled }
    Connections { target: backend.object; function onStepped() { ... } }
    \endqml

    \l factory names a hot function listed in the library's QHOT_LIBRARY of
    signature \c{QObject *(QObject *parent)}. Once \l library is loaded it is
    called (with this HotObject as the parent) and its result is \l object.
    QML reads the object through its meta-object: its class is not (and need
    not be) registered as a QML type, so no type of one version is ever
    compared with another's.

    At each swap the object is made again by the new version's factory: when
    the library says \c aboutToReload, the old object's stored properties that
    are both readable and writable are read (copied so that nothing of them
    refers to the old version's code or data); once the new version is live
    they are written into the new object by name, \l object changes (bindings
    on \c{backend.object...} and a \c Connections on it follow the new one)
    and the old object is deleted. A property the new class no longer has, or
    whose value does not convert to its new type, keeps its default; such
    properties are named once, in \l errorString and in a warning. Read-only
    properties (computed ones), dynamic properties and what the object holds
    outside its properties are not carried.

    A version without the factory, or with one of another signature, keeps
    the old object (its version stays mapped) and sets \l errorString naming
    the library and the factory; the next version that has it makes the
    object again. The object belongs to the HotObject: it is deleted when it
    is replaced, when the library is unloaded and with the HotObject, never
    by QML's garbage collector.

    With hot reload off (a HotLibrary that is \l {HotLibrary::}{linkedIn}) the
    linked-in factory is called once, and the object is never replaced.
*/
class QHOTRELOAD_QML_EXPORT QHotQmlObject : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(HotObject)
    Q_PROPERTY(QHotQmlLibrary *library READ library WRITE setLibrary NOTIFY libraryChanged)
    Q_PROPERTY(QString factory READ factory WRITE setFactory NOTIFY factoryChanged)
    Q_PROPERTY(QObject *object READ object NOTIFY objectChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    explicit QHotQmlObject(QObject *parent = nullptr);
    ~QHotQmlObject() override;

    //! The library whose factory makes the object (not owned); nullptr: none.
    QHotQmlLibrary *library() const;
    void setLibrary(QHotQmlLibrary *library);
    //! The factory, qualified as in the library's QHOT_LIBRARY; a new one makes the object again.
    QString factory() const;
    void setFactory(const QString &name);

    //! The object the running version's factory made (owned by this HotObject); nullptr before one is made.
    QObject *object() const;
    /*!
        Why no object could be made or the last one could not be replaced,
        or which property values were not kept at the last swap; empty when
        all went well.
    */
    QString errorString() const;

    void classBegin() override;
    void componentComplete() override;

Q_SIGNALS:
    void libraryChanged();
    void factoryChanged();
    //! The object was made, replaced by a new version's, or deleted.
    void objectChanged();
    void errorStringChanged();

private:
    void followLibrary();
    void make();
    void keepValues();
    void replace();
    void dropObject();
    QObject *callFactory(QString *why);
    void setError(const QString &error, bool warn = true);
    QString describe() const;

    QHotQmlFollowedLibrary m_library;
    QString m_factory;
    QPointer<QObject> m_object;
    const void *m_module = nullptr;  // the library copy the object's code is in
    int m_version = 0;               // the library's version that made it
    QVariantMap m_saved;             // its values, read at aboutToReload
    QStringList m_notKept;           // what could not be read out of it
    QString m_error;
    bool m_complete = true;
};

#endif // QHOTRELOAD_QML_HOTOBJECT_H
