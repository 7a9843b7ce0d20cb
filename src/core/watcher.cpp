// SPDX-License-Identifier: MIT
#include "watcher_p.h"

#include "logging_p.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QHash>
#include <QtCore/QSocketNotifier>

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

} // namespace

// --- Kernel mode: inotify on the directory ------------------------------------------

#if defined(Q_OS_LINUX)

class FileWatcher::Inotify
{
public:
    explicit Inotify(int fd) : fd(fd) {}
    ~Inotify() { ::close(fd); }

    struct Watch
    {
        QString dir;
        QList<QByteArray> names; // the entries of interest in it; empty for an ancestor
    };

    int fd;
    QSocketNotifier *notifier = nullptr;
    QHash<int, Watch> watches;
    // A writer has written since the last completion: a look now would see
    // its file half-way.
    bool writing = false;
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
    stop();
    const QFileInfo info(filePath);
    m_path = info.absoluteFilePath();
    m_dir = info.absolutePath();
#if defined(Q_OS_LINUX)
    if (quietRuleForced())
        return startPortable(QStringLiteral("QHOTRELOAD_READINESS=quiet is set"));
    const QString remote = remoteFileSystem(m_dir);
    if (!remote.isEmpty())
        return startPortable(remote);
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return startPortable(QStringLiteral("inotify is not available (%1)").arg(QString::fromLocal8Bit(std::strerror(errno))));
    m_inotify = std::make_unique<Inotify>(fd);
    m_inotify->notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(m_inotify->notifier, &QSocketNotifier::activated, this, [this] { readEvents(); });
    rearmKernel();
#else
    startPortable(QStringLiteral("the platform's file watcher does not say when a writer closes a file"));
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
    m_path.clear();
    m_dir.clear();
    m_portableReason.clear();
}

#if defined(Q_OS_LINUX)

// Watches the file's directory, and for a symlink the directory of the file
// it names; when the directory is gone (a clean build removed it), its
// nearest existing ancestor, until it is back.
void FileWatcher::rearmKernel()
{
    Inotify &in = *m_inotify;
    QHash<QString, Inotify::Watch> wanted;
    if (QFileInfo::exists(m_dir)) {
        wanted[m_dir] = {m_dir, {QFile::encodeName(QFileInfo(m_path).fileName())}};
        const QFileInfo link(m_path);
        if (link.isSymLink()) {
            const QFileInfo target(link.symLinkTarget());
            if (QFileInfo::exists(target.absolutePath())) {
                Inotify::Watch &watch = wanted[target.absolutePath()];
                watch.dir = target.absolutePath();
                watch.names.append(QFile::encodeName(target.fileName()));
            }
        }
    } else {
        const QString ancestor = nearestExisting(m_dir);
        qCDebug(lcWatcher) << m_dir << "is gone; watching" << ancestor << "until it is back";
        wanted[ancestor] = {ancestor, {}};
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
            const QString path = m_path;
            stop();
            m_path = path;
            m_dir = QFileInfo(path).absolutePath();
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

// One signal per batch of events, for the last thing they say: a close after
// writes is a completion; writes after a close start a new writer's work.
void FileWatcher::readEvents()
{
    Inotify &in = *m_inotify;
    alignas(struct inotify_event) char buffer[16 * 1024];
    bool touched = false;
    bool written = false;
    bool completed = false;
    bool beside = false;
    bool rearm = false;
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
                qCDebug(lcWatcher) << "directory changed:" << m_dir << "(events lost)";
                in.writing = false;
                touched = rearm = true;
                continue;
            }
            const auto watch = in.watches.constFind(event->wd);
            if (watch == in.watches.cend())
                continue; // removed a moment ago
            if (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) || watch->names.isEmpty()) {
                qCDebug(lcWatcher) << "directory changed:" << watch->dir;
                touched = rearm = true;
                continue;
            }
            const QByteArray name(event->name); // NUL-padded
            if (!watch->names.contains(name)) {
                // Not the file, but what it may need: a refusal for a cause
                // outside its bytes (a dependency missing) may be over.
                beside = beside || event->len > 0;
                continue;
            }
            qCDebug(lcWatcher) << "file changed:" << m_path << Qt::hex << event->mask;
            if (event->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) {
                in.writing = false;
                completed = true;
                written = false;
                rearm = rearm || (event->mask & IN_MOVED_TO); // a symlink may have been renamed in
            } else if (event->mask & IN_MODIFY) {
                in.writing = true;
                written = true;
                completed = false;
            } else if (event->mask & IN_CREATE) {
                // A file created by open() is empty and has its writer still
                // on it; a symlink or hard link is complete as it appears.
                struct stat st;
                const QByteArray path = QFile::encodeName(m_path);
                if (::lstat(path.constData(), &st) == 0 && (S_ISLNK(st.st_mode) || st.st_size > 0)) {
                    touched = true;
                } else {
                    in.writing = true;
                    written = true;
                    completed = false;
                }
                rearm = true;
            } else {
                touched = true; // deleted, renamed away, attributes
                rearm = rearm || (event->mask & (IN_DELETE | IN_MOVED_FROM));
            }
        }
    }
    if (rearm)
        rearmKernel();
    if (!m_inotify) {
        Q_EMIT changed(Change::Touched); // fell back to the portable way: look with its rule
        return;
    }
    if (completed)
        Q_EMIT changed(Change::Completed);
    else if (written)
        Q_EMIT changed(Change::Written);
    else if (touched && !in.writing)
        Q_EMIT changed(Change::Touched);
    else if (beside)
        Q_EMIT changed(Change::Beside);
}

#endif

// --- Portable mode: QFileSystemWatcher ------------------------------------------------

void FileWatcher::startPortable(const QString &why)
{
    m_portableReason = why;
    qCDebug(lcWatcher).noquote() << "watching" << m_path << "without completion events:" << why;
    m_portable = new QFileSystemWatcher(this);
    const auto onChange = [this](const QString &path) {
        qCDebug(lcWatcher) << (path == m_path ? "file changed:" : "directory changed:") << path;
        rearmPortable();
        Q_EMIT changed(Change::Touched);
    };
    connect(m_portable, &QFileSystemWatcher::fileChanged, this, onChange);
    connect(m_portable, &QFileSystemWatcher::directoryChanged, this, onChange);
    rearmPortable();
}

// Puts back whatever watch a deletion or rename took away. The file's watch
// follows an inode; after "unlink + create" or "rename over" the path names a
// new inode, so the watch is renewed on every change rather than trusted.
void FileWatcher::rearmPortable()
{
    if (m_path.isEmpty() || !m_portable)
        return;
    const QString dir = nearestExisting(m_dir);
    for (const QString &watched : m_portable->directories()) {
        if (watched != dir)
            m_portable->removePath(watched); // an ancestor watched while the directory was gone
    }
    if (!m_portable->directories().contains(dir) && !m_portable->addPath(dir))
        qCWarning(lcWatcher) << "cannot watch directory" << dir;
    if (dir != m_dir) {
        qCDebug(lcWatcher) << m_dir << "is gone; watching" << dir << "until it is back";
        return;
    }
    if (QFileInfo::exists(m_path)) {
        if (m_portable->files().contains(m_path))
            m_portable->removePath(m_path);
        if (!m_portable->addPath(m_path))
            qCWarning(lcWatcher) << "cannot watch" << m_path;
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
