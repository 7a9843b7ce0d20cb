// SPDX-License-Identifier: MIT
#include "privatedir_p.h"

#include "logging_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#if defined(Q_OS_UNIX)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace QHotReload::Internal {

namespace {
const QString lockName() { return QStringLiteral(".lock"); }

bool ownedByMe(const QFileInfo &info)
{
#if defined(Q_OS_UNIX)
    return info.ownerId() == ::getuid();
#else
    Q_UNUSED(info);
    return true; // per-user temporary directories on Windows
#endif
}
} // namespace

QString PrivateDir::namePrefix()
{
    return QStringLiteral("qhotreload-");
}

QString PrivateDir::tempRoot(QString *error)
{
    // QDir::tempPath() is the canonical path of TMPDIR (or /tmp), which is
    // empty when that does not exist: a private directory must then not land
    // in the root or the working directory, and the message must say which
    // directory is missing.
    const QString temp = QDir::tempPath();
    if (!temp.isEmpty() && QFileInfo(temp).isDir())
        return temp;
    QString named = temp;
    QString from;
#if defined(Q_OS_UNIX)
    if (qEnvironmentVariableIsSet("TMPDIR")) {
        from = QStringLiteral(" (set by TMPDIR)");
        if (named.isEmpty())
            named = QDir::cleanPath(qEnvironmentVariable("TMPDIR"));
    }
    if (named.isEmpty())
        named = QStringLiteral("/tmp");
#endif
    const QString what = QFileInfo::exists(named) ? QStringLiteral("is not a directory")
                                                  : QStringLiteral("does not exist");
    *error = QStringLiteral("cannot create a private directory in %1: the temporary directory%2 %3")
                     .arg(QDir::toNativeSeparators(named), from, what);
    return {};
}

PrivateDir::PrivateDir()
{
    const QString root = tempRoot(&m_error);
    if (root.isEmpty())
        return;
    cleanStale();
    // QTemporaryDir uses mkdtemp() (or its equivalent): atomic, 0700 and a
    // random name, so no other user can have prepared the path for us.
    m_dir = std::make_unique<QTemporaryDir>(root + QLatin1Char('/') + namePrefix()
                                            + QString::number(QCoreApplication::applicationPid())
                                            + QStringLiteral("-XXXXXX"));
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a private directory in %1: %2")
                          .arg(QDir::toNativeSeparators(root), m_dir->errorString());
        m_dir.reset();
        return;
    }
#if defined(Q_OS_UNIX)
    struct stat st;
    if (::lstat(QFile::encodeName(m_dir->path()).constData(), &st) == 0) {
        m_device = quint64(st.st_dev);
        m_inode = quint64(st.st_ino);
    }
#endif
    m_lock = std::make_unique<QLockFile>(m_dir->filePath(lockName()));
    if (!m_lock->tryLock(0)) {
        m_error = QStringLiteral("cannot create the lock file in %1")
                          .arg(QDir::toNativeSeparators(m_dir->path()));
        m_lock.reset();
    }
    qCDebug(lcLoader) << "private directory" << m_dir->path();
}

PrivateDir::~PrivateDir()
{
    // Taken away while we ran: whatever is at the path now (a directory
    // someone else made there) is not ours to remove; a directory of ours
    // that lost its lock file still holds the running version's copy, which
    // goes when that version does, and cleanStale() takes the rest.
    if (m_dir && !isIntact())
        m_dir->setAutoRemove(false);
    if (m_lock)
        m_lock->unlock();
    // m_dir removes itself and what is left in it.
}

bool PrivateDir::sameDirectory() const
{
    if (!m_dir)
        return false;
#if defined(Q_OS_UNIX)
    struct stat st;
    return ::lstat(QFile::encodeName(m_dir->path()).constData(), &st) == 0 && S_ISDIR(st.st_mode)
            && quint64(st.st_dev) == m_device && quint64(st.st_ino) == m_inode;
#else
    const QFileInfo info(m_dir->path());
    return info.isDir() && !info.isSymLink();
#endif
}

bool PrivateDir::isIntact() const
{
    // Without its lock file, another process's cleanStale() would take the
    // directory for one whose owner died, and remove it.
    return sameDirectory() && (!m_lock || QFileInfo::exists(m_dir->filePath(lockName())));
}

bool PrivateDir::isValid() const
{
    return m_dir != nullptr;
}

QString PrivateDir::path() const
{
    return m_dir ? m_dir->path() : QString();
}

QString PrivateDir::writeCopy(const QString &originalName, int version, const QByteArray &bytes)
{
    if (!m_dir) {
        return {};
    }
    const QFileInfo original(originalName);
    const QString suffix = original.suffix().isEmpty() ? QString() : QLatin1Char('.') + original.suffix();
    const QString copyPath = m_dir->filePath(original.completeBaseName() + QStringLiteral("-v")
                                             + QString::number(version) + suffix);
    QFile file(copyPath);
    // The name is new for each version; an old file there would be ours from a
    // refused attempt, so it may be replaced.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        m_error = QStringLiteral("cannot write the private copy %1: %2")
                          .arg(QDir::toNativeSeparators(copyPath), file.errorString());
        return {};
    }
    // A write cut short (the disk filled up, a file size limit) comes back as
    // success with fewer bytes and no error; writing the rest is what fails
    // with the cause.
    qint64 written = 0;
    while (written < bytes.size()) {
        const qint64 n = file.write(bytes.constData() + written, bytes.size() - written);
        if (n <= 0)
            break;
        written += n;
    }
    if (written != bytes.size()) {
        m_error = QStringLiteral("cannot write the private copy %1: wrote %2 of %3 bytes: %4")
                          .arg(QDir::toNativeSeparators(copyPath))
                          .arg(written)
                          .arg(bytes.size())
                          .arg(file.errorString());
        file.close();
        QFile::remove(copyPath);
        return {};
    }
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return copyPath;
}

int PrivateDir::cleanStale()
{
    QString error;
    const QString root = tempRoot(&error);
    if (root.isEmpty())
        return 0;
    const QDir temp(root);
    const QFileInfoList candidates =
            temp.entryInfoList({namePrefix() + QLatin1Char('*')}, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    int removed = 0;
    for (const QFileInfo &info : candidates) {
        if (info.isSymLink() || !ownedByMe(info))
            continue;
        const QString lockPath = info.absoluteFilePath() + QLatin1Char('/') + lockName();
        bool stale = false;
        if (QFileInfo::exists(lockPath)) {
            // tryLock() takes over a lock whose process is gone and fails on a
            // live one, on every platform.
            QLockFile lock(lockPath);
            lock.setStaleLockTime(0); // stale only when its process is gone, never by age
            stale = lock.tryLock(0);
            if (stale)
                lock.unlock();
        } else {
            // A process that died between creating the directory and its lock;
            // give a live one that is just starting a generous moment.
            stale = info.lastModified().secsTo(QDateTime::currentDateTime()) > 60;
        }
        if (stale && QDir(info.absoluteFilePath()).removeRecursively()) {
            qCDebug(lcLoader) << "removed stale private directory" << info.absoluteFilePath();
            ++removed;
        }
    }
    return removed;
}

} // namespace QHotReload::Internal
