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
    PrivateDir created (cleanStale()). The directory goes with the object.
*/
class PrivateDir
{
public:
    PrivateDir();
    ~PrivateDir();

    bool isValid() const;
    QString path() const;
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

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QLockFile> m_lock;
    QString m_error;
};

} // namespace QHotReload::Internal

#endif
