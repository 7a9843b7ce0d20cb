// SPDX-License-Identifier: MIT
// Retry (issue 13): a version refused for a cause outside its bytes — a
// dependency missing or unreadable — is taken once that cause is gone, with
// the same bytes and without reload(): the library's directory is watched,
// and a change in it (the dependency copied in) tries the bytes again.
//
// binding_retry_v2 finds its dependency only in QHOT_BINDING_RETRY_DIR (its
// run path), a directory of the build tree this test owns; the watched file
// is put there too.

#include "testsupport.h"

#include <QHotReload/QHotLibrary>

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotTestSupport;

namespace {

#if defined(QHOT_BINDING_RETRY_DIR)
//! QHOT_BINDING_RETRY_DIR, emptied, with the watched library file in it; emptied again at the end.
class RetryDir
{
public:
    explicit RetryDir(const QString &firstVersion)
        : m_dir(QString::fromLocal8Bit(QHOT_BINDING_RETRY_DIR))
    {
        QDir(m_dir).removeRecursively();
        m_path = QDir(m_dir).filePath(QStringLiteral("libretry.so"));
        m_path8 = QFile::encodeName(m_path);
        m_valid = QDir().mkpath(m_dir) && QFile::copy(firstVersion, m_path);
    }
    ~RetryDir() { QDir(m_dir).removeRecursively(); }
    Q_DISABLE_COPY_MOVE(RetryDir)

    bool isValid() const { return m_valid; }
    QString path() const { return m_path; }
    const char *path8() const { return m_path8.constData(); }
    //! Where the dependency must be for binding_retry_v2 to load.
    QString dependencyPath() const
    {
        return QDir(m_dir).filePath(QFileInfo(fixture(QHOT_BINDING_DEPENDENCY)).fileName());
    }

private:
    QString m_dir;
    QString m_path;
    QByteArray m_path8;
    bool m_valid = false;
};
#endif

} // namespace

class tst_Retry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void dependencyCopiedInIsTaken();
    void firstVersionWaitsForItsDependency();
};

void tst_Retry::init()
{
#if !defined(QHOT_BINDING_RETRY_DIR)
    QSKIP("The dependency fixture finds its dependency by an ELF run path");
#endif
}

#if defined(QHOT_BINDING_RETRY_DIR)

void tst_Retry::dependencyCopiedInIsTaken()
{
    RetryDir dir(fixture(QHOT_BINDING_RETRY_V1));
    QVERIFY(dir.isValid());
    // A library of the test's own, not a module's (which lives as long as
    // the application), with no retired copies: it unloads the dependency
    // when it goes, and the next test starts without it.
    QHotLibrary lib(dir.path());
    lib.setRetiredBudget(0);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(lib.call(QStringLiteral("answer")).toInt(), 1);

    // v2 needs a library that is not there yet: refused, v1 runs on.
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QSignalSpy failed(&lib, &QHotLibrary::reloadFailed);
    QVERIFY(writeLikeLd(dir.path(), readFile(fixture(QHOT_BINDING_RETRY_V2))));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = firstReason(failed);
    QVERIFY2(reason.contains(QFileInfo(dir.dependencyPath()).fileName()), qPrintable(reason));
    QCOMPARE(lib.version(), 1);
    QCOMPARE(lib.call(QStringLiteral("answer")).toInt(), 1);

    // The dependency arrives, as a build writes it: the same bytes of v2 are
    // taken, without reload(), and the refusal is not reported again.
    QVERIFY(writeLikeLd(dir.dependencyPath(), readFile(fixture(QHOT_BINDING_DEPENDENCY))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(lib.version(), 2);
    QCOMPARE(lib.call(QStringLiteral("answer")).toInt(), 22);
    QCOMPARE(failed.count(), 1);
}

void tst_Retry::firstVersionWaitsForItsDependency()
{
    RetryDir dir(fixture(QHOT_BINDING_RETRY_V2));
    QVERIFY(dir.isValid());
    QHotLibrary lib(dir.path());
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QVERIFY(!lib.load());
    QVERIFY2(lib.errorString().contains(QFileInfo(dir.dependencyPath()).fileName()), qPrintable(lib.errorString()));

    QVERIFY(writeRenameOver(dir.dependencyPath(), readFile(fixture(QHOT_BINDING_DEPENDENCY))));
    QTRY_VERIFY_WITH_TIMEOUT(lib.isLoaded(), Timeout);
    QCOMPARE(reloaded.count(), 1);
    QCOMPARE(lib.call(QStringLiteral("answer")).toInt(), 22);
    QVERIFY(lib.errorString().isEmpty());
}

#else
void tst_Retry::dependencyCopiedInIsTaken() {}
void tst_Retry::firstVersionWaitsForItsDependency() {}
#endif

QTEST_GUILESS_MAIN(tst_Retry)
#include "tst_retry.moc"
