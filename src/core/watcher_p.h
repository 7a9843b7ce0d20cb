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
    Watches one file for any change to what is at its path: written in place,
    truncated, deleted and created anew (as GNU ld does), renamed over, or its
    directory removed and made again. The directory is watched, not just the
    file: a watch on the file alone dies with the first unlink.

    Two ways of watching:
    \list
    \li Kernel (Linux, inotify on the directory): says \e when a writer is
        done. Completed means a writer closed the file after writing
        (IN_CLOSE_WRITE) or a file was renamed in (IN_MOVED_TO); Written means
        bytes went in and the writer has not closed yet, so the file is not to
        be looked at. Our own reads open the file read-only and raise neither.
        Beside means another entry of the directory changed: a dependency
        copied in, a permission fixed; the file itself is as it was.
    \li Portable (QFileSystemWatcher: macOS, Windows, network file systems,
        inotify unavailable or forced off): only says that something changed
        (Touched). The reader must decide by other means when a writer is done.
    \endlist
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

    void watch(const QString &filePath);
    void stop();
    QString filePath() const { return m_path; }

    //! Kernel while the kernel reports completions for this path; Portable otherwise.
    Mode mode() const;

    //! Why the portable way is used (empty in kernel mode): for the log and the README.
    QString portableReason() const { return m_portableReason; }

Q_SIGNALS:
    void changed(QHotReload::Internal::FileWatcher::Change change);

private:
    void startPortable(const QString &why);
    void rearmPortable();
    void rearmKernel(); // Linux
    void readEvents();  // Linux

    class Inotify;
    std::unique_ptr<Inotify> m_inotify; // set in kernel mode
    QFileSystemWatcher *m_portable = nullptr;
    QString m_path;
    QString m_dir;
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
