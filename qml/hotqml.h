// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_HOTQML_H
#define QHOTRELOAD_QML_HOTQML_H

#include <QHotReload/qhotreloadqml_export.h>

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QString>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

class QHotQmlReloader;

/*!
    \qmltype HotQml
    \brief Live QML for the scene it is in: the QML-side switch of QHotQmlReloader.

    Put one anywhere in the scene (\c{HotQml {}}): once the component is
    complete, the scene's top object is given to the engine's
    QHotQmlReloader, which watches the .qml and .js files the scene was made
    from and, when one is saved, makes again only the objects made from it,
    keeping the values changed at run time. \l enabled switches the
    engine's reloader on and off. \l lastError is "file:line: message" of
    the last file that could not be used (empty after a good save).
*/
class QHOTRELOAD_QML_EXPORT QHotQmlElement : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(HotQml)
    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
    Q_PROPERTY(int reloadCount READ reloadCount NOTIFY reloaded)

public:
    explicit QHotQmlElement(QObject *parent = nullptr);
    ~QHotQmlElement() override;

    //! True (the default): the engine's reloader follows saves.
    bool isEnabled() const;
    //! Switches the engine's reloader on or off.
    void setEnabled(bool enabled);
    //! "file:line: message" of the last file that could not be used, or empty.
    QString lastError() const;
    //! The number of saves that took since the scene was followed.
    int reloadCount() const;

    //! \internal
    void classBegin() override;
    //! \internal Gives the scene's top object to the engine's reloader.
    void componentComplete() override;

Q_SIGNALS:
    //! enabled changed.
    void enabledChanged();
    //! lastError changed.
    void lastErrorChanged();
    //! The objects made from \a file were made again.
    void reloaded(const QString &file);
    //! \a file could not be used; \a message is "file:line: message".
    void reloadFailed(const QString &file, const QString &message);

private:
    QPointer<QHotQmlReloader> m_reloader;
    bool m_enabled = true;
    QString m_lastError;
    int m_reloadCount = 0;
};

#endif // QHOTRELOAD_QML_HOTQML_H
