// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_HOTCALL_H
#define QHOTRELOAD_QML_HOTCALL_H

#include <QHotReload/qhotreloadqml_export.h>

#include "hotlibrary.h"
#include "followedlibrary_p.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QVariant>
#include <QtQml/QJSValue>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

/*!
    \qmltype HotCall
    \brief The result of one hot function as a property that follows reloads.

    \qml
    HotCall { id: greeting; library: logic; name: "logic::greeting"; arguments: [user.name] }
    Text { text: greeting.value }
    \endqml

    \l value is the result of calling \l name with \l arguments in the loaded
    version of \l library. It is computed again when a new version is live,
    when the library is loaded, and when name or arguments change, so bindings
    on it show the new code's answer without naming \c version. When the call
    cannot be made (not loaded, no such function in this version, arguments
    that do not fit), value becomes undefined, \l ok false, and \l errorString
    names the function and the cause. A refused version changes nothing.
*/
class QHOTRELOAD_QML_EXPORT QHotQmlCall : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(HotCall)
    Q_PROPERTY(QHotQmlLibrary *library READ library WRITE setLibrary NOTIFY libraryChanged)
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged)
    Q_PROPERTY(QJSValue arguments READ arguments WRITE setArguments NOTIFY argumentsChanged)
    Q_PROPERTY(QVariant value READ value NOTIFY valueChanged)
    Q_PROPERTY(bool ok READ isOk NOTIFY okChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    explicit QHotQmlCall(QObject *parent = nullptr);
    ~QHotQmlCall() override;

    //! The library whose function is called (not owned); nullptr: none.
    QHotQmlLibrary *library() const;
    void setLibrary(QHotQmlLibrary *library);
    //! The hot function, qualified as in the library's QHOT_LIBRARY.
    QString name() const;
    void setName(const QString &name);
    //! An array of arguments, or one value for a function of one argument.
    QJSValue arguments() const;
    void setArguments(const QJSValue &arguments);

    //! The last result; undefined (an invalid QVariant) when the call failed or was not made.
    QVariant value() const;
    //! True when value() is the result of the last call.
    bool isOk() const;
    //! Why the last call could not be made; empty when it was.
    QString errorString() const;

    //! Calls the function again now (for functions whose answer changes between reloads).
    Q_INVOKABLE void refresh();

    void classBegin() override;
    void componentComplete() override;

Q_SIGNALS:
    void libraryChanged();
    void nameChanged();
    void argumentsChanged();
    void valueChanged();
    void okChanged();
    void errorStringChanged();

private:
    void update();
    void setResult(const QVariant &value, const QString &error);

    QHotQmlFollowedLibrary m_library;
    QString m_name;
    QJSValue m_arguments;
    QVariant m_value;
    QString m_error;
    bool m_ok = false;
    bool m_complete = true;
};

#endif // QHOTRELOAD_QML_HOTCALL_H
