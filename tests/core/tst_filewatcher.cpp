// SPDX-License-Identifier: MIT
// The first stage, following files (src/core/watcher.cpp), on a real file
// system: several files in several directories, saved the ways editors and
// linkers save. Run twice by CTest: with the kernel's completion events
// where there are some, and with QHOTRELOAD_READINESS=quiet, the portable way.
#include "watcher_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <cstdio>

using QHotReload::Internal::FileWatcher;
using Change = FileWatcher::Change;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
    QCOMPARE(file.write(bytes), bytes.size());
}

// As editors save: the new content beside, renamed over the old.
void renameOver(const QString &path, const QByteArray &bytes)
{
    const QString temporary = path + QStringLiteral(".new");
    writeFile(temporary, bytes);
    QVERIFY(::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) == 0);
}

QStringList pathsIn(const QSignalSpy &spy)
{
    QStringList paths;
    for (const QList<QVariant> &args : spy)
        paths.append(args.at(0).toString());
    return paths;
}

// What the last word on path was, or -1.
int lastWordOn(const QSignalSpy &spy, const QString &path)
{
    int word = -1;
    for (const QList<QVariant> &args : spy) {
        if (args.at(0).toString() == path)
            word = int(args.at(1).value<Change>());
    }
    return word;
}

#if defined(Q_OS_LINUX)
int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size());
}
#endif

} // namespace

class tst_FileWatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyFileHasItsOwnWord();
    void aSecondSetKeepsTheFilesBothName();
    void aWriterStillAtItIsNotCompleted();
    void manyFilesTakeOneKernelWatcher();
    void aDirectoryGoneAndBackIsFollowed();
    void stopSaysNothingMore();

private:
    bool kernel() const { return qgetenv("QHOTRELOAD_READINESS") != "quiet"; }
    // The word a completed save gets in this mode.
    Change saved() const { return m_kernelHere ? Change::Completed : Change::Touched; }
    bool m_kernelHere = false;
};

void tst_FileWatcher::initTestCase()
{
    qRegisterMetaType<Change>();
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFile(dir.filePath(QStringLiteral("probe")), "x");
    FileWatcher watcher;
    watcher.watch(dir.filePath(QStringLiteral("probe")));
    m_kernelHere = watcher.mode() == FileWatcher::Mode::Kernel;
#if defined(Q_OS_LINUX)
    // Where it is Linux and not forced off, the kernel's way is the one used
    // (a temporary directory on a share would say why not).
    if (kernel())
        QVERIFY2(m_kernelHere, qPrintable(watcher.portableReason()));
#endif
    if (!kernel())
        QVERIFY(!m_kernelHere);
    QCOMPARE(m_kernelHere, watcher.portableReason().isEmpty());
}

void tst_FileWatcher::everyFileHasItsOwnWord()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    QVERIFY(QDir(root.path()).mkpath(QStringLiteral("src")));
    QVERIFY(QDir(root.path()).mkpath(QStringLiteral("include")));
    const QString a = root.filePath(QStringLiteral("src/a.cpp"));
    const QString b = root.filePath(QStringLiteral("src/b.cpp"));
    const QString h = root.filePath(QStringLiteral("include/a.h"));
    for (const QString &path : {a, b, h})
        writeFile(path, "before");

    FileWatcher watcher;
    watcher.watch(QStringList{a, b, h});
    QCOMPARE(watcher.filePaths(), (QStringList{a, b, h}));
    QSignalSpy files(&watcher, &FileWatcher::fileChanged);
    QSignalSpy batches(&watcher, &FileWatcher::changed);

    // Written in place: that file, and only it.
    writeFile(a, "after");
    QTRY_COMPARE(lastWordOn(files, a), int(saved()));
    QVERIFY(!pathsIn(files).contains(h));
    QVERIFY(batches.count() > 0);

    // Renamed over, in the other directory: the new inode is followed too.
    files.clear();
    renameOver(h, "after");
    QTRY_COMPARE(lastWordOn(files, h), int(saved()));
    QVERIFY(!pathsIn(files).contains(a));

    // And again: a rename took the old inode away, the path is still followed.
    files.clear();
    renameOver(h, "again");
    QTRY_COMPARE(lastWordOn(files, h), int(saved()));

    // Another entry of a watched directory is no word on any followed file.
    files.clear();
    batches.clear();
    writeFile(root.filePath(QStringLiteral("src/a.cpp~")), "backup");
    writeFile(b, "after"); // a barrier: the word on b comes after any on the backup
    QTRY_COMPARE(lastWordOn(files, b), int(saved()));
    if (m_kernelHere)
        QCOMPARE(pathsIn(files), QStringList{b});
}

void tst_FileWatcher::aSecondSetKeepsTheFilesBothName()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString a = root.filePath(QStringLiteral("a.cpp"));
    const QString b = root.filePath(QStringLiteral("b.cpp"));
    QVERIFY(QDir(root.path()).mkpath(QStringLiteral("other")));
    const QString c = root.filePath(QStringLiteral("other/c.h"));
    for (const QString &path : {a, b, c})
        writeFile(path, "before");

    FileWatcher watcher;
    watcher.watch(QStringList{a, b});
    QSignalSpy files(&watcher, &FileWatcher::fileChanged);
    // A writer opens b before the set changes and closes it after: the
    // close is still reported, so b's watch was kept, not renewed.
    QFile writer(b);
    QVERIFY(writer.open(QIODevice::WriteOnly | QIODevice::Truncate));
    watcher.watch(QStringList{b, c});
    QCOMPARE(watcher.filePaths(), (QStringList{b, c}));
    QCOMPARE(writer.write("during"), qint64(6));
    writer.close();
    QTRY_COMPARE(lastWordOn(files, b), int(saved()));

    // a is no longer followed; c, in a directory new to the watcher, is.
    files.clear();
    writeFile(a, "after");
    writeFile(c, "after");
    QTRY_COMPARE(lastWordOn(files, c), int(saved()));
    if (m_kernelHere)
        QVERIFY(!pathsIn(files).contains(a));
}

void tst_FileWatcher::aWriterStillAtItIsNotCompleted()
{
    if (!m_kernelHere)
        QSKIP("only the kernel's way tells a write from a completed save");
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString a = root.filePath(QStringLiteral("a.cpp"));
    const QString b = root.filePath(QStringLiteral("b.cpp"));
    writeFile(a, "before");
    writeFile(b, "before");
    FileWatcher watcher;
    watcher.watch(QStringList{a, b});
    QSignalSpy files(&watcher, &FileWatcher::fileChanged);

    QFile writer(a);
    QVERIFY(writer.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(writer.write("half"), qint64(4));
    QVERIFY(writer.flush());
    QTRY_COMPARE(lastWordOn(files, a), int(Change::Written));
    // A touch of another file while a's writer is at it is b's word alone.
    writeFile(b, "after");
    QTRY_COMPARE(lastWordOn(files, b), int(Change::Completed));
    QCOMPARE(lastWordOn(files, a), int(Change::Written));
    writer.close();
    QTRY_COMPARE(lastWordOn(files, a), int(Change::Completed));
}

void tst_FileWatcher::manyFilesTakeOneKernelWatcher()
{
#if defined(Q_OS_LINUX)
    if (!m_kernelHere)
        QSKIP("the portable way is Qt's own watcher");
    // More files than a user may have inotify instances (128 by default): one
    // instance each would fall back to the portable way, or fail.
    QTemporaryDir root;
    QVERIFY(root.isValid());
    QStringList paths;
    for (int d = 0; d < 4; ++d) {
        const QString dir = QStringLiteral("dir%1").arg(d);
        QVERIFY(QDir(root.path()).mkpath(dir));
        for (int f = 0; f < 100; ++f) {
            paths.append(root.filePath(QStringLiteral("%1/f%2.h").arg(dir).arg(f)));
            writeFile(paths.last(), "before");
        }
    }
    const int before = openDescriptors();
    FileWatcher watcher;
    watcher.watch(paths);
    QCOMPARE(watcher.mode(), FileWatcher::Mode::Kernel);
    QCOMPARE(openDescriptors(), before + 1);
    QSignalSpy files(&watcher, &FileWatcher::fileChanged);
    writeFile(paths.at(250), "after");
    QTRY_COMPARE(lastWordOn(files, paths.at(250)), int(Change::Completed));
    QCOMPARE(pathsIn(files), QStringList{paths.at(250)});
#else
    QSKIP("inotify is Linux's");
#endif
}

void tst_FileWatcher::aDirectoryGoneAndBackIsFollowed()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString kept = root.filePath(QStringLiteral("kept.cpp"));
    const QString dir = root.filePath(QStringLiteral("gen/deep"));
    const QString made = dir + QStringLiteral("/made.h");
    QVERIFY(QDir().mkpath(dir));
    writeFile(kept, "before");
    writeFile(made, "before");
    FileWatcher watcher;
    watcher.watch(QStringList{kept, made});
    QSignalSpy files(&watcher, &FileWatcher::fileChanged);

    // A clean build removes the directory, two levels of it.
    QVERIFY(QDir(root.filePath(QStringLiteral("gen"))).removeRecursively());
    QTRY_VERIFY(pathsIn(files).contains(made));
    if (m_kernelHere)
        QVERIFY(!pathsIn(files).contains(kept)); // the portable way touches the files beside


    // ...and makes it again: the file in it is followed as before.
    files.clear();
    QVERIFY(QDir().mkpath(dir));
    writeFile(made, "after");
    QTRY_VERIFY(lastWordOn(files, made) != -1);
    // One more save, now that the directory is back: its own word again.
    files.clear();
    renameOver(made, "again");
    QTRY_COMPARE(lastWordOn(files, made), int(saved()));
    if (m_kernelHere)
        QVERIFY(!pathsIn(files).contains(kept));
}

void tst_FileWatcher::stopSaysNothingMore()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QString a = root.filePath(QStringLiteral("a.cpp"));
    writeFile(a, "before");
    FileWatcher watcher;
    watcher.watch(QStringList{a});
    watcher.stop();
    QVERIFY(watcher.filePaths().isEmpty());
    QSignalSpy files(&watcher, &FileWatcher::fileChanged);
    writeFile(a, "after");

    // A second watcher on the same file is the barrier: once it has spoken,
    // the stopped one would have too.
    FileWatcher other;
    other.watch(a);
    QSignalSpy otherFiles(&other, &FileWatcher::fileChanged);
    writeFile(a, "again");
    QTRY_VERIFY(otherFiles.count() > 0);
    QCoreApplication::processEvents();
    QCOMPARE(files.count(), 0);
}

QTEST_GUILESS_MAIN(tst_FileWatcher)
#include "tst_filewatcher.moc"
