// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QML_HOTLIBRARY_H
#define QHOTRELOAD_QML_HOTLIBRARY_H

#include <QHotReload/qhotreloadqml_export.h>

#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QUrl>
#include <QtCore/QVariant>
#include <QtQml/QJSValue>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QHotLibrary;
class QHotQmlLibraryPrivate;

/*!
    \qmltype HotLibrary
    \brief A hot C++ library for QML: a QHotLibrary with its properties,
    signals and call().

    Set \l fileName (a path or a bare name, as QHotLibrary takes it) or
    \l source (a local file URL, relative ones against the QML document); the
    library is loaded once the component is complete (when \l active, the
    default) and then follows every rebuild: \l version goes up by one per new
    version, so a binding that reads \c version is evaluated again when new
    code is live. A version that cannot be taken leaves the old one running,
    sets \l errorString and emits reloadFailed().

    \c call(name, args) calls a hot function listed in the library's
    QHOT_LIBRARY whose argument and return types are built-in QMetaTypes, and
    returns its result as a JavaScript value. A call that cannot be made (not
    loaded, no such function, wrong arguments) throws a JavaScript Error whose
    message names the library and the function; nothing else changes.

    With hot reload off (QHOTRELOAD_ENABLED=OFF) the library is linked into
    the application, and the same QML runs it: a \l fileName that names a
    library qhot_link_library() linked in (its \c{QHOT_LIBRARY_FILE_<library>},
    the bare target name) makes the HotLibrary \l linkedIn: \l loaded and
    at \l version 1 from the start, \c call() and HotCall calling the
    linked-in functions, nothing watched, copied or loaded, and never a
    reload. That takes an application that links QHotReload::Qml.
*/
class QHOTRELOAD_QML_EXPORT QHotQmlLibrary : public QObject, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(HotLibrary)
    Q_PROPERTY(QString fileName READ fileName WRITE setFileName NOTIFY fileNameChanged)
    Q_PROPERTY(QUrl source READ source WRITE setSource NOTIFY sourceChanged)
    Q_PROPERTY(bool active READ isActive WRITE setActive NOTIFY activeChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    Q_PROPERTY(bool linkedIn READ isLinkedIn NOTIFY linkedInChanged)
    Q_PROPERTY(int version READ version NOTIFY versionChanged)
    Q_PROPERTY(QString loadedFileName READ loadedFileName NOTIFY loadedFileNameChanged)
    Q_PROPERTY(bool autoReload READ autoReload WRITE setAutoReload NOTIFY autoReloadChanged)
    Q_PROPERTY(bool crashGuard READ crashGuard WRITE setCrashGuard NOTIFY crashGuardChanged)
    Q_PROPERTY(QStringList requiredSymbols READ requiredSymbols WRITE setRequiredSymbols NOTIFY requiredSymbolsChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    explicit QHotQmlLibrary(QObject *parent = nullptr);
    ~QHotQmlLibrary() override;

    //! The QHotLibrary behind this item (owned by it), for C++ code; without a file, and never loaded, while the library is linked in.
    QHotLibrary *library() const;

    //! The watched file as QHotLibrary resolved it; empty before one is set.
    QString fileName() const;
    //! Sets the file (a path or a bare library name); unloads what was loaded and loads it (if active).
    void setFileName(const QString &fileName);

    //! The file as a URL (file: scheme, resolved as set); empty before one is set.
    QUrl source() const;
    /*!
        Sets the file as a URL; a relative one is taken against the QML
        document that sets it. Only local files can be hot libraries: any
        other scheme leaves the library unloaded and says so in errorString.
    */
    void setSource(const QUrl &source);

    //! Whether the library is to be loaded (the default); false unloads it.
    bool isActive() const;
    void setActive(bool active);

    //! Whether the library is loaded: a version is running (or, linkedIn, the linked-in code).
    bool isLoaded() const;
    /*!
        True when \l fileName names a library linked into the application
        (hot reload off) and it is active: its functions are called where
        they are linked in, and nothing is ever reloaded.
    */
    bool isLinkedIn() const;
    //! 1 after the first load, plus one for each new version; 0 before.
    int version() const;
    QString loadedFileName() const;
    bool autoReload() const;
    void setAutoReload(bool enabled);
    bool crashGuard() const;
    //! Takes effect at once; stays false where the guard is not available (errorString says so).
    void setCrashGuard(bool enabled);
    QStringList requiredSymbols() const;
    void setRequiredSymbols(const QStringList &symbols);
    //! The last error of the library (load, reload, call), as a sentence naming the file and the cause.
    QString errorString() const;

    /*!
        Calls hot function \a name with \a arguments (an array, or one value
        for a function of one argument; nothing for none) and returns the
        result as a JavaScript value (undefined for a void function). Throws a
        JavaScript Error naming the library and the function when the call
        cannot be made; without an engine (from C++), returns an invalid
        QVariant with the reason in errorString().
    */
    Q_INVOKABLE QVariant call(const QString &name, const QJSValue &arguments = QJSValue());

    /*!
        Calls hot function \a name with \a arguments as call() does, but
        throws nothing: when the call cannot be made returns an invalid
        QVariant and sets \a error to the reason (naming the library and the
        function); \a error is cleared when it was made. What HotCall uses.
    */
    QVariant tryCall(const QString &name, const QVariantList &arguments, QString *error);

    //! Loads now (see QHotLibrary::load()); a linked-in library is linked in again. Returns false with errorString() on failure.
    Q_INVOKABLE bool load();
    //! Unloads and stops watching (a linked-in library: calls fail until load()). Returns false if nothing was loaded.
    Q_INVOKABLE bool unload();
    //! Takes the file on disk now as a new version (see QHotLibrary::reload()). Returns false if it cannot be taken, and always when linkedIn.
    Q_INVOKABLE bool reload();

    /*!
        The argument list call() makes of \a arguments: an array's elements,
        one value as the only argument, undefined as none.
    */
    static QVariantList argumentList(const QJSValue &arguments);

    void classBegin() override;
    void componentComplete() override;

Q_SIGNALS:
    //! A new version passed its checks; the old code is still loaded.
    void aboutToReload();
    //! A new version is live (also the first one after a failed load).
    void reloaded();
    //! A new version was refused; the old one keeps running. \a reason names the file and the cause.
    void reloadFailed(const QString &reason);
    //! The new version's restore hook refused the saved state (kept for the next version); \a reason says why.
    void stateRestoreFailed(const QString &reason);
    //! The crash guard caught \a signal in \a function and rolled back; \a reason is the sentence shown.
    void crashed(const QString &function, const QString &signal, const QString &reason);

    void fileNameChanged();
    void sourceChanged();
    void activeChanged();
    void loadedChanged();
    void linkedInChanged();
    void versionChanged();
    void loadedFileNameChanged();
    void autoReloadChanged();
    void crashGuardChanged();
    void requiredSymbolsChanged();
    void errorStringChanged();

private:
    std::unique_ptr<QHotQmlLibraryPrivate> d;
};

#endif // QHOTRELOAD_QML_HOTLIBRARY_H
