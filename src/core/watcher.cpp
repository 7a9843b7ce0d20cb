// SPDX-License-Identifier: MIT
#include "watcher_p.h"

#include "logging_p.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QSet>
#include <QtCore/QSocketNotifier>

#include <algorithm>

#if defined(Q_OS_LINUX)
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <qt_windows.h>
#endif

namespace QHotReload::Internal {

namespace {

bool quietRuleForced()
{
    static const bool forced = qgetenv("QHOTRELOAD_READINESS") == "quiet";
    return forced;
}

//! The directory itself if it exists, else its nearest existing ancestor.
QString nearestExisting(const QString &dir)
{
    // Walk up by name: QDir::cdUp() refuses to step into a parent that is
    // itself gone, and several levels may have been removed at once.
    QString existing = dir;
    while (!QFileInfo::exists(existing)) {
        const QString parent = QFileInfo(existing).absolutePath();
        if (parent == existing)
            break;
        existing = parent;
    }
    return existing;
}

#if defined(Q_OS_LINUX)
//! Why the kernel cannot be trusted to see the writers of files in \a dir, or "".
QString remoteFileSystem(const QString &dir)
{
    struct statfs fs;
    if (::statfs(QFile::encodeName(nearestExisting(dir)).constData(), &fs) != 0)
        return {};
    // Writers on other machines (or behind a user-space server) close files
    // the local kernel never hears of.
    switch (static_cast<unsigned long>(fs.f_type)) {
    case NFS_SUPER_MAGIC: return QStringLiteral("the library is on NFS");
    case SMB_SUPER_MAGIC:
    case 0xFF534D42ul: /* CIFS */
    case 0xFE534D42ul: /* SMB2 */ return QStringLiteral("the library is on an SMB/CIFS share");
    case 0x65735546ul: /* FUSE */ return QStringLiteral("the library is on a FUSE file system");
    case 0x01021997ul: /* v9fs */ return QStringLiteral("the library is on a 9p share");
    default: return {};
    }
}
#endif

//! The directory of \a path.
QString dirOf(const QString &path)
{
    return QFileInfo(path).absolutePath();
}

//! Why the files of \a paths cannot be watched by the kernel, or "".
QString whyPortable(const QStringList &paths)
{
    if (quietRuleForced())
        return QStringLiteral("QHOTRELOAD_READINESS=quiet is set");
#if defined(Q_OS_LINUX)
    QStringList seen;
    for (const QString &path : paths) {
        const QString dir = dirOf(path);
        if (seen.contains(dir))
            continue;
        seen.append(dir);
        const QString remote = remoteFileSystem(dir);
        if (!remote.isEmpty())
            return remote;
    }
    return {};
#else
    Q_UNUSED(paths);
    return QStringLiteral("the platform's file watcher does not say when a writer closes a file");
#endif
}

} // namespace

// --- Kernel mode: inotify on the directories ------------------------------------------

#if defined(Q_OS_LINUX)

class FileWatcher::Inotify
{
public:
    explicit Inotify(int fd) : fd(fd) {}
    ~Inotify() { ::close(fd); }

    struct Watch
    {
        QString dir;
        // The entries of interest in it, and the followed paths each stands
        // for (a symlink's target stands for the link).
        QHash<QByteArray, QStringList> names;
        // The followed files below it whose directory is gone: it is their
        // directory's nearest existing ancestor.
        QStringList waiting;
    };

    int fd;
    QSocketNotifier *notifier = nullptr;
    QHash<int, Watch> watches;
    // Files a writer has written since their last completion: a look now
    // would see them half-way.
    QSet<QString> writing;
};

namespace {
constexpr uint32_t EntryEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MODIFY
        | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;
constexpr uint32_t AncestorEvents = IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
} // namespace

#else

class FileWatcher::Inotify
{
};

#endif

FileWatcher::FileWatcher(QObject *parent)
    : QObject(parent)
{
}

FileWatcher::~FileWatcher() = default;

FileWatcher::Mode FileWatcher::mode() const
{
    return m_inotify ? Mode::Kernel : Mode::Portable;
}

void FileWatcher::watch(const QString &filePath)
{
    watch(QStringList{filePath});
}

void FileWatcher::watch(const QStringList &filePaths)
{
    // Thousands of headers for a builder: sets, not list searches.
    QStringList paths;
    QSet<QString> given;
    for (const QString &path : filePaths) {
        const QString absolute = QFileInfo(path).absoluteFilePath();
        if (!path.isEmpty() && !given.contains(absolute)) {
            given.insert(absolute);
            paths.append(absolute);
        }
    }
    if (paths.isEmpty())
        return stop();
    const bool running = m_inotify || m_portable;
    const QSet<QString> had(m_paths.cbegin(), m_paths.cend());
    QStringList added;
    for (const QString &path : std::as_const(paths)) {
        if (!had.contains(path))
            added.append(path);
    }
    if (running && m_inotify && !whyPortable(added).isEmpty()) {
        // A new file on a share the kernel cannot see the writers of.
        stop();
        m_paths = paths;
        return start();
    }
    if (!running) {
        m_paths = paths;
        return start();
    }
    QStringList dropped;
    for (const QString &path : std::as_const(m_paths)) {
        if (!given.contains(path))
            dropped.append(path);
    }
    m_paths = paths;
#if defined(Q_OS_LINUX)
    if (m_inotify) {
        for (const QString &path : std::as_const(dropped))
            m_inotify->writing.remove(path);
        return rearmKernel();
    }
#endif
    if (!dropped.isEmpty()) {
        const QStringList watched = m_portable->files();
        for (const QString &path : std::as_const(dropped)) {
            if (watched.contains(path))
                m_portable->removePath(path);
        }
    }
    rearmPortable(added);
}

void FileWatcher::start()
{
    const QString why = whyPortable(m_paths);
    if (!why.isEmpty())
        return startPortable(why);
#if defined(Q_OS_LINUX)
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return startPortable(QStringLiteral("inotify is not available (%1)").arg(QString::fromLocal8Bit(std::strerror(errno))));
    m_inotify = std::make_unique<Inotify>(fd);
    m_inotify->notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_inotify->notifier, &QSocketNotifier::activated, this, [this] { readEvents(); });
    rearmKernel();
#endif
}

void FileWatcher::stop()
{
#if defined(Q_OS_LINUX)
    if (m_inotify) {
        // stop() may run inside the notifier's own signal.
        m_inotify->notifier->setEnabled(false);
        m_inotify->notifier->deleteLater();
        m_inotify.reset();
    }
#endif
    delete m_portable;
    m_portable = nullptr;
    m_paths.clear();
    m_portableReason.clear();
}

// Emits what one batch of events says: each file's word, then the batch's.
void FileWatcher::report(const QStringList &touched, const QStringList &written, const QStringList &completed,
                         bool beside)
{
    // In the order the files were given, each once, with its strongest word.
    const QSet<QString> completedSet(completed.cbegin(), completed.cend());
    const QSet<QString> writtenSet(written.cbegin(), written.cend());
    const QSet<QString> touchedSet(touched.cbegin(), touched.cend());
    const QStringList paths = m_paths;
    for (const QString &path : paths) {
        if (completedSet.contains(path))
            Q_EMIT fileChanged(path, Change::Completed);
        else if (writtenSet.contains(path))
            Q_EMIT fileChanged(path, Change::Written);
        else if (touchedSet.contains(path))
            Q_EMIT fileChanged(path, Change::Touched);
    }
    if (!completed.isEmpty())
        Q_EMIT changed(Change::Completed);
    else if (!written.isEmpty())
        Q_EMIT changed(Change::Written);
    else if (!touched.isEmpty())
        Q_EMIT changed(Change::Touched);
    else if (beside)
        Q_EMIT changed(Change::Beside);
}

#if defined(Q_OS_LINUX)

// Watches each file's directory, and for a symlink the directory of the file
// it names; when a directory is gone (a clean build removed it), its nearest
// existing ancestor, until it is back. One watch per directory, however many
// files it holds.
void FileWatcher::rearmKernel()
{
    Inotify &in = *m_inotify;
    QHash<QString, Inotify::Watch> wanted;
    for (const QString &path : std::as_const(m_paths)) {
        const QString dir = dirOf(path);
        if (QFileInfo::exists(dir)) {
            Inotify::Watch &watch = wanted[dir];
            watch.dir = dir;
            watch.names[QFile::encodeName(QFileInfo(path).fileName())].append(path);
            const QFileInfo link(path);
            if (link.isSymLink()) {
                const QFileInfo linkTarget(link.symLinkTarget());
                if (QFileInfo::exists(linkTarget.absolutePath())) {
                    Inotify::Watch &targetWatch = wanted[linkTarget.absolutePath()];
                    targetWatch.dir = linkTarget.absolutePath();
                    targetWatch.names[QFile::encodeName(linkTarget.fileName())].append(path);
                }
            }
        } else {
            const QString ancestor = nearestExisting(dir);
            qCDebug(lcWatcher) << dir << "is gone; watching" << ancestor << "until it is back";
            Inotify::Watch &watch = wanted[ancestor];
            watch.dir = ancestor;
            watch.waiting.append(path);
        }
    }

    QHash<int, Inotify::Watch> watches;
    for (const Inotify::Watch &watch : std::as_const(wanted)) {
        const uint32_t mask = watch.names.isEmpty() ? AncestorEvents : EntryEvents;
        const int wd = ::inotify_add_watch(in.fd, QFile::encodeName(watch.dir).constData(), mask);
        if (wd < 0) {
            // Out of watches (fs.inotify.max_user_watches) or not allowed:
            // the portable way still works, with its weaker rule.
            const QString why = QStringLiteral("inotify cannot watch %1 (%2)")
                                        .arg(QDir::toNativeSeparators(watch.dir),
                                             QString::fromLocal8Bit(std::strerror(errno)));
            const QStringList paths = m_paths;
            stop();
            m_paths = paths;
            startPortable(why);
            return;
        }
        watches.insert(wd, watch);
    }
    for (auto it = in.watches.cbegin(); it != in.watches.cend(); ++it) {
        if (!watches.contains(it.key()))
            ::inotify_rm_watch(in.fd, it.key());
    }
    in.watches = std::move(watches);
}

// One word per file and batch of events, for the last thing they say: a close
// after writes is a completion; writes after a close start a new writer's work.
void FileWatcher::readEvents()
{
    Inotify &in = *m_inotify;
    alignas(struct inotify_event) char buffer[16 * 1024];
    QStringList touched;
    QStringList written;
    QStringList completed;
    bool beside = false;
    bool rearm = false;
    const auto touch = [&](const QStringList &paths) {
        touched.append(paths); // report() takes each path once
    };
    for (;;) {
        const ssize_t length = ::read(in.fd, buffer, sizeof buffer);
        if (length <= 0)
            break;
        for (ssize_t at = 0; at < length;) {
            const auto *event = reinterpret_cast<const struct inotify_event *>(buffer + at);
            at += ssize_t(sizeof(struct inotify_event) + event->len);
            if (event->mask & IN_Q_OVERFLOW) {
                // Events were lost, a writer's close perhaps among them: look
                // (the read lease still tells whether a writer has it open).
                qCDebug(lcWatcher) << "events lost; every file is looked at";
                in.writing.clear();
                touch(m_paths);
                rearm = true;
                continue;
            }
            const auto watch = in.watches.constFind(event->wd);
            if (watch == in.watches.cend())
                continue; // removed a moment ago
            if (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) || watch->names.isEmpty()) {
                qCDebug(lcWatcher) << "directory changed:" << watch->dir;
                for (const QStringList &paths : watch->names)
                    touch(paths);
                touch(watch->waiting);
                rearm = true;
                continue;
            }
            const QByteArray name(event->name); // NUL-padded
            const auto entry = watch->names.constFind(name);
            if (entry == watch->names.cend()) {
                if (!watch->waiting.isEmpty() && (event->mask & IN_ISDIR)) {
                    // Perhaps the way back to a directory that was gone.
                    touch(watch->waiting);
                    rearm = true;
                }
                // Not a file, but what it may need: a refusal for a cause
                // outside its bytes (a dependency missing) may be over.
                beside = beside || event->len > 0;
                continue;
            }
            for (const QString &path : *entry) {
                qCDebug(lcWatcher) << "file changed:" << path << Qt::hex << event->mask;
                if (event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
                    in.writing.remove(path);
                    completed.append(path);
                    written.removeAll(path);
                    rearm = rearm || (event->mask & IN_MOVED_TO); // a symlink may have been renamed in
                } else if (event->mask & IN_MODIFY) {
                    in.writing.insert(path);
                    written.append(path);
                    completed.removeAll(path);
                } else if (event->mask & IN_CREATE) {
                    // A file created by open() is empty and has its writer
                    // still on it; a symlink or hard link is complete as it
                    // appears.
                    struct stat st;
                    if (::lstat(QFile::encodeName(path).constData(), &st) == 0
                        && (S_ISLNK(st.st_mode) || st.st_size > 0)) {
                        touch({path});
                    } else {
                        in.writing.insert(path);
                        written.append(path);
                        completed.removeAll(path);
                    }
                    rearm = true;
                } else {
                    touch({path}); // deleted, renamed away, attributes
                    rearm = rearm || (event->mask & (IN_DELETE | IN_MOVED_FROM));
                }
            }
        }
    }
    if (rearm)
        rearmKernel();
    if (!m_inotify) {
        // Fell back to the portable way: look at everything with its rule.
        return report(m_paths, {}, {}, false);
    }
    // A touch says nothing while the file's writer is still at it.
    touched.erase(std::remove_if(touched.begin(), touched.end(),
                                 [&in](const QString &path) { return in.writing.contains(path); }),
                  touched.end());
    report(touched, written, completed, beside);
}

#endif

// --- Portable mode: QFileSystemWatcher ------------------------------------------------

void FileWatcher::startPortable(const QString &why)
{
    m_portableReason = why;
    qCDebug(lcWatcher).noquote() << "watching" << m_paths.size() << "file(s) from" << m_paths.value(0)
                                 << "without completion events:" << why;
    m_portable = new QFileSystemWatcher(this);
    connect(m_portable, &QFileSystemWatcher::fileChanged, this, &FileWatcher::portableChanged);
    connect(m_portable, &QFileSystemWatcher::directoryChanged, this, &FileWatcher::portableChanged);
    rearmPortable(m_paths);
}

// A file or a directory changed: every followed file it may concern is
// touched, and its watch renewed.
void FileWatcher::portableChanged(const QString &path)
{
    QStringList touched;
    if (m_paths.contains(path)) {
        qCDebug(lcWatcher) << "file changed:" << path;
        touched.append(path);
    } else {
        qCDebug(lcWatcher) << "directory changed:" << path;
        // The files in it, and those whose directory was gone (an ancestor
        // was watched for them): it may be back.
        const QStringList watchedDirs = m_portable->directories();
        for (const QString &file : std::as_const(m_paths)) {
            const QString dir = dirOf(file);
            if (dir == path || !watchedDirs.contains(dir))
                touched.append(file);
        }
    }
    rearmPortable(touched);
    report(touched, {}, {}, false);
}

// Watches the directories (or their nearest existing ancestors) and puts back
// the watches of \a paths. A file's watch follows an inode; after "unlink +
// create" or "rename over" the path names a new inode, so the watch of a file
// that changed is renewed rather than trusted.
void FileWatcher::rearmPortable(const QStringList &paths)
{
    if (!m_portable)
        return;
    QStringList dirs;
    for (const QString &file : std::as_const(m_paths)) {
        const QString dir = nearestExisting(dirOf(file));
        if (!dirs.contains(dir))
            dirs.append(dir);
    }
    const QStringList watchedDirs = m_portable->directories();
    for (const QString &watched : watchedDirs) {
        if (!dirs.contains(watched))
            m_portable->removePath(watched); // an ancestor watched while a directory was gone
    }
    for (const QString &dir : std::as_const(dirs)) {
        if (!watchedDirs.contains(dir) && !m_portable->addPath(dir))
            qCWarning(lcWatcher) << "cannot watch directory" << dir;
    }
    const QStringList watchedFiles = m_portable->files();
    for (const QString &path : paths) {
        if (!QFileInfo::exists(path))
            continue;
        if (watchedFiles.contains(path))
            m_portable->removePath(path);
        if (!m_portable->addPath(path))
            qCWarning(lcWatcher) << "cannot watch" << path;
    }
}

// --- Is a writer still at it? -----------------------------------------------------------

OpenWriter openWriter(const QFile &file)
{
    if (quietRuleForced())
        return OpenWriter::Unknown;
#if defined(Q_OS_LINUX)
    const int fd = file.handle();
    if (fd < 0)
        return OpenWriter::Unknown;
    // The kernel grants a read lease only while no one has the file open for
    // writing (a writable shared mapping counts: gold writes through one).
    // Held for two system calls: a writer that opens the file in between
    // waits for us, and we are told by a signal. That signal is SIGURG,
    // whose default is to be ignored, instead of SIGIO, whose default ends
    // the process.
    if (::fcntl(fd, F_SETSIG, SIGURG) != 0)
        return OpenWriter::Unknown;
    if (::fcntl(fd, F_SETLEASE, F_RDLCK) == 0) {
        ::fcntl(fd, F_SETLEASE, F_UNLCK);
        return OpenWriter::None;
    }
    // EAGAIN: a writer has it open. EACCES: another user's file (leases
    // are for the owner); EINVAL: a file system without leases.
    return errno == EAGAIN ? OpenWriter::Open : OpenWriter::Unknown;
#elif defined(Q_OS_WIN)
    // Linkers keep their output open without sharing it for writing: opening
    // it again while denying writers fails until the last writer closed it.
    const HANDLE handle = ::CreateFileW(reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(file.fileName()).utf16()),
                                        GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                        FILE_ATTRIBUTE_NORMAL, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        return ::GetLastError() == ERROR_SHARING_VIOLATION ? OpenWriter::Open : OpenWriter::Unknown;
    ::CloseHandle(handle);
    return OpenWriter::None;
#else
    Q_UNUSED(file);
    return OpenWriter::Unknown;
#endif
}

} // namespace QHotReload::Internal
