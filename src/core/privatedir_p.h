// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_PRIVATEDIR_P_H
#define QHOTRELOAD_PRIVATEDIR_P_H

#include <QtCore/QByteArray>
#include <QtCore/QLockFile>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>

#include <memory>

namespace QHotReload::Internal {

/*!
    The owner-only directory (0700, created atomically with an unpredictable
    name) that holds the private copies a QHotLibrary loads. A lock file inside
    marks it as in use; directories whose owner died are removed by the next
    PrivateDir created (cleanStale()). The directory goes with the object,
    unless it stopped being intact meanwhile (isIntact()).
*/
class PrivateDir
{
public:
    PrivateDir();
    ~PrivateDir();

    bool isValid() const;
    QString path() const;
    /*!
        Whether the directory made at construction is still there, still the
        same directory (not one made anew at its path) and still holds its lock
        file. A temporary-file cleaner can take either away while the
        application runs; a PrivateDir that is not intact is to be replaced.
    */
    bool isIntact() const;
    QString errorString() const { return m_error; }

    /*!
        Writes \a bytes as a new private copy named after \a originalName and
        \a version. Returns the copy's path, or an empty string with
        errorString() set.
    */
    QString writeCopy(const QString &originalName, int version, const QByteArray &bytes);

    //! The prefix of every private directory's name in the temporary directory.
    static QString namePrefix();
    //! Removes private directories of processes that are gone. Returns how many.
    static int cleanStale();

    /*!
        The directory private directories are made in (QDir::tempPath()), or
        an empty string with \a error set when it does not exist or is not a
        directory.
    */
    static QString tempRoot(QString *error);

private:
    bool sameDirectory() const;

    std::unique_ptr<QTemporaryDir> m_dir;
#if defined(Q_OS_UNIX)
    // The directory's identity when it was made.
    quint64 m_device = 0;
    quint64 m_inode = 0;
#endif
    std::unique_ptr<QLockFile> m_lock;
    QString m_error;
};

} // namespace QHotReload::Internal

#endif
