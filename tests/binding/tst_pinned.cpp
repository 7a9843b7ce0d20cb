// SPDX-License-Identifier: MIT
// A thread_local with a destructor (issue 13). Its first use on a thread
// registers the destructor with __cxa_thread_atexit, and glibc keeps the
// library mapped until that thread exits: every version used on the GUI
// thread stays mapped after its swap. The warning said to build with
// -fno-gnu-unique, which the library already is (qhot_add_library()); it
// now names the thread_local.

#include "bindinglib.h"
#include "testsupport.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QRegularExpression>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotTestSupport;

class tst_Pinned : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void threadLocalDestructorIsNamed();
};

void tst_Pinned::threadLocalDestructorIsNamed()
{
#if !defined(Q_OS_LINUX) || !defined(__GLIBC__)
    QSKIP("glibc keeps a library with live thread_local destructors mapped; elsewhere it may not");
#else
    WatchedLibrary file(fixture(QHOT_BINDING_TLS_V1), QStringLiteral("libtls.so"));
    QVERIFY(file.isValid());
    QHotModule module(file.path8());
    QHotFunction<decltype(::answer)> answer(module, "answer");
    QVERIFY2(module.load(), qPrintable(module.errorString()));
    QHotLibrary *lib = module.library();
    lib->setRetiredBudget(0); // the warning comes when the swapped-out copy is unloaded
    QCOMPARE(answer(), 1); // constructs this thread's thread_local of v1

    QTest::failOnWarning(QRegularExpression(QStringLiteral("-fno-gnu-unique")));
    QTest::ignoreMessage(QtWarningMsg,
                         QRegularExpression(QStringLiteral("libtls-v1\\.so is still mapped after unloading: the library "
                                                           "has a thread_local variable with a destructor")));
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QVERIFY(file.replaceLikeLd(fixture(QHOT_BINDING_TLS_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(answer(), 2);
#endif
}

QTEST_GUILESS_MAIN(tst_Pinned)
#include "tst_pinned.moc"
