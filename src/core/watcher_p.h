// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_WATCHER_P_H
#define QHOTRELOAD_WATCHER_P_H

#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QFile>
#include <QtCore/QFileSystemWatcher>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

namespace QHotReload::Internal {

/*!
    Watches files for any change to what is at their paths: written in place,
    truncated, deleted and created anew (as GNU ld does), renamed over (as
    editors save), or their directory removed and made again. Directories are
    watched, not just the files: a watch on a file alone dies with the first
    unlink.

    Two ways of watching:
    \list
    \li Kernel (Linux, inotify on the directories, one instance for all the
        files): says \e when a writer is done. Completed means a writer closed
        the file after writing (IN_CLOSE_WRITE) or a file was renamed in
        (IN_MOVED_TO); Written means bytes went in and the writer has not
        closed yet, so the file is not to be looked at. Our own reads open the
        file read-only and raise neither. Beside means another entry of a
        watched directory changed: a dependency copied in, a permission fixed;
        the files themselves are as they were.
    \li Portable (QFileSystemWatcher: macOS, Windows, network file systems,
        inotify unavailable or forced off): only says that something changed
        (Touched). The reader must decide by other means when a writer is done.
    \endlist

    QHotLibrary and QHotForm follow one file and listen to changed();
    QHotBuilder follows its sources and the headers they include, up to
    thousands of files in a few directories, and listens to fileChanged(),
    as QHotQmlReloader does for a scene's .qml and .js files.
*/
class QHOTRELOAD_CORE_EXPORT FileWatcher : public QObject
{
    Q_OBJECT
public:
    enum class Change {
        Touched,   //!< something happened at the path; nothing said about writers
        Written,   //!< bytes went in, and the writer has not closed the file yet
        Completed, //!< a writer closed the file, or a finished file was renamed in
        Beside,    //!< another entry of the file's directory changed (kernel mode only; the
                   //!< portable way reports such a change as Touched)
    };
    Q_ENUM(Change)

    enum class Mode { Kernel, Portable };

    explicit FileWatcher(QObject *parent = nullptr);
    ~FileWatcher() override;

    //! Follows \a filePath alone.
    void watch(const QString &filePath);
    //! Follows \a filePaths (relative ones against the current directory).
    //! Called again with another set, it keeps the watches of the files
    //! both sets name, so a save made meanwhile is still reported.
    void watch(const QStringList &filePaths);
    void stop();
    //! The first file followed (the one file of watch(const QString &)).
    QString filePath() const { return m_paths.value(0); }
    QStringList filePaths() const { return m_paths; }

    //! Kernel while the kernel reports completions for this path; Portable otherwise.
    Mode mode() const;

    //! Why the portable way is used (empty in kernel mode): for the log and the README.
    QString portableReason() const { return m_portableReason; }

Q_SIGNALS:
    //! A batch of events, as one word: the last thing they say of the file
    //! (with several files, the strongest any of them says: Completed, then
    //! Written, then Touched, then Beside).
    void changed(QHotReload::Internal::FileWatcher::Change change);
    //! What a batch of events says of \a path, one of the followed files:
    //! Touched, Written or Completed (a change beside it is said by changed()
    //! alone). Emitted before changed().
    void fileChanged(const QString &path, QHotReload::Internal::FileWatcher::Change change);

private:
    void start();
    void startPortable(const QString &why);
    void rearmPortable(const QStringList &paths);
    void portableChanged(const QString &path);
    void rearmKernel(); // Linux
    void readEvents();  // Linux
    void report(const QStringList &touched, const QStringList &written, const QStringList &completed,
                bool beside);

    class Inotify;
    std::unique_ptr<Inotify> m_inotify; // set in kernel mode
    QFileSystemWatcher *m_portable = nullptr;
    QStringList m_paths; // absolute, each once
    QString m_portableReason;
};

/*!
    Whether a process has \a file (open for reading) open for writing right
    now. Linux asks the kernel with a read lease, which it refuses while a
    writer has the file open (a writable mapping included); Windows opens the
    file again denying writers. Elsewhere, or when the kernel will not say
    (another user's file, a file system without leases), Unknown.
*/
enum class OpenWriter { None, Open, Unknown };
QHOTRELOAD_CORE_EXPORT OpenWriter openWriter(const QFile &file);

} // namespace QHotReload::Internal

#endif
