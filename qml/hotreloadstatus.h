// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_HOTRELOADSTATUS_H
#define QHOTRELOAD_QML_HOTRELOADSTATUS_H

#include <QHotReload/qhotreloadqml_export.h>

#include "hotlibrary.h"
#include "followedlibrary_p.h"

#include <QHotReload/qhotbuilder.h>

#include "statusmodel_p.h"

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

/*!
    \qmltype HotReloadStatus
    \brief What happened to a HotLibrary, as properties a QML item can show.

    Non-visual; the QML counterpart of what QHotReloadIndicator shows in a
    widget app. \l state is one of
    \list
      \li \c Idle: no library set, or one linked in (HotLibrary.linkedIn:
          hot reload off, nothing to follow);
      \li \c NotLoaded: the library is not loaded (\l details says why);
      \li \c Watching: loaded, waiting for a rebuild;
      \li \c Reloading: a new version passed its checks and is being swapped in;
      \li \c Reloaded: a new version went live (\l lastReloadMs: the swap's duration);
      \li \c Refused: a new version was refused; the old one keeps running;
      \li \c Building: the \l builder's build is running (the loaded version
          keeps running); "out of date · building …" when the builder found
          the library older than its sources at start (QHotBuilder::outOfDate());
      \li \c BuildFailed: the \l builder's last build failed: \l text has the
          compiler's first error line, \l details all the build printed. It
          lasts until the next build starts or a new version goes live.
    \endlist
    \l text is a one-line summary, short words first and files without
    their directory ("saved → live in 2.8 s (build 2.6 s, link 190 ms, swap 1 ms)" for a
    reload a build of the \l builder led to, "v3 live · swap 4 ms" for
    another, "refused: …", "building liblogic.so…", "build failed ·
    logic.cpp:12: expected ';' …"), \l details the full text (a refusal's
    whole reason, a build's output); the same words as QHotReloadIndicator.
    When a build succeeds the state is what it was before it started, until
    the library takes the new version (\c Reloading, \c Reloaded).

    Live QML goes through the same status: a HotReloadStatus follows the
    QHotQmlReloader of its engine (HotQml), so a saved .qml file that was
    made live is \c Reloaded ("Badge.qml live · 4 ms") and one that could
    not be used is \c Refused, with "file:line: message" of its first error.
*/
class QHOTRELOAD_QML_EXPORT QHotQmlReloadStatus : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(HotReloadStatus)
    Q_PROPERTY(QHotQmlLibrary *library READ library WRITE setLibrary NOTIFY libraryChanged)
    Q_PROPERTY(QHotBuilder *builder READ builder WRITE setBuilder NOTIFY builderChanged)
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(bool ok READ isOk NOTIFY stateChanged)
    Q_PROPERTY(QString text READ text NOTIFY textChanged)
    Q_PROPERTY(QString details READ details NOTIFY textChanged)
    Q_PROPERTY(int lastReloadMs READ lastReloadMs NOTIFY textChanged)
    Q_PROPERTY(int lastSaveToLiveMs READ lastSaveToLiveMs NOTIFY textChanged)

public:
    enum State { Idle, NotLoaded, Watching, Reloading, Reloaded, Refused, Building, BuildFailed };
    Q_ENUM(State)

    explicit QHotQmlReloadStatus(QObject *parent = nullptr);
    ~QHotQmlReloadStatus() override;

    //! The library followed (not owned), or nullptr (also once it is destroyed).
    QHotQmlLibrary *library() const;
    //! Follows \a library; the state is taken from it at once.
    void setLibrary(QHotQmlLibrary *library);

    //! The HotBuilder (QHotBuilder) whose builds are shown (not owned), or nullptr (also once it is destroyed).
    QHotBuilder *builder() const;
    /*!
        Shows the builds of \a builder: a build running or failed now is shown
        at once. Without a builder (the default) there are no build states.
    */
    void setBuilder(QHotBuilder *builder);

    //! What happened last (see the list above).
    State state() const;
    //! True in Watching and Reloaded: the library's newest code is what runs.
    bool isOk() const;
    //! A one-line summary of the state.
    QString text() const;
    //! The full text: a refusal's whole reason, a build's whole output.
    QString details() const;
    //! The last swap's duration in ms (aboutToReload to reloaded), or -1.
    int lastReloadMs() const;
    //! Ms from the save to the new code for the last reload a build of \l builder led to, or -1.
    int lastSaveToLiveMs() const;

    //! \internal
    void classBegin() override;
    //! \internal Follows the engine's QHotQmlReloader (Live QML).
    void componentComplete() override;

Q_SIGNALS:
    void libraryChanged();
    void builderChanged();
    void stateChanged();
    void textChanged();

private:
    QHotQmlFollowedLibrary m_library;
    // What it says: the one status model both indicators present.
    QHotReload::Detail::StatusModel m_model;
};

#endif // QHOTRELOAD_QML_HOTRELOADSTATUS_H
