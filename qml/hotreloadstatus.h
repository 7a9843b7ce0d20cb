// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_HOTRELOADSTATUS_H
#define QHOTRELOAD_QML_HOTRELOADSTATUS_H

#include <QHotReload/qhotreloadqml_export.h>

#include "hotlibrary.h"
#include "followedlibrary_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtQml/qqmlregistration.h>

/*!
    \qmltype HotReloadStatus
    \brief What happened to a HotLibrary, as properties a QML item can show.

    Non-visual; the QML counterpart of what QHotReloadIndicator shows in a
    widget app. \l state is one of
    \list
      \li \c Idle: no library set;
      \li \c NotLoaded: the library is not loaded (\l details says why);
      \li \c Watching: loaded, waiting for a rebuild;
      \li \c Reloading: a new version passed its checks and is being swapped in;
      \li \c Reloaded: a new version went live (\l lastReloadMs: the swap's duration);
      \li \c Refused: a new version was refused; the old one keeps running.
    \endlist
    \l text is a one-line summary ("reloaded v3 in 4 ms", "refused: …"),
    \l details the full text (a refusal's whole reason).
*/
class QHOTRELOAD_QML_EXPORT QHotQmlReloadStatus : public QObject
{
    Q_OBJECT
    QML_NAMED_ELEMENT(HotReloadStatus)
    Q_PROPERTY(QHotQmlLibrary *library READ library WRITE setLibrary NOTIFY libraryChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool ok READ isOk NOTIFY stateChanged)
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    Q_PROPERTY(QString details READ details NOTIFY textChanged)
    Q_PROPERTY(int lastReloadMs READ lastReloadMs NOTIFY textChanged)

public:
    enum State { Idle, NotLoaded, Watching, Reloading, Reloaded, Refused };
    Q_ENUM(State)

    explicit QHotQmlReloadStatus(QObject *parent = nullptr);
    ~QHotQmlReloadStatus() override;

    //! The library followed (not owned), or nullptr (also once it is destroyed).
    QHotQmlLibrary *library() const;
    //! Follows \a library; the state is taken from it at once.
    void setLibrary(QHotQmlLibrary *library);

    State state() const;
    //! True in Watching and Reloaded: the library's newest code is what runs.
    bool isOk() const;
    QString text() const;
    QString details() const;
    //! The last swap's duration in ms (aboutToReload to reloaded), or -1.
    int lastReloadMs() const;

Q_SIGNALS:
    void libraryChanged();
    void stateChanged();
    void textChanged();

private:
    void setState(State state, const QString &text, const QString &details);
    void takeLibraryState();
    void onAboutToReload();
    void onReloaded();
    void onReloadFailed(const QString &reason);
    void onStateRestoreFailed(const QString &reason);
    QString shownName() const;

    QHotQmlFollowedLibrary m_library;
    State m_state = Idle;
    QString m_text;
    QString m_details;
    QString m_restoreFailure; // from stateRestoreFailed(), shown with the reloaded() that follows
    int m_lastReloadMs = -1;
    QElapsedTimer m_swapClock;
};

#endif // QHOTRELOAD_QML_HOTRELOADSTATUS_H
