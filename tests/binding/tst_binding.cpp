// SPDX-License-Identifier: MIT
// Bind only into the new copy (issue 13). A library whose functions are
// exported (default visibility) and linked without -Bsymbolic has every
// reference to one of them — its own manifest's entries included — bound by
// the dynamic linker to the first definition in the process's global scope.
// While no other copy is there, that is its own; once the application has a
// copy in the global scope (it linked the library, or loaded it with
// RTLD_GLOBAL), a new version's entries point into that copy: the swap used
// to be reported while every call ran the old code. Now such a version is
// refused, naming the function; qhot_add_library() links with -Bsymbolic, so
// its libraries bind to themselves whatever their visibility.
//
// A copy loaded into the global scope cannot be taken out again (the visible
// fixtures hold STB_GNU_UNIQUE symbols): each test function adds one, and the
// order of the functions is part of the story.

#include "bindinglib.h"
#include "testsupport.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QDir>
#include <QtCore/QLibrary>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotTestSupport;

namespace {

//! The application's view of the fixtures' two functions.
struct Module
{
    explicit Module(const char *path) : module(path) {}
    QHotModule module;
    QHotFunction<decltype(::answer)> answer{module, "answer"};
    QHotFunction<decltype(::doubled)> doubled{module, "doubled"};
};

//! Loads \a path into the process's global scope, as an application that
//! linked the library (or a plugin loader with RTLD_GLOBAL) has it.
bool loadGlobally(QLibrary &library, const QString &path)
{
    library.setFileName(path);
    library.setLoadHints(QLibrary::ExportExternalSymbolsHint | QLibrary::ResolveAllSymbolsHint);
    return library.load();
}

} // namespace

class tst_Binding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundToAnotherCopyIsRefused();
    void qhotAddLibraryBindsToItself();
};

void tst_Binding::boundToAnotherCopyIsRefused()
{
    const QString v1 = fixture(QHOT_BINDING_VISIBLE_V1);
    const QString v2 = fixture(QHOT_BINDING_VISIBLE_V2);
    WatchedLibrary file(v1, QStringLiteral("libvisible.so"));
    QVERIFY(file.isValid());
    Module m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.module.library();
    QCOMPARE(m.answer(), 1);

    // No other copy in the global scope: default visibility binds the new
    // version to itself, and it is taken.
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    QVERIFY(file.replaceLikeLd(v2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.answer(), 2);
    QCOMPARE(m.doubled(), 4);
    QVERIFY2(failed.isEmpty(), qPrintable(firstReason(failed)));

    // The application gets a copy of the library into its global scope.
    QLibrary global;
    QVERIFY2(loadGlobally(global, v1), qPrintable(global.errorString()));

    // The next version's manifest is bound to that copy: refused, naming the
    // function, where it went, and the remedy; the running version stays.
    QVERIFY(file.replaceLikeLd(v1));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = firstReason(failed);
    QVERIFY2(reason.contains(QLatin1String("'answer'")), qPrintable(reason));
    QVERIFY2(reason.contains(QDir::toNativeSeparators(v1)), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("-Bsymbolic")), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("qhot_add_library()")), qPrintable(reason));
    QCOMPARE(reloaded.count(), 1);
    QCOMPARE(lib->version(), 2);
    QCOMPARE(m.answer(), 2);
    QCOMPARE(lib->errorString(), reason);

    // A manual reload meets the same bytes, bound the same way.
    QVERIFY(!lib->reload());
    QCOMPARE(lib->version(), 2);
    QCOMPARE(m.answer(), 2);
}

void tst_Binding::qhotAddLibraryBindsToItself()
{
    // The same source with qhot_add_library(), its visibility put back to
    // default: everything is still exported, and a copy of it is in the
    // global scope from the start. -Bsymbolic binds each version to itself:
    // the first version loads and the next one is taken and runs.
    const QString v1 = fixture(QHOT_BINDING_QHOT_VISIBLE_V1);
    const QString v2 = fixture(QHOT_BINDING_QHOT_VISIBLE_V2);
    QLibrary global;
    QVERIFY2(loadGlobally(global, v1), qPrintable(global.errorString()));

    WatchedLibrary file(v1, QStringLiteral("libqhotvisible.so"));
    QVERIFY(file.isValid());
    Module m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.module.library();
    QCOMPARE(m.answer(), 1);
    QCOMPARE(m.doubled(), 2);

    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    QVERIFY(file.replaceLikeLd(v2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QVERIFY2(failed.isEmpty(), qPrintable(firstReason(failed)));
    QCOMPARE(lib->version(), 2);
    QCOMPARE(m.answer(), 2);
    // A call inside the library binds to itself too, not only the manifest.
    QCOMPARE(m.doubled(), 4);
}

QTEST_GUILESS_MAIN(tst_Binding)
#include "tst_binding.moc"
